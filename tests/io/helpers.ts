// Shared by tests/io: hand-built safetensors bytes (an independent writer for malformed files), the
// committed fixtures, temp directories, and a helper that returns the error a call throws.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { NodegradError, Tensor } from '../../src/index.js';
import type { DType } from '../../src/core/dtype.js';

/** Bytes of a file with header `header` (JSON text or an object), padded with spaces to a multiple of 8 unless `pad` is false. */
export function rawFile(header: string | object, data: Uint8Array | number[] = [], options: { pad?: boolean; headerLength?: bigint } = {}): Uint8Array {
  let json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  if (options.pad !== false) json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(...values: number[]): number[] {
  return [...new Uint8Array(new Float32Array(values).buffer)];
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

export interface Expected {
  write: { tensors: Record<string, TensorSpec>; metadata: Record<string, string> };
  read: Record<string, TensorSpec>;
  mlp: { keys: string[]; x: number[][]; y: number[][] };
}
export const expected = JSON.parse(readFileSync(new URL('../fixtures/io_expected.json', import.meta.url), 'utf8')) as Expected;

export interface TensorSpec {
  dtype: string;
  shape: number[];
  values: (number | boolean | string)[];
}

/** A JSON value of the fixtures: numbers, booleans, or 'nan' / 'inf' / '-inf' / '-0'. */
export function decodeValue(v: number | boolean | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
  if (!(v in special)) throw new Error(`fixture value ${JSON.stringify(v)} is not a number`);
  return special[v]!;
}

const DTYPE_OF: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool' };

/** The tensor a fixture spec describes (only dtypes nodegrad writes). */
export function specTensor(spec: TensorSpec): Tensor {
  const dtype = DTYPE_OF[spec.dtype]!;
  const vals = spec.values.map(decodeValue);
  const data = dtype === 'float32' ? Float32Array.from(vals) : dtype === 'float64' ? Float64Array.from(vals) : dtype === 'int32' ? Int32Array.from(vals) : Uint8Array.from(vals);
  return Tensor.fromData(data, spec.shape, dtype);
}

/** The raw bytes of a tensor's elements (bit patterns, so NaN and -0 compare exactly). */
export function bitsOf(t: Tensor): number[] {
  const a = t.toTypedArray();
  return [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
}

/** Runs fn, expects it to throw a NodegradError of class `cls`, and returns the error. */
export function thrown<E extends NodegradError>(fn: () => unknown, cls: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return e as E;
  }
  throw new Error('expected an error, none was thrown');
}

/** A fresh temp directory and its cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nodegrad-io-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
