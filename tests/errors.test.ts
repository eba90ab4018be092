// Bad input gets a typed error that names the op, the argument and the shapes: never a crash, a silent
// NaN or a wrong answer. One block per error family, on the default (native) backend.
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, DTypeError, F, IndexError, NodegradError, ShapeError, arange, cat, gather, matmul, nn, ones,
  optim, rand, randint, reshape, tensor, zeros,
} from '../src/index.js';

function thrown(fn: () => unknown): NodegradError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NodegradError);
    return e as NodegradError;
  }
  throw new Error('expected an error');
}

describe('shape errors name op, argument and shapes', () => {
  it('broadcasting', () => {
    const e = thrown(() => ones(2, 3).add(ones(4)));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.op).toBe('add');
    expect(e.message).toBe('add: input and other cannot be broadcast together: size 3 vs 4 at dimension 1 (input=[2,3], other=[4])');
    expect(e.shapes).toEqual({ input: [2, 3], other: [4] });
  });
  it('matmul inner dims', () => {
    const e = thrown(() => matmul(ones(2, 3), ones(4, 5)));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^matmul: input and other have incompatible inner dims: 3 vs 4 \(input=\[2,3\], other=\[4,5\]\)$/);
  });
  it('reshape, cat, linear, crossEntropy targets', () => {
    expect(thrown(() => reshape(ones(2, 3), [4, 2])).message).toMatch(/reshape: shape \[4,2\] is invalid for input of size 6/);
    expect(thrown(() => cat([ones(2, 3), ones(2, 4)], 0))).toBeInstanceOf(ShapeError);
    expect(thrown(() => new nn.Linear(3, 2).forward(ones(5, 4))).message).toMatch(/linear: input must end in inFeatures=3/);
    expect(thrown(() => F.crossEntropy(ones(4, 3), tensor([0, 1], { dtype: 'int32' }))).message).toMatch(/crossEntropy: target/);
  });
});

describe('dtype errors', () => {
  it('rejects float indices, int means and bool arithmetic', () => {
    expect(thrown(() => gather(ones(2, 2), 1, ones(2, 2) as never))).toBeInstanceOf(DTypeError);
    expect(thrown(() => arange(4).mean()).message).toMatch(/mean: input must be floating point, got int32/);
    expect(thrown(() => tensor([true]).add(tensor([false])))).toBeInstanceOf(DTypeError);
    expect(thrown(() => F.crossEntropy(ones(2, 3), ones(2))).message).toMatch(/crossEntropy: target must have the input shape|crossEntropy: target of probabilities/);
    expect(thrown(() => arange(3).requiresGrad_())).toBeInstanceOf(DTypeError);
    expect(thrown(() => arange(3).mul_(0.5))).toBeInstanceOf(DTypeError);
  });
});

describe('index errors', () => {
  it('out-of-range dims, indices and class targets', () => {
    expect(thrown(() => ones(2, 3).sum(2))).toBeInstanceOf(IndexError);
    expect(thrown(() => ones(2, 3).select(0, 2))).toBeInstanceOf(IndexError);
    expect(thrown(() => gather(ones(2, 3), 1, tensor([[0], [3]], { dtype: 'int32' }))).message).toMatch(/gather: index 3 is out of bounds for dimension 1 with size 3/);
    expect(thrown(() => F.crossEntropy(ones(2, 3), tensor([0, 5], { dtype: 'int32' }))).message).toMatch(/5 is out of bounds for 3 classes/);
    expect(thrown(() => ones(2).max(0, true).values.index(0, 0))).toBeInstanceOf(IndexError);
  });
});

describe('argument errors: bad values and option names', () => {
  it('negative, NaN and non-integer sizes', () => {
    expect(thrown(() => zeros([-1]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => rand([2, NaN]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => ones(2.5))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => randint(5, 2, [3]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => arange(0, 10, 0))).toBeInstanceOf(ArgumentError);
  });
  it('misspelt options name the option', () => {
    expect(thrown(() => F.mseLoss(ones(2), ones(2), { reduce: 'sum' } as never)).message).toMatch(/mseLoss: option 'reduce' is not a known option \(known: reduction\)/);
    expect(thrown(() => F.mseLoss(ones(2), ones(2), { reduction: 'avg' as never })).message).toMatch(/reduction must be one of/);
    expect(thrown(() => ones(2).sum(0, { keepDim: true } as never)).message).toMatch(/option 'keepDim'/);
    expect(thrown(() => new optim.SGD([tensor([1], { requiresGrad: true })], { moment: 0.9 } as never))).toBeInstanceOf(ArgumentError);
  });
  it('non-tensors where tensors are needed', () => {
    expect(thrown(() => matmul([1, 2] as never, ones(2)))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => ones(2).add('1' as never))).toBeInstanceOf(ArgumentError);
  });
});

describe('autograd errors', () => {
  it('backward on a non-scalar without a gradient', () => {
    const x = ones(2, 3).requiresGrad_();
    const e = thrown(() => x.mul(2).backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(/shape \[2,3\]/);
  });
  it('backward on something that does not require grad', () => {
    expect(thrown(() => ones(2).sum().backward())).toBeInstanceOf(AutogradError);
  });
});
