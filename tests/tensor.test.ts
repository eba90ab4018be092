// Tensor basics: creation, dtype inference, layout views, data readout, printing.
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, Tensor, arange, eye, full, linspace, ones, tensor, zeros } from '../src/index.js';

describe('creation', () => {
  it('infers shape and dtype from nested arrays', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    expect(x.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([1, 2], { dtype: 'int32' }).toTypedArray()).toBeInstanceOf(Int32Array);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor(5).item()).toBe(5);
  });
  it('takes a typed array with a shape, copying it', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const x = tensor(data, { shape: [3, 2] });
    data[0] = 100;
    expect(x.tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
  });
  it('rejects ragged data, bad shapes and unknown options', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(ShapeError);
    expect(() => zeros([2, -1])).toThrow(ArgumentError);
    expect(() => zeros([2, NaN])).toThrow(ArgumentError);
    expect(() => tensor([1], { dtyp: 'float32' } as never)).toThrow(/option 'dtyp'/);
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow(DTypeError);
  });
  it('fills constants, ranges and identities like PyTorch', () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(ones([2]).tolist()).toEqual([1, 1]);
    expect(full([2], 7).tolist()).toEqual([7, 7]);
    expect(arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1, 0.25).dtype).toBe('float32');
    expect(linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe('views', () => {
  it('transpose shares storage and reads back row-major', () => {
    const x = arange(6).reshape(2, 3);
    const t = x.t();
    expect(t.storage).toBe(x.storage);
    expect(t.isContiguous()).toBe(false);
    expect(Array.from(t.toTypedArray())).toEqual([0, 3, 1, 4, 2, 5]);
  });
  it('slices with index() like x[1:, ::2]', () => {
    const x = arange(12).reshape(3, 4);
    expect(x.index('1:', '::2').tolist()).toEqual([[4, 6], [8, 10]]);
    expect(x.index(-1).tolist()).toEqual([8, 9, 10, 11]);
    expect(x.index('...', null, 0).shape).toEqual([3, 1]);
  });
  it('prints like PyTorch', () => {
    expect(String(tensor([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(tensor([0.5], { dtype: 'float64' }))).toBe('tensor([0.5000], dtype=float64)');
  });
  it('item() needs exactly one element', () => {
    expect(() => zeros(2).item()).toThrow(ShapeError);
    expect(Tensor.zeros([1, 1], 'float32').item()).toBe(0);
  });
});
