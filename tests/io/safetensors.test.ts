// io.serialize / deserialize / save / load: round trips of every dtype (empty and 0-d tensors, special
// values, views), byte-for-byte agreement with the independent Python writer of
// tests/fixtures/make_io_fixtures.py (ordering, header JSON, padding, metadata), reading the dtypes
// nodegrad only reads (F16 BF16 I8 U8 I16 U16 U32 I64 U64) exactly, and bad arguments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, io, randn, tensor } from '../../src/index.js';
import { decodeEntry, parseHeader, planFile } from '../../src/io/safetensors.js';
import { bitsOf, decodeValue, expected, fixture, specTensor, tempDir, thrown } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The tensors of the io_write fixture, built from the JSON values. */
function writeFixtureTensors(): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(expected.write.tensors).map(([k, spec]) => [k, specTensor(spec)]));
}

function expectSameTensors(got: Record<string, Tensor>, want: Record<string, Tensor>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    const g = got[k]!;
    expect(g.dtype, k).toBe(w.dtype);
    expect(g.shape, k).toEqual(w.shape);
    expect(bitsOf(g), k).toEqual(bitsOf(w));
  }
}

describe('byte-exact agreement with the independent Python writer', () => {
  it('serialize writes exactly the bytes of io_write.safetensors (dtype-then-name order, metadata, padding)', () => {
    const bytes = io.serialize(writeFixtureTensors(), expected.write.metadata);
    expect(Buffer.from(bytes).equals(Buffer.from(fixture('io_write.safetensors')))).toBe(true);
  });

  it('the order of the input does not matter (record or Map, any insertion order)', () => {
    const entries = Object.entries(writeFixtureTensors()).reverse();
    const meta = Object.fromEntries(Object.entries(expected.write.metadata).reverse());
    expect(Buffer.from(io.serialize(new Map(entries), meta)).equals(Buffer.from(fixture('io_write.safetensors')))).toBe(true);
  });

  it('the header is laid out as the format says: u64 length, JSON padded with spaces to 8, metadata first', () => {
    const bytes = fixture('io_write.safetensors');
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
    expect(text.startsWith('{"__metadata__":{"epoch":"3","format":"pt",')).toBe(true);
    expect(text.trimEnd().length).toBeLessThan(text.length); // this header needed padding
    // Within one dtype, code point order: U+FF5E before U+1F600 (UTF-16 order would swap them).
    const names = Object.keys(JSON.parse(text) as object);
    expect(names).toEqual(['__metadata__', 'Z', 'z', 'a', 'a.b', 'b', '\uff5e', '\u{1f600}', '__proto__', 'i', 'i0', 'm0', 'mask']);
  });

  it('deserialize reads io_write.safetensors back: values, dtypes, shapes, metadata (and __proto__ is a plain name)', () => {
    const { tensors, metadata } = io.deserialize(fixture('io_write.safetensors'));
    expectSameTensors(tensors, writeFixtureTensors());
    expect(metadata).toEqual(expected.write.metadata);
    expect(Object.hasOwn(tensors, '__proto__')).toBe(true);
    expect(tensors['__proto__']!.tolist()).toEqual([42]);
    expect(tensors['mask']!.tolist()).toEqual([[true, false], [false, true]]);
    expect(tensors['a.b']!.shape).toEqual([]);
    expect(tensors['z']!.shape).toEqual([2, 0]);
  });

  it('an empty file matches the safetensors library: `{}` padded to 8 bytes', () => {
    expect([...io.serialize({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(io.deserialize(io.serialize({}))).toEqual({ tensors: {}, metadata: {} });
    // Given metadata is written even when empty (save_file(t, metadata={}) does the same).
    expect(Buffer.from(io.serialize({}, {})).toString('latin1')).toBe('\x18\0\0\0\0\0\0\0{"__metadata__":{}}     ');
  });
});

describe('reading the dtypes nodegrad does not write', () => {
  const { tensors } = io.deserialize(fixture('io_read.safetensors'));
  const want: Record<string, string> = {
    f16: 'float32', bf16: 'float32', i8: 'int32', u8: 'int32', i16: 'int32', u16: 'int32', u32: 'int32', i64: 'int32', i64_0d: 'int32', u64: 'int32', f32: 'float32',
  };
  it.each(Object.entries(want))('%s loads as %s with the exact values', (name, dtype) => {
    const spec = expected.read[name]!;
    const t = tensors[name]!;
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual(spec.shape);
    const got = Array.from(t.toTypedArray() as ArrayLike<number>);
    const wantValues = spec.values.map(decodeValue);
    expect(got.length).toBe(wantValues.length);
    got.forEach((v, i) => expect(Object.is(v, wantValues[i]), `${name}[${i}]: ${v} vs ${wantValues[i]}`).toBe(true));
  });
  it('reads every tensor of the file', () => {
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(want).sort());
  });
});

describe('round trips', () => {
  const cases: [string, Tensor][] = [
    ['float32 with specials', tensor([[1.5, -0, Infinity], [-Infinity, NaN, 1e-45]])],
    ['float64', tensor(new Float64Array([Math.PI, -1e-310, 1e308]))],
    ['int32 extremes', tensor([-2147483648, 2147483647, 0], { dtype: 'int32' })],
    ['bool', tensor([[true, false, true]])],
    ['0-d float32', tensor(2.5)],
    ['0-d int32', tensor(7, { dtype: 'int32' })],
    ['0-d bool', tensor(false)],
    ['empty float32 [0]', tensor([])],
    ['empty float64 [3, 0, 2]', Tensor.zeros([3, 0, 2], 'float64')],
    ['empty int32 [0, 4]', Tensor.zeros([0, 4], 'int32')],
    ['empty bool [0]', Tensor.zeros([0], 'bool')],
  ];
  it.each(cases)('%s survives serialize → deserialize bit for bit', (_name, t) => {
    const back = io.deserialize(io.serialize({ t }, { note: 'x' }));
    expectSameTensors(back.tensors, { t });
    expect(back.metadata).toEqual({ note: 'x' });
  });

  it('all dtypes at once through save → load on disk; tensors do not share storage with the bytes', () => {
    const all = Object.fromEntries(cases.map(([k, t]) => [k, t]));
    const file = join(tmp.dir, 'all.safetensors');
    io.save(file, all, { metadata: { 'ünï': '✓', empty: '' } });
    const back = io.load(file);
    expectSameTensors(back.tensors, all);
    expect(back.metadata).toEqual({ 'ünï': '✓', empty: '' });
    expect(readFileSync(file).equals(Buffer.from(io.serialize(all, { 'ünï': '✓', empty: '' })))).toBe(true);
    expect(io.load(pathToFileURL(file)).tensors['float64']!.tolist()).toEqual([Math.PI, -1e-310, 1e308]);
    expect(readdirSync(tmp.dir)).toEqual(['all.safetensors']);
  });

  it('views (transposed, narrowed, expanded) are written as their row-major values; requiresGrad is irrelevant', () => {
    const base = randn(3, 4).requiresGrad_();
    const views = { t: base.t(), n: base.detach().narrow(1, 1, 2), e: tensor([1, 2, 3]).expand([2, 3]), base };
    const back = io.deserialize(io.serialize(views)).tensors;
    for (const [k, v] of Object.entries(views)) {
      expect(back[k]!.tolist(), k).toEqual(v.tolist());
      expect(back[k]!.isContiguous()).toBe(true);
      expect(back[k]!.requiresGrad).toBe(false);
    }
  });

  it('a header without padding (an older writer) is read too', () => {
    const bytes = io.serialize({ w: tensor([1, 2]) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString().trimEnd();
    const unpadded = Buffer.concat([Buffer.alloc(8), Buffer.from(text), Buffer.from(bytes.subarray(8 + n))]);
    unpadded.writeBigUInt64LE(BigInt(text.length), 0);
    expect(text.length % 8).not.toBe(0);
    expect(io.deserialize(unpadded).tensors['w']!.tolist()).toEqual([1, 2]);
  });
});

describe('the big-endian code path (a test seam: the host byte order is a parameter)', () => {
  it('writes each element byte-reversed and reads it back to the same values', () => {
    const ts = { a: tensor([1, -2.5]), b: tensor(new Float64Array([0.1])), c: tensor([258], { dtype: 'int32' }), d: tensor([true, false]) };
    const le = planFile('test', ts, undefined, true);
    const be = planFile('test', ts, undefined, false);
    expect(be.head).toEqual(le.head);
    const sizes = [8, 4, 4, 1]; // F64 b, F32 a, I32 c, BOOL d
    be.chunks.forEach((chunk, i) => {
      const size = sizes[i]!;
      const reversed = [...le.chunks[i]!].map((_, j) => le.chunks[i]![j - (j % size) + size - 1 - (j % size)]);
      expect([...chunk]).toEqual(reversed);
    });
    expect([...be.chunks[2]!]).toEqual([0, 0, 1, 2]); // 258 big-endian
    const file = new Uint8Array(be.totalBytes);
    file.set(be.head);
    let at = be.head.length;
    for (const c of be.chunks) (file.set(c, at), (at += c.length));
    const header = parseHeader(file, 'test', 'bytes');
    const decoded = header.entries.map((e) => Array.from(decodeEntry(file, header.dataStart, e, 'test', 'bytes', false) as ArrayLike<number>));
    expect(decoded).toEqual([[0.1], [1, -2.5], [258], [1, 0]]);
  });
});

describe('bad arguments get typed errors naming the argument', () => {
  it('serialize refuses non-tensors, the reserved name, non-string metadata and unpaired surrogates', () => {
    expect(thrown(() => io.serialize({ w: [1, 2] as never }), ArgumentError).message).toBe('io.serialize: tensors["w"] must be a Tensor, got an array');
    expect(thrown(() => io.serialize(null as never), ArgumentError).message).toMatch(/tensors must be a record or Map of name → Tensor, got null/);
    expect(thrown(() => io.serialize([tensor([1])] as never), ArgumentError).message).toMatch(/got an array/);
    expect(thrown(() => io.serialize({ __metadata__: tensor([1]) }), ArgumentError).message).toMatch(/tensors\["__metadata__"\] is a reserved name/);
    expect(thrown(() => io.serialize({ w: tensor([1]) }, { epoch: 3 as never }), ArgumentError).message).toBe(
      'io.serialize: metadata["epoch"] must be a string (safetensors metadata maps strings to strings), got number 3',
    );
    expect(thrown(() => io.serialize({}, 'x' as never), ArgumentError).message).toMatch(/metadata must be a record of string → string/);
    expect(thrown(() => io.serialize({ ['a\ud800']: tensor([1]) }), ArgumentError).message).toMatch(/unpaired UTF-16 surrogate/);
    expect(thrown(() => io.serialize({}, { k: 'v\udc00' }), ArgumentError).message).toMatch(/metadata\["k"\] value holds an unpaired/);
    expect(thrown(() => io.serialize(new Map([[1, tensor([1])]]) as never), ArgumentError).message).toMatch(/names must be strings/);
  });

  it('save/load/deserialize check their arguments; save writes nothing then', () => {
    const file = join(tmp.dir, 'never.safetensors');
    expect(thrown(() => io.save(file, { w: tensor([1]) }, { meta: {} } as never), ArgumentError).message).toMatch(/io.save: option 'meta' is not a known option \(known: metadata\)/);
    expect(thrown(() => io.save(file, { w: 1 as never }), ArgumentError).message).toMatch(/io.save: tensors\["w"\] must be a Tensor/);
    expect(thrown(() => io.save('', {}), ArgumentError).message).toMatch(/io.save: path must be a non-empty string or a file: URL/);
    expect(thrown(() => io.load(42 as never), ArgumentError).message).toMatch(/io.load: path must be/);
    expect(thrown(() => io.deserialize([1, 2] as never), ArgumentError).message).toMatch(/io.deserialize: bytes must be a Uint8Array/);
    expect(readdirSync(tmp.dir)).not.toContain('never.safetensors');
    expect(() => io.load(join(tmp.dir, 'missing.safetensors'))).toThrow(/ENOENT.*missing\.safetensors/);
  });
});
