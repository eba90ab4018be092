// Malformed safetensors bytes and files: each is refused before any tensor is made, with a typed
// error (SerializationError for a malformed file, DTypeError for a dtype nodegrad cannot hold) whose
// message names the operation, the file (or `bytes`), the tensor and what is wrong. The bytes are
// built by hand (tests/io/helpers.ts rawFile), independently of the writer under test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DTypeError, io, tensor } from '../../src/index.js';
import { MAX_JSON_DEPTH } from '../../src/io/json.js';
import { f32Bytes, rawFile, tempDir, thrown } from './helpers.js';

const { SerializationError } = io;
const tmp = tempDir();
afterAll(tmp.cleanup);

const entry = (dtype: string, shape: number[], begin: number, end: number): object => ({ dtype, shape, data_offsets: [begin, end] });
const bad = (bytes: Uint8Array): InstanceType<typeof SerializationError> => thrown(() => io.deserialize(bytes), SerializationError);

describe('length prefix and header', () => {
  it('fewer than 8 bytes', () => {
    const e = bad(new Uint8Array(5));
    expect(e.message).toBe('io.deserialize: bytes: is 5 bytes long, shorter than the 8-byte header length that starts a safetensors file (truncated?)');
    expect(e.file).toBe('bytes');
    expect(e.tensor).toBeUndefined();
    expect(e.code).toBe('INVALID_ARGUMENT');
  });
  it('header length past the end of the file (truncated inside the header)', () => {
    const good = io.serialize({ w: tensor([1, 2, 3]) });
    expect(bad(good.subarray(0, 40)).message).toMatch(/^io.deserialize: bytes: header length 56 runs past the end of the data: the header needs 64 bytes, there are 40 \(truncated\?\)$/);
  });
  it('header length over the 100 MB cap, up to 2^64 - 1', () => {
    expect(bad(rawFile('{}', [], { headerLength: 100_000_001n })).message).toMatch(/header length 100000001 exceeds the 100000000-byte limit/);
    expect(bad(rawFile('{}', [], { headerLength: 2n ** 64n - 1n })).message).toMatch(/header length 18446744073709551615 exceeds/);
  });
  it('header that is not UTF-8', () => {
    const b = rawFile('{"a":1}');
    b[10] = 0xff;
    expect(bad(b).message).toBe('io.deserialize: bytes: header is not valid UTF-8');
  });
  it('header that is not JSON, or not an object', () => {
    expect(bad(rawFile('{"w": {"dtype": "F32",}}')).message).toBe('io.deserialize: bytes: header is not valid JSON: expected \'"\', got "}" at character 22');
    expect(bad(rawFile('{"w": 1} x')).message).toMatch(/header is not valid JSON: unexpected "x" after the end of the JSON value/);
    expect(bad(rawFile('{"w": "a\nb"}')).message).toMatch(/control character U\+000a inside a string/);
    expect(bad(rawFile('{"w": "\\q"}')).message).toMatch(/bad escape '\\q'/);
    expect(bad(rawFile('{"w')).message).toMatch(/unterminated string/);
    expect(bad(rawFile('{}\0\0\0\0\0\0', [], { pad: false })).message).toMatch(/unexpected "\\u0000" after the end/); // NUL padding is not whitespace
    expect(bad(rawFile('[1, 2]')).message).toBe('io.deserialize: bytes: header must be a JSON object, got an array');
    expect(bad(rawFile('"x"')).message).toMatch(/header must be a JSON object, got a string/);
  });
  it('nesting deeper than the cap', () => {
    const deep = `{"w": ${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}}`;
    expect(bad(rawFile(deep)).message).toMatch(/nesting deeper than 64 levels/);
  });
  it('duplicate tensor names and duplicate fields', () => {
    const e = bad(rawFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32Bytes(1, 2)));
    expect(e.message).toBe('io.deserialize: bytes: tensor "w" appears more than once in the header');
    expect(e.tensor).toBe('w');
    expect(bad(rawFile('{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32Bytes(1))).message).toBe(
      'io.deserialize: bytes: tensor "w" has the field "dtype" more than once',
    );
    expect(bad(rawFile('{"__metadata__":{"k":"a","k":"b"}}')).message).toBe('io.deserialize: bytes: header\'s __metadata__ has the key "k" more than once');
  });
  it('an unpaired surrogate escape in a name', () => {
    expect(bad(rawFile('{"w\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32Bytes(1))).message).toMatch(/unpaired UTF-16 surrogate/);
  });
  it('metadata that is not string → string', () => {
    expect(bad(rawFile({ __metadata__: { epoch: 3 } })).message).toBe('io.deserialize: bytes: header\'s __metadata__["epoch"] must be a string, got the number 3');
    expect(bad(rawFile({ __metadata__: ['a'] })).message).toMatch(/__metadata__ must be an object of string → string, got an array/);
  });
});

describe('tensor entries', () => {
  const one = (e: unknown, data: number[] = f32Bytes(1, 2)): Uint8Array => rawFile({ w: e }, data);
  it('an entry that is not an object, a missing or unknown field', () => {
    expect(bad(one([1])).message).toBe('io.deserialize: bytes: tensor "w" must be described by an object { dtype, shape, data_offsets }, got an array');
    expect(bad(one({ dtype: 'F32', data_offsets: [0, 8] })).message).toBe('io.deserialize: bytes: tensor "w" is missing the field "shape"');
    expect(bad(one({ ...entry('F32', [2], 0, 8), offsets: 1 })).message).toMatch(/tensor "w" has an unknown field "offsets"/);
    expect(bad(one({ dtype: 7, shape: [2], data_offsets: [0, 8] })).message).toMatch(/tensor "w" dtype must be a string, got the number 7/);
  });
  it('shapes that are not lists of non-negative integer literals', () => {
    for (const [shape, what] of [['[-2]', 'the number -2'], ['[2.0]', 'the number 2.0'], ['[2e0]', 'the number 2e0'], ['["2"]', 'a string'], ['[null]', 'null']]) {
      const e = bad(rawFile(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,8]}}`, f32Bytes(1, 2)));
      expect(e.message).toBe(`io.deserialize: bytes: tensor "w" shape[0] must be a non-negative integer, got ${what}`);
    }
    expect(bad(rawFile('{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}', f32Bytes(1, 2))).message).toMatch(/shape must be an array of non-negative integers, got the number 2/);
    expect(bad(rawFile('{"w":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,8]}}')).message).toMatch(/shape\[0\] must be a non-negative integer/);
    expect(bad(one(entry('F32', [2 ** 30, 2 ** 30], 0, 8))).message).toMatch(/tensor "w" has shape \[1073741824, 1073741824\], too large to address/);
  });
  it('data_offsets that are not [begin, end] with begin ≤ end', () => {
    expect(bad(one({ dtype: 'F32', shape: [2], data_offsets: [0, 4, 8] })).message).toMatch(/tensor "w" data_offsets must be \[begin, end\], got 3 numbers/);
    expect(bad(one({ dtype: 'F32', shape: [2], data_offsets: [0, -8] })).message).toMatch(/data_offsets\[1\] must be a non-negative integer, got the number -8/);
    expect(bad(one({ dtype: 'F32', shape: [0], data_offsets: [8, 0] })).message).toBe('io.deserialize: bytes: tensor "w" has data_offsets [8, 0] that end before they begin');
  });
  it('offsets whose span does not fit the shape and dtype', () => {
    const e = bad(one(entry('F32', [2], 0, 4), f32Bytes(1)));
    expect(e.message).toBe('io.deserialize: bytes: tensor "w" has data_offsets [0, 4] spanning 4 bytes, but F32 [2] needs 2 × 4 = 8 bytes');
    expect(bad(one(entry('F64', [2], 0, 8))).message).toMatch(/but F64 \[2\] needs 2 × 8 = 16 bytes/);
    expect(bad(one(entry('BF16', [], 0, 8))).message).toMatch(/but BF16 \[\] needs 1 × 2 = 2 bytes/);
  });
  it('unknown dtypes and dtypes nodegrad cannot hold are DTypeErrors naming the tensor', () => {
    const unknown = thrown(() => io.deserialize(one(entry('F17', [2], 0, 8))), DTypeError);
    expect(unknown.message).toMatch(/^io.deserialize: bytes: tensor "w" has unknown dtype "F17" \(safetensors dtypes: BOOL, U8, I8,/);
    const f8 = thrown(() => io.deserialize(one(entry('F8_E4M3', [8], 0, 8))), DTypeError);
    expect(f8.message).toMatch(/^io.deserialize: bytes: tensor "w" has dtype F8_E4M3, which nodegrad cannot hold exactly \(readable: F32, F64, I32, BOOL, F16, BF16,/);
    // "toString" is not a dtype even though every object has it.
    expect(thrown(() => io.deserialize(one(entry('toString', [2], 0, 8))), DTypeError).message).toMatch(/unknown dtype "toString"/);
  });
});

describe('offsets across tensors', () => {
  it('overlapping tensors', () => {
    const e = bad(rawFile({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, f32Bytes(1, 2, 3)));
    expect(e.message).toBe('io.deserialize: bytes: tensor "b" has data_offsets [4, 12] that overlap tensor "a" [0, 8]');
    expect(e.tensor).toBe('b');
    expect(bad(rawFile({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 0, 8) }, f32Bytes(1, 2))).message).toMatch(/tensor "b" has data_offsets \[0, 8\] that overlap tensor "a" \[0, 8\]/);
    expect(bad(rawFile({ a: entry('F32', [2], 0, 8), e: entry('F32', [0], 4, 4) }, f32Bytes(1, 2))).message).toMatch(/tensor "e" has data_offsets \[4, 4\] that overlap tensor "a"/);
  });
  it('a gap between tensors, or before the first', () => {
    expect(bad(rawFile({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, f32Bytes(1, 2, 3))).message).toBe(
      'io.deserialize: bytes: tensor "b" starts at byte 8 but the previous tensor "a" ends at 4: a 4-byte gap (tensors must be back to back)',
    );
    expect(bad(rawFile({ a: entry('F32', [1], 4, 8) }, f32Bytes(1, 2))).message).toMatch(/tensor "a" starts at byte 4 but the data buffer starts at 0: a 4-byte gap/);
  });
  it('offsets past the end of the buffer (a file truncated in its data)', () => {
    const good = io.serialize({ a: tensor([1, 2]), b: tensor([3, 4, 5]) });
    expect(bad(good.subarray(0, good.length - 3)).message).toMatch(/^io.deserialize: bytes: tensor "b" has data_offsets \[8, 20\] past the end of the 17-byte data buffer \(truncated\?\)$/);
  });
  it('trailing bytes after the last tensor', () => {
    const good = io.serialize({ a: tensor([1, 2]) });
    const extra = new Uint8Array(good.length + 3);
    extra.set(good);
    expect(bad(extra).message).toBe('io.deserialize: bytes: has 3 trailing bytes after the last tensor\'s data (the data buffer is 11 bytes, the tensors cover 8)');
    expect(bad(rawFile('{}', [0])).message).toMatch(/has 1 trailing bytes/);
  });
  it('empty tensors may sit anywhere between others; offsets need not follow the header order', () => {
    const b = rawFile({ c: entry('F32', [1], 4, 8), e: entry('F32', [0, 3], 4, 4), a: entry('F32', [1], 0, 4), z: entry('BOOL', [0], 8, 8) }, f32Bytes(1, 2));
    const { tensors } = io.deserialize(b);
    expect(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.tolist()]))).toEqual({ c: [2], e: [], a: [1], z: [] });
  });
});

describe('values nodegrad cannot hold exactly', () => {
  const i64 = (v: bigint, dtype = 'I64'): Uint8Array => {
    const d = new DataView(new ArrayBuffer(16));
    d.setBigUint64(0, 0n, true);
    d.setBigUint64(8, BigInt.asUintN(64, v), true);
    return rawFile({ n: entry(dtype, [2], 0, 16) }, new Uint8Array(d.buffer));
  };
  it('I64 and U64 beyond int32 are DTypeErrors naming the tensor, element and value', () => {
    expect(thrown(() => io.deserialize(i64(2n ** 31n)), DTypeError).message).toBe('io.deserialize: bytes: tensor "n" is I64 and element 1 = 2147483648 does not fit int32, the widest integer dtype of nodegrad');
    expect(thrown(() => io.deserialize(i64(-(2n ** 31n) - 1n)), DTypeError).message).toMatch(/element 1 = -2147483649 does not fit int32/);
    expect(thrown(() => io.deserialize(i64(2n ** 64n - 1n, 'U64')), DTypeError).message).toMatch(/tensor "n" is U64 and element 1 = 18446744073709551615 does not fit/);
    expect(io.deserialize(i64(-(2n ** 31n))).tensors['n']!.tolist()).toEqual([0, -2147483648]);
  });
  it('U32 beyond int32', () => {
    const b = rawFile({ u: entry('U32', [1], 0, 4) }, [0, 0, 0, 0x80]);
    expect(thrown(() => io.deserialize(b), DTypeError).message).toMatch(/tensor "u" is U32 and element 0 = 2147483648 does not fit int32/);
  });
  it('BOOL bytes other than 0 and 1 are corrupt', () => {
    const e = bad(rawFile({ m: entry('BOOL', [3], 0, 3) }, [1, 0, 2]));
    expect(e.message).toBe('io.deserialize: bytes: tensor "m" is BOOL but element 2 is the byte 2 (must be 0 or 1)');
  });
});

describe('io.load names the file', () => {
  it('in SerializationError and DTypeError messages', () => {
    const file = join(tmp.dir, 'cut.safetensors');
    const good = io.serialize({ layer: tensor([1, 2, 3]) });
    writeFileSync(file, good.subarray(0, good.length - 1));
    const e = thrown(() => io.load(file), SerializationError);
    expect(e.message).toBe(`io.load: ${file}: tensor "layer" has data_offsets [0, 12] past the end of the 11-byte data buffer (truncated?)`);
    expect(e.file).toBe(file);
    expect(e.op).toBe('io.load');
    writeFileSync(file, rawFile({ h: entry('C64', [1], 0, 8) }, f32Bytes(1, 2)));
    expect(thrown(() => io.load(file), DTypeError).message).toMatch(new RegExp(`^io.load: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: tensor "h" has unknown dtype "C64"`));
  });
});
