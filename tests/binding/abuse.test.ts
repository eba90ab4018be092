// Abuse of the RAW addon (rawAddon(), positional arguments, no TS checks in front): wrong argument
// counts and types, Float64Array where float32 is needed, short / detached / SharedArrayBuffer-backed
// buffers, negative, fractional, NaN and huge (2^53, 1e300) sizes, offsets and strides, stride
// overflow, dtype mismatches, outputs overlapping inputs, aliasing output strides and bad op codes; pooling
// windows outside their planes and out-of-range pooling indices.
// Every case must throw a TypeError or RangeError whose message starts with the export's name: never
// crash, hang or touch memory outside the arrays. A seeded fuzz loop mixes valid and invalid arguments.
//
// Each export has a tight valid call (`SIGS[name].valid()`: every array exactly as long as needed and
// no stride 0 where a huge size could hide), which must succeed; each case breaks one thing in it.

import { afterAll, describe, expect, it } from 'vitest';
import { rawAddon } from '../../src/backend/native/native.js';
import { ArgumentError, BackendError, DTypeError, IndexError, ShapeError } from '../../src/core/errors.js';
import { ARG_REDUCE_OPS, BINARY_OPS, OPTIM_OPS, REDUCE_OPS, RNN_MODES, SOFTMAX_OPS, UNARY_OPS, rnnBackwardWorkSize, rnnWorkspaceSize } from '../../src/kernels/spec.js';
import { Rng, seedOf } from '../helpers/samples.js';

const addon = rawAddon();
type Fn = (...args: unknown[]) => unknown;
const fnOf = (name: string): Fn => {
  const f = (addon as unknown as Record<string, Fn | undefined>)[name];
  if (!f) throw new Error(`the addon has no export '${name}'`);
  return f;
};

/** What a positional argument is; decides which wrong values are tried. */
type Kind = 'op' | 'dims' | 'array' | 'int' | 'number' | 'bool' | 'optArray';
/** 'optArray': an array or null (conv2d's bias). */
const isArrayKind = (k: Kind): boolean => k === 'array' || k === 'optArray';

interface Sig {
  kinds: readonly Kind[];
  names: readonly string[];
  /** A fresh, valid, tight argument list. */
  valid(): unknown[];
}

const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);
/** A valid conv geometry (see the conv2d signatures below). */
const convGeometry = (): Float64Array => f64(2, 2, 3, 4, 4, 2, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2);
const f32 = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
const i32 = (n: number, mod = 3): Int32Array => Int32Array.from({ length: n }, (_, i) => i % mod);

/** Valid windows for geom [1, 2, 3, 4, 2, 2, 1, 2]: rows start 0/1 count 2, columns start 0/1 count 2 (dilation 2). */
const POOL_WINDOWS = (): Int32Array => Int32Array.of(0, 1, 2, 2, 2, 2, 0, 1, 2, 2, 2, 2);
/** An LSTM direction (RNN_GEOMETRY_KEYS order): T 2, B 2, I 3, H 2, forward, time-major y [2, 2, 2] (strides 4, 2). */
const RNN_LSTM = RNN_MODES.indexOf('lstm');
const rnnGeometry = (): Float64Array => f64(2, 2, 3, 2, 0, 4, 2);
const RNN_WS = rnnWorkspaceSize('lstm', 2, 2, 2);
const RNN_WORK = rnnBackwardWorkSize('lstm', 2, 2, 2);

const SIGS = {
  copy: {
    names: ['shape', 'src', 'srcOffset', 'srcStrides', 'dst', 'dstOffset', 'dstStrides'],
    kinds: ['dims', 'array', 'int', 'dims', 'array', 'int', 'dims'],
    valid: () => [f64(2, 3), f32(7), 1, f64(3, 1), f32(6), 0, f64(3, 1)],
  },
  unary: {
    names: ['op', 'x', 'out', 'n', 'alpha', 'beta'],
    kinds: ['op', 'array', 'array', 'int', 'number', 'number'],
    valid: () => [UNARY_OPS.indexOf('exp'), f32(5), f32(5), 5, 0, 0],
  },
  binary: {
    names: ['op', 'shape', 'a', 'aOffset', 'aStrides', 'b', 'bOffset', 'bStrides', 'out'],
    kinds: ['op', 'dims', 'array', 'int', 'dims', 'array', 'int', 'dims', 'array'],
    valid: () => [0, f64(2, 3), f32(6), 0, f64(3, 1), f32(4), 1, f64(0, 1), f32(6)],
  },
  where: {
    names: ['shape', 'cond', 'cOffset', 'cStrides', 'a', 'aOffset', 'aStrides', 'b', 'bOffset', 'bStrides', 'out'],
    kinds: ['dims', 'array', 'int', 'dims', 'array', 'int', 'dims', 'array', 'int', 'dims', 'array'],
    valid: () => [f64(2, 3), new Uint8Array([1, 0, 1, 1, 0, 0]), 0, f64(3, 1), f32(6), 0, f64(3, 1), f32(7), 1, f64(3, 1), f32(6)],
  },
  reduce: {
    names: ['op', 'x', 'outer', 'size', 'inner', 'out'],
    kinds: ['op', 'array', 'int', 'int', 'int', 'array'],
    valid: () => [REDUCE_OPS.indexOf('max'), f32(24), 2, 3, 4, f32(8)],
  },
  argReduce: {
    names: ['op', 'x', 'outer', 'size', 'inner', 'values', 'indices'],
    kinds: ['op', 'array', 'int', 'int', 'int', 'array', 'array'],
    valid: () => [0, f32(24), 2, 3, 4, f32(8), new Int32Array(8)],
  },
  softmax: {
    names: ['op', 'x', 'outer', 'size', 'inner', 'out'],
    kinds: ['op', 'array', 'int', 'int', 'int', 'array'],
    valid: () => [0, f32(24), 2, 3, 4, f32(24)],
  },
  gemm: {
    names: ['batch', 'transA', 'transB', 'M', 'N', 'K', 'alpha', 'A', 'aOffset', 'strideA', 'lda', 'B', 'bOffset', 'strideB', 'ldb', 'beta', 'C', 'cOffset', 'strideC', 'ldc'],
    kinds: ['int', 'bool', 'bool', 'int', 'int', 'int', 'number', 'array', 'int', 'int', 'int', 'array', 'int', 'int', 'int', 'number', 'array', 'int', 'int', 'int'],
    // A: 2 batches of 2x4 (stride 8), B: 2 of 4x3 (stride 12), C: 2 of 2x3 (stride 6).
    valid: () => [2, false, false, 2, 3, 4, 1, f32(16), 0, 8, 4, f32(25), 1, 12, 3, 0, f32(12), 0, 6, 3],
  },
  gather: {
    names: ['shape', 'x', 'xOffset', 'xStrides', 'dim', 'xDimSize', 'index', 'out'],
    kinds: ['dims', 'array', 'int', 'dims', 'int', 'int', 'array', 'array'],
    valid: () => [f64(2, 3), f32(8), 0, f64(4, 1), 1, 4, i32(6, 4), f32(6)],
  },
  scatterAdd: {
    names: ['shape', 'out', 'outStrides', 'dim', 'outDimSize', 'index', 'src'],
    kinds: ['dims', 'array', 'dims', 'int', 'int', 'array', 'array'],
    valid: () => [f64(2, 3), f32(8), f64(4, 1), 1, 4, i32(6, 4), f32(6)],
  },
  optimStep: {
    names: ['op', 'n', 'param', 'grad', 's0', 's1', 's2', 'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9'],
    kinds: ['op', 'int', 'array', 'array', 'array', 'array', 'array', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number'],
    // Centered RMSprop with momentum: the one update that uses all three state arrays.
    valid: () => [OPTIM_OPS.indexOf('rmsprop'), 5, f32(5), f32(5), f32(5), f32(5), f32(5), 0.01, 0.99, 1e-8, 0, 0.9, 1, 0, 0, 0, 0],
  },
  // Geometry (CONV2D_GEOMETRY_KEYS order): N 2, Cin 2, H 3, W 4, Cout 4, Ho 2, Wo 3, kernel 2x2, stride 1, pad 0, dilation 1, groups 2.
  conv2d: {
    names: ['geometry', 'x', 'xOffset', 'xStrides', 'w', 'wOffset', 'bias', 'bOffset', 'out'],
    kinds: ['dims', 'array', 'int', 'dims', 'array', 'int', 'optArray', 'int', 'array'],
    valid: () => [convGeometry(), f32(49), 1, f64(24, 12, 4, 1), f32(18), 2, f32(5), 1, f32(48)],
  },
  conv2dBackwardInput: {
    names: ['geometry', 'gy', 'gyOffset', 'w', 'wOffset', 'gx'],
    kinds: ['dims', 'array', 'int', 'array', 'int', 'array'],
    valid: () => [convGeometry(), f32(49), 1, f32(18), 2, f32(48)],
  },
  conv2dBackwardWeight: {
    names: ['geometry', 'x', 'xOffset', 'xStrides', 'gy', 'gyOffset', 'gw'],
    kinds: ['dims', 'array', 'int', 'dims', 'array', 'int', 'array'],
    valid: () => [convGeometry(), f32(49), 1, f64(24, 12, 4, 1), f32(50), 2, f32(16)],
  },
  // Pooling over 2 planes of 3x4 with 2x2 outputs (POOL_GEOM: [N, C, H, W, OH, OW, dH, dW]): rows {0,1}, {1,2}
  // (dilation 1), columns {0,2}, {1,3} (dilation 2); windows = [hStart, hCount, hDiv, wStart, wCount, wDiv].
  maxPool: {
    names: ['geom', 'windows', 'x', 'xOffset', 'xStrides', 'out', 'withIndices', 'indices'],
    kinds: ['dims', 'array', 'array', 'int', 'dims', 'array', 'bool', 'array'],
    valid: () => [f64(1, 2, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), f32(25), 1, f64(12, 12, 4, 1), f32(8), true, new Int32Array(8)],
  },
  avgPool: {
    names: ['geom', 'windows', 'divisorOverride', 'x', 'xOffset', 'xStrides', 'out'],
    kinds: ['dims', 'array', 'number', 'array', 'int', 'dims', 'array'],
    valid: () => [f64(1, 2, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), 0, f32(24), 0, f64(12, 12, 4, 1), f32(8)],
  },
  maxPoolBackward: {
    names: ['planes', 'inSize', 'outSize', 'grad', 'indices', 'gradInput'],
    kinds: ['int', 'int', 'int', 'array', 'array', 'array'],
    valid: () => [2, 12, 4, f32(8), i32(8, 12), f32(24)],
  },
  avgPoolBackward: {
    names: ['geom', 'windows', 'divisorOverride', 'grad', 'gradInput'],
    kinds: ['dims', 'array', 'number', 'array', 'array'],
    valid: () => [f64(1, 2, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), 3, f32(8), f32(24)],
  },
  batchNormStats: {
    names: ['x', 'N', 'C', 'S', 'mean', 'variance'],
    kinds: ['array', 'int', 'int', 'int', 'array', 'array'],
    valid: () => [f32(24), 2, 3, 4, f32(3), f32(3)],
  },
  batchNormApply: {
    names: ['x', 'N', 'C', 'S', 'mean', 'variance', 'eps', 'weight', 'bias', 'out'],
    kinds: ['array', 'int', 'int', 'int', 'array', 'array', 'number', 'array', 'array', 'array'],
    valid: () => [f32(24), 2, 3, 4, f32(3), f32(3).fill(1), 1e-5, f32(3), f32(3), f32(24)],
  },
  batchNormBackward: {
    names: ['grad', 'x', 'N', 'C', 'S', 'mean', 'variance', 'eps', 'weight', 'training', 'gradInput', 'sumGrad', 'sumGradXhat'],
    kinds: ['array', 'array', 'int', 'int', 'int', 'array', 'array', 'number', 'array', 'bool', 'array', 'array', 'array'],
    valid: () => [f32(24), f32(24), 2, 3, 4, f32(3), f32(3).fill(1), 1e-5, f32(3), true, f32(24), f32(3), f32(3)],
  },
  layerNorm: {
    names: ['x', 'R', 'L', 'eps', 'weight', 'bias', 'out', 'mean', 'rstd'],
    kinds: ['array', 'int', 'int', 'number', 'array', 'array', 'array', 'array', 'array'],
    valid: () => [f32(12), 3, 4, 1e-5, f32(4), f32(4), f32(12), f32(3), f32(3)],
  },
  layerNormBackward: {
    names: ['grad', 'x', 'R', 'L', 'mean', 'rstd', 'weight', 'gradInput', 'withParamGrads', 'gradWeight', 'gradBias'],
    kinds: ['array', 'array', 'int', 'int', 'array', 'array', 'array', 'array', 'bool', 'array', 'array'],
    valid: () => [f32(12), f32(12), 3, 4, f32(3), f32(3), f32(4), f32(12), true, f32(4), f32(4)],
  },
  // One LSTM direction (see rnnGeometry): G·H = 8 gate rows.
  rnnForward: {
    names: ['mode', 'geometry', 'x', 'xOffset', 'wIh', 'wIhOffset', 'wHh', 'wHhOffset', 'bIh', 'bIhOffset', 'bHh', 'bHhOffset', 'h0', 'h0Offset',
      'c0', 'c0Offset', 'lengths', 'y', 'yOffset', 'hN', 'hNOffset', 'cN', 'cNOffset', 'ws', 'wsOffset'],
    kinds: ['op', 'dims', 'array', 'int', 'array', 'int', 'array', 'int', 'optArray', 'int', 'optArray', 'int', 'array', 'int',
      'optArray', 'int', 'optArray', 'array', 'int', 'array', 'int', 'optArray', 'int', 'array', 'int'],
    valid: () => [RNN_LSTM, rnnGeometry(), f32(13), 1, f32(24), 0, f32(17), 1, f32(10), 2, f32(8), 0, f32(4), 0,
      f32(5), 1, Int32Array.of(2, 1), f32(9), 1, f32(4), 0, f32(4), 0, f32(RNN_WS + 1), 1],
  },
  rnnBackward: {
    names: ['mode', 'geometry', 'x', 'xOffset', 'wIh', 'wIhOffset', 'wHh', 'wHhOffset', 'lengths', 'ws', 'wsOffset', 'gy', 'gyOffset',
      'ghN', 'ghNOffset', 'gcN', 'gcNOffset', 'gx', 'gh0', 'gc0', 'gwIh', 'gwHh', 'gbIh', 'gbHh', 'work'],
    kinds: ['op', 'dims', 'array', 'int', 'array', 'int', 'array', 'int', 'optArray', 'array', 'int', 'array', 'int',
      'optArray', 'int', 'optArray', 'int', 'optArray', 'optArray', 'optArray', 'optArray', 'optArray', 'optArray', 'optArray', 'array'],
    valid: () => [RNN_LSTM, rnnGeometry(), f32(12), 0, f32(25), 1, f32(16), 0, Int32Array.of(2, 1), f32(RNN_WS), 0, f32(9), 1,
      f32(4), 0, f32(6), 2, f32(12), f32(4), f32(4), f32(24), f32(16), f32(8), f32(8), f32(RNN_WORK)],
  },
} satisfies Record<string, Sig>;

type KernelExport = keyof typeof SIGS;
const KERNELS = Object.keys(SIGS) as KernelExport[];
const OP_COUNTS: Partial<Record<KernelExport, number>> = {
  unary: UNARY_OPS.length, binary: BINARY_OPS.length, reduce: REDUCE_OPS.length, argReduce: ARG_REDUCE_OPS.length, softmax: SOFTMAX_OPS.length, optimStep: OPTIM_OPS.length,
  rnnForward: RNN_MODES.length, rnnBackward: RNN_MODES.length,
};

// ---- helpers ------------------------------------------------------------------------------------------

function detach<T extends ArrayBufferView>(a: T): T {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}
function onShared(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * n));
}
/** Same dtype as `a`, one element shorter (or, for an empty array, unchanged). */
function shorter(a: ArrayBufferView): ArrayBufferView {
  const C = a.constructor as new (n: number) => ArrayBufferView & { length: number };
  const len = (a as unknown as { length: number }).length;
  return new C(Math.max(0, len - 1));
}

/** Calls and returns what was thrown (undefined if nothing). */
function thrown(name: string, args: readonly unknown[]): unknown {
  try {
    fnOf(name)(...args);
  } catch (e) {
    return e;
  }
  return undefined;
}

let rejectedCases = 0;
afterAll(() => console.log(`binding abuse: ${rejectedCases} hand-written invalid calls rejected`));

/** The call must throw TypeError or RangeError (`cls` narrows it) with a message starting with `<name>:`. */
function rejects(name: string, args: readonly unknown[], label: string, cls?: typeof TypeError | typeof RangeError): void {
  const t0 = performance.now();
  const e = thrown(name, args);
  const ms = performance.now() - t0;
  const what = `${name} [${label}]`;
  if (e === undefined) throw new Error(`${what}: expected a TypeError or RangeError, but the call returned`);
  if (!(e instanceof TypeError || e instanceof RangeError)) throw new Error(`${what}: expected a TypeError or RangeError, got ${String(e)}`);
  if (cls && !(e instanceof cls)) throw new Error(`${what}: expected ${cls.name}, got ${e.name}: ${e.message}`);
  if (!e.message.startsWith(`${name}: `)) throw new Error(`${what}: message should start with '${name}: ', got '${e.message}'`);
  if (ms > 1000) throw new Error(`${what}: took ${ms.toFixed(0)} ms to reject`);
  rejectedCases++;
}

function replaced(args: readonly unknown[], i: number, v: unknown): unknown[] {
  const a = args.slice();
  a[i] = v;
  return a;
}

const WRONG_TYPES: Record<Kind, readonly [string, () => unknown][]> = {
  op: [['string', () => '0'], ['null', () => null], ['undefined', () => undefined], ['boolean', () => true], ['bigint', () => 1n], ['Number object', () => new Number(0)], ['array', () => [0]]],
  int: [['string', () => '1'], ['null', () => null], ['undefined', () => undefined], ['boolean', () => false], ['bigint', () => 2n], ['object', () => ({ valueOf: () => 1 })], ['array', () => [1]], ['symbol', () => Symbol('x')]],
  number: [['string', () => '1'], ['null', () => null], ['undefined', () => undefined], ['boolean', () => true], ['bigint', () => 1n], ['object', () => ({})]],
  bool: [['number 0', () => 0], ['number 1', () => 1], ['string', () => 'true'], ['null', () => null], ['undefined', () => undefined], ['Boolean object', () => new Boolean(true)]],
  dims: [
    ['string', () => '2,3'], ['plain array', () => [2, 3]], ['Float32Array', () => new Float32Array([2, 3])], ['Int32Array', () => new Int32Array([2, 3])],
    ['BigInt64Array', () => new BigInt64Array(2)], ['null', () => null], ['undefined', () => undefined], ['object', () => ({ length: 2, 0: 2, 1: 3 })],
    ['detached Float64Array', () => detach(f64(2, 3))], ['DataView', () => new DataView(new ArrayBuffer(16))],
  ],
  array: [
    ['string', () => 'abc'], ['plain array', () => [1, 2, 3, 4, 5, 6, 7, 8]], ['object', () => ({ length: 100 })], ['null', () => null], ['undefined', () => undefined],
    ['number', () => 8], ['Float64Array', () => new Float64Array(64)], ['Int8Array', () => new Int8Array(64)], ['Uint16Array', () => new Uint16Array(64)],
    ['Uint8ClampedArray', () => new Uint8ClampedArray(64)], ['BigInt64Array', () => new BigInt64Array(64)], ['DataView', () => new DataView(new ArrayBuffer(256))],
    ['ArrayBuffer', () => new ArrayBuffer(256)], ['detached Float32Array', () => detach(new Float32Array(64))], ['detached Int32Array', () => detach(new Int32Array(64))],
    ['detached Uint8Array', () => detach(new Uint8Array(64))], ['SharedArrayBuffer-backed', () => onShared(64)],
    ['Proxy of a Float32Array', () => new Proxy(new Float32Array(64), {})],
  ],
  optArray: [],
};
WRONG_TYPES.optArray = WRONG_TYPES.array.filter(([label]) => label !== 'null');

/** Integer values no tight valid call accepts in an 'int' or 'op' slot. */
const BAD_INTS: readonly [string, number][] = [
  ['-1', -1], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['2^53', 2 ** 53], ['2^53 + 2', 2 ** 53 + 2], ['1e300', 1e300], ['-1e300', -1e300], ['2^63', 2 ** 63],
];
/** Bad entries for a shape or stride list (replacing its first entry). */
const BAD_DIMS: readonly [string, number][] = [
  ['-1', -1], ['0.5', 0.5], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['2^53', 2 ** 53], ['1e300', 1e300], ['-1e300', -1e300],
];

// ---- the valid calls are valid -------------------------------------------------------------------------

describe('baseline', () => {
  it('every tight valid call succeeds (so each case below breaks exactly one thing)', () => {
    for (const name of KERNELS) {
      const e = thrown(name, SIGS[name].valid());
      if (e !== undefined) throw new Error(`${name}: the valid call threw ${String(e)}`);
      expect(SIGS[name].valid().length).toBe(SIGS[name].kinds.length);
    }
  });
  it('the export list is the kernels plus init/info/kernelNames/opNames/setNumThreads/setIsa', () => {
    expect(Object.getOwnPropertyNames(addon).sort()).toEqual([...KERNELS, 'info', 'init', 'kernelNames', 'opNames', 'setIsa', 'setNumThreads'].sort());
  });
});

// ---- per export: counts, types, values ---------------------------------------------------------------

describe.each(KERNELS)('%s', (name) => {
  const sig: Sig = SIGS[name];
  const n = sig.kinds.length;

  it('wrong argument counts throw TypeError', () => {
    const v = sig.valid();
    rejects(name, [], 'no arguments', TypeError);
    rejects(name, v.slice(0, n - 1), 'one argument too few', TypeError);
    rejects(name, [...v, 0], 'one argument too many', TypeError);
    rejects(name, [...v, undefined], 'a trailing undefined', TypeError);
  });

  it('wrong types in every position throw TypeError', () => {
    let count = 0;
    sig.kinds.forEach((kind, i) => {
      for (const [label, make] of WRONG_TYPES[kind]) {
        rejects(name, replaced(sig.valid(), i, make()), `${sig.names[i]} = ${label}`, TypeError);
        count++;
      }
    });
    expect(count).toBeGreaterThan(n * 5);
  });

  it('negative, fractional, NaN and huge integers throw RangeError', () => {
    sig.kinds.forEach((kind, i) => {
      if (kind !== 'int' && kind !== 'op') return;
      for (const [label, v] of BAD_INTS) rejects(name, replaced(sig.valid(), i, v), `${sig.names[i]} = ${label}`, RangeError);
    });
  });

  it('bad entries, wrong lengths and too many dims in shape/stride lists throw RangeError', () => {
    sig.kinds.forEach((kind, i) => {
      if (kind !== 'dims') return;
      const base = sig.valid()[i] as Float64Array;
      for (const [label, v] of BAD_DIMS) {
        const d = base.slice();
        d[0] = v;
        rejects(name, replaced(sig.valid(), i, d), `${sig.names[i]}[0] = ${label}`, RangeError);
        const e = base.slice();
        e[e.length - 1] = v;
        rejects(name, replaced(sig.valid(), i, e), `${sig.names[i]}[last] = ${label}`, RangeError);
      }
      rejects(name, replaced(sig.valid(), i, Float64Array.from([...base, 1])), `${sig.names[i]} one entry longer`, RangeError);
      rejects(name, replaced(sig.valid(), i, new Float64Array(33).fill(1)), `${sig.names[i]} with 33 entries`, RangeError);
      if (base.length > 1) rejects(name, replaced(sig.valid(), i, base.slice(1)), `${sig.names[i]} one entry shorter`, RangeError);
    });
  });

  it('every buffer one element too short, and every offset one too far, throws RangeError', () => {
    sig.kinds.forEach((kind, i) => {
      if (isArrayKind(kind)) rejects(name, replaced(sig.valid(), i, shorter(sig.valid()[i] as ArrayBufferView)), `${sig.names[i]} one element short`, RangeError);
      if (kind === 'int' && /Offset$/.test(sig.names[i]!)) {
        rejects(name, replaced(sig.valid(), i, (sig.valid()[i] as number) + 1), `${sig.names[i]} + 1`, RangeError);
      }
    });
  });

  it('empty and detached buffers throw, whatever the position', () => {
    sig.kinds.forEach((kind, i) => {
      if (!isArrayKind(kind)) return;
      const a = sig.valid()[i] as Float32Array;
      const C = a.constructor as new (n: number) => Float32Array;
      rejects(name, replaced(sig.valid(), i, new C(0)), `${sig.names[i]} empty`, RangeError);
      rejects(name, replaced(sig.valid(), i, detach(new C(a.length))), `${sig.names[i]} detached`, TypeError);
      rejects(name, replaced(sig.valid(), i, detach(new C(a.length + 100))), `${sig.names[i]} detached (larger)`, TypeError);
    });
  });

  const ops = OP_COUNTS[name];
  if (ops !== undefined) {
    it('bad op codes throw RangeError', () => {
      for (const op of [-1, ops, ops + 1, 255, 2 ** 31, 0.5, NaN]) rejects(name, replaced(sig.valid(), 0, op), `op = ${op}`, RangeError);
    });
  }
});

// ---- dtype mismatches ----------------------------------------------------------------------------------

describe('dtype mismatches throw TypeError', () => {
  const F = (n: number) => new Float32Array(n);
  const I = (n: number) => new Int32Array(n);
  const U = (n: number) => new Uint8Array(n);
  const cases: [KernelExport, number, unknown, string][] = [
    ['unary', 1, U(5), 'bool x'],
    ['unary', 2, I(5), 'int32 out for float32 x'],
    ['binary', 5, I(4), 'int32 b with float32 a'],
    ['binary', 8, I(6), 'int32 out for float32 add'],
    ['binary', 8, U(6), 'bool out for add'],
    ['where', 1, F(6), 'float32 cond'],
    ['where', 1, I(6), 'int32 cond'],
    ['where', 7, I(7), 'int32 b with float32 a'],
    ['where', 10, U(6), 'bool out'],
    ['reduce', 1, U(24), 'bool x (with a bool out below)'],
    ['reduce', 5, I(8), 'int32 out for float32 x'],
    ['argReduce', 5, I(8), 'int32 values for float32 x'],
    ['argReduce', 6, F(8), 'float32 indices'],
    ['argReduce', 6, U(8), 'bool indices'],
    ['softmax', 1, I(24), 'int32 x'],
    ['softmax', 5, I(24), 'int32 out'],
    ['gemm', 7, I(16), 'int32 A'],
    ['gemm', 11, I(25), 'int32 B'],
    ['gemm', 16, I(12), 'int32 C'],
    ['gather', 6, F(6), 'float32 index'],
    ['gather', 7, I(6), 'int32 out for float32 x'],
    ['scatterAdd', 5, F(6), 'float32 index'],
    ['scatterAdd', 6, I(6), 'int32 src for float32 out'],
    ['conv2d', 1, I(49), 'int32 x'],
    ['conv2d', 4, I(18), 'int32 w'],
    ['conv2d', 6, I(5), 'int32 bias'],
    ['conv2d', 8, I(48), 'int32 out'],
    ['conv2d', 8, U(48), 'bool out'],
    ['conv2dBackwardInput', 1, I(49), 'int32 gy'],
    ['conv2dBackwardInput', 3, U(18), 'bool w'],
    ['conv2dBackwardInput', 5, I(48), 'int32 gx'],
    ['conv2dBackwardWeight', 1, U(49), 'bool x'],
    ['conv2dBackwardWeight', 4, I(50), 'int32 gy'],
    ['conv2dBackwardWeight', 6, I(16), 'int32 gw'],
    ['maxPool', 1, F(12), 'float32 windows'],
    ['maxPool', 2, I(25), 'int32 x'],
    ['maxPool', 5, I(8), 'int32 out'],
    ['maxPool', 7, F(8), 'float32 indices'],
    ['avgPool', 3, U(24), 'bool x'],
    ['avgPoolBackward', 4, I(24), 'int32 gradInput'],
    ['maxPoolBackward', 3, I(8), 'int32 grad'],
    ['maxPoolBackward', 4, F(8), 'float32 indices'],
    ['batchNormStats', 0, I(24), 'int32 x'],
    ['batchNormApply', 7, I(3), 'int32 weight'],
    ['batchNormBackward', 10, I(24), 'int32 gradInput'],
    ['layerNorm', 8, I(3), 'int32 rstd'],
    ['layerNormBackward', 9, U(4), 'bool gradWeight'],
    ['rnnForward', 2, I(13), 'int32 x'],
    ['rnnForward', 8, U(10), 'bool bIh'],
    ['rnnForward', 16, F(2), 'float32 lengths'],
    ['rnnForward', 17, I(9), 'int32 y'],
    ['rnnForward', 23, I(RNN_WS + 1), 'int32 ws'],
    ['rnnBackward', 8, U(2), 'bool lengths'],
    ['rnnBackward', 11, I(9), 'int32 gy'],
    ['rnnBackward', 20, I(24), 'int32 gwIh'],
    ['rnnBackward', 24, I(RNN_WORK), 'int32 work'],
  ];
  it.each(cases)('%s: argument %i = %s', (name, i, v) => {
    rejects(name, replaced(SIGS[name].valid(), i, v), `argument ${i}`, TypeError);
  });
  it('ops that do not take a dtype refuse it', () => {
    const intOnly = UNARY_OPS.indexOf('exp');
    rejects('unary', [intOnly, new Int32Array(5), new Int32Array(5), 5, 0, 0], 'exp on int32', TypeError);
    rejects('unary', [UNARY_OPS.indexOf('neg'), new Uint8Array(5), new Uint8Array(5), 5, 0, 0], 'neg on bool', TypeError);
    rejects('reduce', [REDUCE_OPS.indexOf('sum'), new Uint8Array(24), 2, 3, 4, new Uint8Array(8)], 'sum on bool', TypeError);
    rejects('reduce', [REDUCE_OPS.indexOf('mean'), new Int32Array(24), 2, 3, 4, new Int32Array(8)], 'mean on int32', TypeError);
    rejects('binary', [BINARY_OPS.indexOf('add'), f64(2), new Uint8Array(2), 0, f64(1), new Uint8Array(2), 0, f64(1), new Uint8Array(2)], 'add on bool', TypeError);
    rejects('scatterAdd', [f64(2), new Uint8Array(4), f64(1), 0, 4, i32(2), new Uint8Array(2)], 'bool accumulation', TypeError);
  });
});

// ---- overlap and aliasing ---------------------------------------------------------------------------------

describe('outputs overlapping inputs throw RangeError', () => {
  const buf = () => new ArrayBuffer(4096);
  it('same array, shifted views and views of another dtype over the same bytes', () => {
    const cases: [KernelExport, (v: unknown[]) => void, string][] = [
      ['copy', (v) => { const b = f32(16); v[1] = b; v[2] = 1; v[4] = b.subarray(3); }, 'dst overlaps src (same buffer, shifted)'],
      ['copy', (v) => { const b = buf(); v[1] = new Float32Array(b, 0, 7); v[4] = new Int32Array(b, 8, 6); }, 'int32 dst over float32 src bytes'],
      ['copy', (v) => { const b = f32(7); v[1] = b; v[4] = b; v[5] = 1; }, 'dst is src'],
      ['unary', (v) => { const b = f32(6); v[1] = b; v[2] = b.subarray(1); }, 'out shifted one element from x'],
      ['unary', (v) => { const b = buf(); v[1] = new Int32Array(b, 0, 5); v[2] = new Int32Array(b, 16, 5); v[0] = UNARY_OPS.indexOf('neg'); }, 'int32 out overlapping x by one element'],
      ['binary', (v) => { v[8] = v[2]; }, 'out is a'],
      ['binary', (v) => { const b = f32(10); v[5] = b; v[8] = b.subarray(2); }, 'out overlaps b'],
      ['binary', (v) => { const b = buf(); v[8] = new Float32Array(b, 0, 6); v[2] = new Float32Array(b, 20, 6); }, 'out tail overlaps a head'],
      ['where', (v) => { const b = buf(); v[1] = new Uint8Array(b, 0, 6); v[10] = new Float32Array(b, 0, 6); }, 'out over cond bytes'],
      ['where', (v) => { v[10] = v[4]; }, 'out is a'],
      ['reduce', (v) => { v[5] = (v[1] as Float32Array).subarray(16); }, 'out inside x'],
      ['argReduce', (v) => { const b = buf(); v[5] = new Float32Array(b, 0, 8); v[6] = new Int32Array(b, 16, 8); }, 'indices overlap values'],
      ['argReduce', (v) => { const b = buf(); v[1] = new Float32Array(b, 0, 24); v[6] = new Int32Array(b, 64, 8); }, 'indices inside x'],
      ['softmax', (v) => { v[5] = v[1]; }, 'out is x (softmax is not in place)'],
      ['gemm', (v) => { const b = f32(64); v[7] = b; v[16] = b.subarray(10); }, 'C overlaps A'],
      ['gemm', (v) => { const b = f32(64); v[11] = b.subarray(0, 25); v[16] = b.subarray(20); }, 'C overlaps B'],
      ['gather', (v) => { const b = buf(); v[6] = new Int32Array(b, 0, 6); v[7] = new Float32Array(b, 4, 6); }, 'out overlaps index'],
      ['gather', (v) => { v[7] = (v[1] as Float32Array).subarray(2); }, 'out inside x'],
      ['scatterAdd', (v) => { const b = buf(); v[1] = new Float32Array(b, 0, 8); v[6] = new Float32Array(b, 24, 6); }, 'out overlaps src'],
      ['scatterAdd', (v) => { const b = buf(); v[1] = new Float32Array(b, 0, 8); v[5] = new Int32Array(b, 28, 6); }, 'out overlaps index'],
      ['conv2d', (v) => { const b = f32(200); v[1] = b.subarray(0, 49); v[8] = b.subarray(40, 88); }, 'out overlaps x'],
      ['conv2d', (v) => { const b = f32(200); v[4] = b.subarray(0, 18); v[8] = b.subarray(17, 65); }, 'out overlaps w'],
      ['conv2d', (v) => { v[6] = (v[8] as Float32Array).subarray(10, 15); }, 'bias inside out'],
      ['conv2dBackwardInput', (v) => { const b = f32(200); v[1] = b.subarray(0, 49); v[5] = b.subarray(48, 96); }, 'gx overlaps gy'],
      ['conv2dBackwardInput', (v) => { v[5] = new Float32Array(64); v[3] = (v[5] as Float32Array).subarray(40, 58); }, 'w inside gx'],
      ['conv2dBackwardWeight', (v) => { const b = f32(200); v[1] = b.subarray(0, 49); v[6] = b.subarray(48, 64); }, 'gw overlaps x'],
      ['conv2dBackwardWeight', (v) => { v[6] = (v[4] as Float32Array).subarray(30, 46); }, 'gw inside gy'],
      ['rnnForward', (v) => { const b = f32(200); v[2] = b.subarray(0, 13); v[17] = b.subarray(11, 20); }, 'y overlaps x (by one element)'],
      ['rnnForward', (v) => { const b = f32(200); v[17] = b.subarray(0, 9); v[19] = b.subarray(8, 12); }, 'hN overlaps y'],
      ['rnnForward', (v) => { const b = f32(200); v[12] = b.subarray(0, 4); v[23] = b.subarray(2, 2 + RNN_WS + 1); }, 'ws overlaps h0 (by one element)'],
      ['rnnForward', (v) => { const b = buf(); v[16] = new Int32Array(b, 0, 2); v[21] = new Float32Array(b, 4, 4); }, 'cN over lengths bytes'],
      ['rnnBackward', (v) => { const b = f32(200); v[9] = b.subarray(0, RNN_WS); v[24] = b.subarray(RNN_WS - 1, 2 * RNN_WS); }, 'work overlaps ws'],
      ['rnnBackward', (v) => { const b = f32(200); v[17] = b.subarray(0, 12); v[18] = b.subarray(11, 15); }, 'gh0 overlaps gx'],
      ['rnnBackward', (v) => { v[21] = (v[6] as Float32Array).subarray(0, 16); }, 'gwHh is wHh'],
    ];
    for (const [name, edit, label] of cases) {
      const v = SIGS[name].valid();
      edit(v);
      rejects(name, v, label, RangeError);
    }
  });
  it('disjoint views of one buffer and exact in-place unary are allowed', () => {
    const b = new ArrayBuffer(4096);
    fnOf('copy')(f64(2, 3), new Float32Array(b, 0, 6), 0, f64(3, 1), new Int32Array(b, 24, 6), 0, f64(3, 1));
    const x = f32(5);
    fnOf('unary')(0, x, x, 5, 0, 0);
    fnOf('unary')(0, x, new Float32Array(x.buffer, 0, 5), 5, 0, 0);
    fnOf('gemm')(1, false, false, 2, 2, 2, 1, new Float32Array(b, 0, 4), 0, 0, 2, new Float32Array(b, 16, 4), 0, 0, 2, 0, new Float32Array(b, 32, 4), 0, 0, 2);
  });
  it('copy refuses dst strides that alias (0 on a dim of size > 1, or overlapping steps) — promptly', () => {
    const big = new Float32Array(2 ** 22);
    rejects('copy', [f64(2, 3), f32(6), 0, f64(3, 1), f32(6), 0, f64(0, 1)], 'dstStrides [0, 1]', RangeError);
    rejects('copy', [f64(3, 2), f32(6), 0, f64(2, 1), f32(6), 0, f64(1, 1)], 'dstStrides [1, 1]', RangeError);
    rejects('copy', [f64(4, 3), f32(12), 0, f64(3, 1), f32(12), 0, f64(2, 1)], 'dstStrides [2, 1] (rows overlap)', RangeError);
    // A small buffer must not drive 2^40 iterations through aliasing strides.
    rejects('copy', [f64(2 ** 20, 2 ** 20), f32(1), 0, f64(0, 0), big, 0, f64(1, 1)], 'dstStrides [1, 1] over 2^40 elements', RangeError);
    rejects('copy', [f64(2 ** 20, 2 ** 20), f32(1), 0, f64(0, 0), big, 0, f64(2, 1)], 'dstStrides [2, 1] over 2^40 elements', RangeError);
    rejects('scatterAdd', [f64(2, 3), f32(8), f64(0, 1), 1, 4, i32(6, 4), f32(6)], 'outStrides [0, 1]', RangeError);
  });
  it('size-1 dims may have any stride and empty outputs any strides', () => {
    fnOf('copy')(f64(1, 3), f32(3), 0, f64(99, 1), f32(3), 0, f64(0, 1));
    fnOf('copy')(f64(3, 0, 5), f32(0), 0, f64(0, 5, 1), f32(0), 0, f64(0, 5, 1));
    fnOf('scatterAdd')(f64(0, 3), f32(0), f64(0, 1), 1, 4, i32(0), f32(0));
  });
});

// ---- overflow and huge layouts ---------------------------------------------------------------------------

describe('overflowing sizes and strides throw RangeError', () => {
  it('stride products and sums past 2^63, element counts past 2^53', () => {
    const s26 = 2 ** 26;
    rejects('copy', [f64(s26, s26), f32(8), 0, f64(2 ** 52, 1), f32(8), 0, f64(1, 1)], 'src strides overflow', RangeError);
    rejects('copy', [f64(1024, 1024, 1024), f32(8), 0, f64(2 ** 52, 2 ** 52, 2 ** 52), f32(8), 0, f64(1, 1, 1)], 'sum of stride products overflows', RangeError);
    rejects('copy', [f64(3, 3, 3), f32(8), 0, f64(2 ** 52, 2 ** 52, 2 ** 52), f32(27), 0, f64(9, 3, 1)], 'strides far past the buffer', RangeError);
    rejects('binary', [0, f64(s26, s26, 4), f32(4), 0, f64(0, 0, 1), f32(4), 0, f64(0, 0, 1), f32(4)], 'numel 2^54', RangeError);
    rejects('where', [f64(2 ** 40, 2 ** 14), new Uint8Array(1), 0, f64(0, 0), f32(1), 0, f64(0, 0), f32(1), 0, f64(0, 0), f32(1)], 'numel 2^54', RangeError);
    rejects('reduce', [0, f32(8), 2 ** 40, 2 ** 40, 2 ** 40, f32(8)], 'outer·size·inner overflows', RangeError);
    rejects('softmax', [0, f32(8), 2 ** 52, 2 ** 12, 1, f32(8)], 'outer·size·inner past the buffer', RangeError);
    rejects('gemm', [2, false, false, 2 ** 40, 2 ** 40, 2, 1, f32(8), 0, 0, 2, f32(8), 0, 0, 2 ** 40, 0, f32(8), 0, 2 ** 50, 2 ** 40], 'huge M, N, ldc', RangeError);
    rejects('gemm', [2 ** 50, false, false, 1, 1, 1, 1, f32(8), 0, 1, 1, f32(8), 0, 1, 1, 0, f32(8), 0, 1, 1], 'huge batch', RangeError);
    rejects('gemm', [2, false, false, 2, 3, 4, 1, f32(16), 0, 8, 4, f32(24), 0, 12, 3, 0, f32(12), 0, 0, 3], 'strideC 0 makes batch outputs overlap', RangeError);
    rejects('gemm', [1, false, false, 2, 3, 4, 1, f32(16), 0, 8, 3, f32(24), 0, 12, 3, 0, f32(12), 0, 6, 3], 'lda < K', RangeError);
    rejects('gemm', [1, true, false, 2, 3, 4, 1, f32(16), 0, 8, 1, f32(24), 0, 12, 3, 0, f32(12), 0, 6, 3], 'transposed lda < M', RangeError);
    rejects('gemm', [1, false, false, 2, 3, 4, 1, f32(16), 0, 8, 4, f32(24), 0, 12, 3, 0, f32(12), 0, 6, 2], 'ldc < N', RangeError);
    rejects('gather', [f64(2, 3), f32(8), 0, f64(2 ** 52, 1), 1, 4, i32(6, 4), f32(6)], 'x strides past the buffer', RangeError);
    rejects('gather', [f64(2, 3), f32(8), 0, f64(4, 1), 1, 2 ** 52, i32(6, 4), f32(6)], 'xDimSize past the buffer', RangeError);
    rejects('gather', [f64(2, 3), f32(8), 0, f64(4, 1), 2, 4, i32(6, 4), f32(6)], 'dim out of range', RangeError);
    rejects('gather', [f64(2, 3), f32(8), 0, f64(4, 1), 1, 0, i32(6, 4), f32(6)], 'xDimSize 0 with a non-empty index', RangeError);
    rejects('gather', [f64(), f32(8), 0, f64(), 0, 4, i32(1), f32(1)], 'rank 0', RangeError);
    rejects('scatterAdd', [f64(), f32(8), f64(), 0, 4, i32(1), f32(1)], 'rank 0', RangeError);
    rejects('scatterAdd', [f64(2, 3), f32(8), f64(4, 1), -1, 4, i32(6, 4), f32(6)], 'dim -1', RangeError);
  });
  it('conv geometry: entries past 2^31, zero kernel/stride/dilation/groups, groups not dividing channels, element counts past 2^53', () => {
    const geo = (k: number, v: number): Float64Array => { const g = convGeometry(); g[k] = v; return g; };
    const names = ['N', 'Cin', 'H', 'W', 'Cout', 'Ho', 'Wo', 'kh', 'kw', 'strideH', 'strideW', 'padH', 'padW', 'dilationH', 'dilationW', 'groups'];
    for (const name of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) {
      for (let k = 0; k < 16; k++) {
        rejects(name, replaced(SIGS[name].valid(), 0, geo(k, 2 ** 31)), `geometry.${names[k]} = 2^31`, RangeError);
        if (k >= 7 && k !== 11 && k !== 12) rejects(name, replaced(SIGS[name].valid(), 0, geo(k, 0)), `geometry.${names[k]} = 0`, RangeError);
      }
      rejects(name, replaced(SIGS[name].valid(), 0, geo(15, 3)), 'groups 3 with 2 channels', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 0, geo(1, 3)), 'Cin 3 with groups 2', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 0, geo(4, 5)), 'Cout 5 with groups 2', RangeError);
      // Sizes whose products overflow, and sizes the arrays do not hold.
      const big = f64(2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30, 1, 1, 0, 0, 1, 1, 1);
      rejects(name, replaced(SIGS[name].valid(), 0, big), 'every size 2^30', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 0, geo(0, 3)), 'N 3 (arrays hold 2 images)', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 0, geo(7, 3)), 'kh 3 (w holds 2x2 kernels)', RangeError);
    }
    rejects('conv2d', replaced(SIGS.conv2d.valid(), 3, f64(24, 12, 2 ** 40, 1)), 'x strides far past the buffer', RangeError);
    rejects('conv2d', replaced(SIGS.conv2d.valid(), 3, f64(2 ** 62, 12, 4, 1)), 'x stride overflow', RangeError);
    rejects('conv2dBackwardWeight', replaced(SIGS.conv2dBackwardWeight.valid(), 3, f64(24, 12, 4)), 'three x strides', RangeError);
  });
  it('conv kernels accept a null bias and empty or huge-but-empty geometries, returning at once', () => {
    const v: unknown[] = SIGS.conv2d.valid();
    v[6] = null;
    fnOf('conv2d')(...v);
    const quick = (name: string, args: unknown[]): void => {
      const t0 = performance.now();
      fnOf(name)(...args);
      expect(performance.now() - t0, name).toBeLessThan(1000);
    };
    const huge = 2 ** 31 - 1;
    // No images: nothing to compute whatever the other sizes (kernel 1x1 so w stays small).
    quick('conv2d', [f64(0, 1, huge, huge, 1, huge, huge, 1, 1, huge, huge, huge, huge, huge, huge, 1), f32(0), 0, f64(0, 0, 0, 0), f32(1), 0, null, 0, f32(0)]);
    // No input channels: the output is the bias, the kernel size is anything.
    quick('conv2d', [f64(1, 0, huge, huge, 2, 2, 2, huge, huge, 1, 1, 0, 0, 1, 1, 1), f32(0), 0, f64(0, 0, 0, 0), f32(0), 0, f32(2), 0, f32(8)]);
    quick('conv2dBackwardInput', [f64(1, 1, 2, 2, 0, huge, huge, huge, huge, 1, 1, 0, 0, 1, 1, 1), f32(0), 0, f32(0), 0, f32(4)]);
    quick('conv2dBackwardWeight', [f64(0, 1, huge, huge, 1, huge, huge, 1, 1, 1, 1, 0, 0, 1, 1, 1), f32(0), 0, f64(0, 0, 0, 0), f32(0), 0, f32(1)]);
    // Huge strides, padding and dilation with a real image: the index arithmetic stays exact. Output (oh, ow)
    // reads input (0, 0) only through tap (1 − oh, 1 − ow): bias −3 + w[1 − oh][1 − ow]·x[0][0], with x = w = [−3, −2, −1, 0].
    const out = f32(4);
    fnOf('conv2d')(f64(1, 1, 2, 2, 1, 2, 2, 2, 2, huge, huge, huge, huge, huge, huge, 1), f32(4), 0, f64(4, 4, 2, 1), f32(4), 0, f32(1), 0, out);
    expect(Array.from(out)).toEqual([-3, 0, 3, 6]);
  });
  it('max/min of an empty axis throws RangeError', () => {
    rejects('reduce', [REDUCE_OPS.indexOf('max'), f32(0), 2, 0, 4, f32(8)], 'max with size 0', RangeError);
    rejects('argReduce', [0, f32(0), 2, 0, 4, f32(8), new Int32Array(8)], 'argmax with size 0', RangeError);
  });
  it('huge but empty layouts are valid and return at once (no spinning over empty loops, no huge scratch)', () => {
    const quick = (name: string, args: unknown[]): void => {
      const t0 = performance.now();
      fnOf(name)(...args);
      expect(performance.now() - t0, `${name} ${String(args.slice(0, 6))}`).toBeLessThan(1000);
    };
    quick('reduce', [0, f32(0), 2 ** 50, 7, 0, f32(0)]);
    quick('reduce', [0, f32(0), 0, 1, 2 ** 50, f32(0)]);
    quick('reduce', [REDUCE_OPS.indexOf('max'), f32(0), 2 ** 50, 0, 0, f32(0)]);
    quick('argReduce', [0, f32(0), 2 ** 50, 1, 0, f32(0), new Int32Array(0)]);
    quick('argReduce', [0, f32(0), 0, 2 ** 50, 2 ** 10, f32(0), new Int32Array(0)]);
    quick('softmax', [0, f32(0), 2 ** 50, 1, 0, f32(0)]);
    quick('softmax', [1, f32(0), 1, 0, 2 ** 50, f32(0)]);
    quick('gemm', [2 ** 50, false, false, 0, 5, 5, 1, f32(0), 0, 0, 5, f32(25), 0, 0, 5, 0, f32(0), 0, 0, 5]);
    quick('gemm', [1, false, false, 3, 3, 0, 1, f32(0), 0, 0, 0, f32(0), 0, 0, 3, 0.5, f32(9), 0, 0, 3]);
    quick('copy', [f64(2 ** 30, 2 ** 30, 0), f32(0), 0, f64(0, 0, 0), f32(0), 0, f64(1, 1, 1)]);
    quick('binary', [0, f64(0, 2 ** 52), f32(0), 0, f64(1, 1), f32(0), 0, f64(1, 1), f32(0)]);
    quick('gather', [f64(2 ** 40, 0), f32(0), 0, f64(1, 1), 0, 0, i32(0), f32(0)]);
    quick('unary', [0, f32(0), f32(0), 0, 0, 0]);
  });
});

// ---- the non-kernel exports ------------------------------------------------------------------------------

describe('init, info, kernelNames, opNames', () => {
  const classes = { ShapeError, DTypeError, ArgumentError, IndexError, BackendError };
  it('reject arguments they do not take', () => {
    rejects('info', [1], 'info(1)', TypeError);
    rejects('kernelNames', ['x'], "kernelNames('x')", TypeError);
    rejects('opNames', [{}], 'opNames({})', TypeError);
    rejects('setNumThreads', [], 'setNumThreads()', TypeError);
    rejects('setNumThreads', ['2'], "setNumThreads('2')", TypeError);
    rejects('setNumThreads', [0], 'setNumThreads(0)', RangeError);
    rejects('setNumThreads', [1.5], 'setNumThreads(1.5)', RangeError);
    rejects('setNumThreads', [NaN], 'setNumThreads(NaN)', RangeError);
    rejects('setNumThreads', [1e9], 'setNumThreads(1e9)', RangeError);
    rejects('setIsa', [], 'setIsa()', TypeError);
    rejects('setIsa', [3], 'setIsa(3)', TypeError);
    rejects('setIsa', ['sse9'], "setIsa('sse9')", RangeError);
  });
  it('init rejects bad error tables and keeps the classes it had', () => {
    rejects('init', [], 'no arguments', TypeError);
    rejects('init', [classes, 1], 'two arguments', TypeError);
    for (const bad of [null, 1, 'x', undefined]) rejects('init', [bad], `errors = ${String(bad)}`, TypeError);
    rejects('init', [{}], 'empty table', TypeError);
    rejects('init', [{ ...classes, IndexError: 'IndexError' }], 'a string class', TypeError);
    rejects('init', [{ ...classes, BackendError: undefined }], 'a missing class', TypeError);
    // A failed init must not have replaced some classes: data-dependent errors are still ours.
    rejects('init', [{ ShapeError: class FakeShape {}, IndexError: class FakeIndex {}, ArgumentError: null }], 'partly valid table', TypeError);
    const e = thrown('gather', [f64(2), f32(4), 0, f64(1), 0, 4, Int32Array.of(0, 9), f32(2)]);
    expect(e).toBeInstanceOf(IndexError);
    expect((e as IndexError).message).toMatch(/^gather: index 9 is out of bounds for dimension 0 with size 4/);
    addon.init(classes);
  });
  it('survive being called unbound or as constructors', () => {
    expect(Reflect.apply(addon.kernelNames, undefined, [])).toEqual(addon.kernelNames());
    expect(Reflect.apply(addon.opNames, {}, [])).toEqual(addon.opNames());
    expect(thrown('info', [])).toBeUndefined();
  });
});

// ---- SharedArrayBuffer and resizable buffers ------------------------------------------------------------

describe('unusual backing stores', () => {
  it('SharedArrayBuffer-backed data throws TypeError in every array position', () => {
    for (const name of KERNELS) {
      SIGS[name].kinds.forEach((kind, i) => {
        if (!isArrayKind(kind)) return;
        const a = SIGS[name].valid()[i] as Float32Array;
        const C = a.constructor as new (b: SharedArrayBuffer) => Float32Array;
        rejects(name, replaced(SIGS[name].valid(), i, new C(new SharedArrayBuffer(a.byteLength + 64))), `${SIGS[name].names[i]} on a SharedArrayBuffer`, TypeError);
      });
    }
  });
  it('views of a shrunk resizable ArrayBuffer are bounds-checked at call time', () => {
    const RAB = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const rab = new RAB(64, { maxByteLength: 256 });
    const fixed = new Float32Array(rab, 16, 5);
    const tracking = new Float32Array(rab);
    rab.resize(20);
    rejects('unary', [0, fixed, f32(5), 5, 0, 0], 'out-of-bounds fixed view', RangeError);
    rejects('unary', [0, tracking, f32(6), 6, 0, 0], 'length-tracking view after shrink', RangeError);
    fnOf('unary')(0, tracking, f32(5), 5, 0, 0);
  });
});

// ---- pooling and normalisation ------------------------------------------------------------------------------

describe('pooling windows, indices and normalisation layouts', () => {
  const geom = (...g: number[]): Float64Array => Float64Array.from(g);
  const win = (...w: number[]): Int32Array => Int32Array.from(w);
  const pool = (g: Float64Array, w: Int32Array, xLen = 24): unknown[] => [g, w, f32(xLen), 0, f64(12, 12, 4, 1), f32(8), true, new Int32Array(8)];
  it('windows must lie inside the plane, with non-negative starts and counts and divisors >= 1', () => {
    const g = geom(1, 2, 3, 4, 2, 2, 1, 2);
    rejects('maxPool', pool(g, win(0, 2, 2, 2, 2, 2, 0, 1, 2, 2, 2, 2)), 'a row window reaching row 3 of 3', RangeError);
    rejects('maxPool', pool(g, win(0, 1, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2)), 'a column window reaching column 4 of 4 (dilation 2)', RangeError);
    rejects('maxPool', pool(g, win(-1, 1, 2, 2, 2, 2, 0, 1, 2, 2, 2, 2)), 'a negative start', RangeError);
    rejects('maxPool', pool(g, win(0, 1, -2, 2, 2, 2, 0, 1, 2, 2, 2, 2)), 'a negative count', RangeError);
    rejects('avgPool', [g, win(0, 1, 2, 2, 0, 2, 0, 1, 2, 2, 2, 2), 0, f32(24), 0, f64(12, 12, 4, 1), f32(8)], 'a divisor of 0', RangeError);
    rejects('maxPool', pool(g, win(0, 1, 2, 2, 2, 2, 0, 1, 2, 2, 2)), 'windows one entry short', RangeError);
    rejects('maxPool', pool(g, win(0, 1, 2147483647, 2, 2, 2, 0, 1, 2, 2, 2, 2)), 'a huge count', RangeError);
    rejects('maxPool', pool(geom(1, 2, 3, 4, 2, 2, 0, 2), POOL_WINDOWS()), 'dilation 0', RangeError);
    rejects('maxPool', pool(geom(1, 2, 3, 4, 2, 2, 2 ** 40, 2), POOL_WINDOWS()), 'dilation 2^40', RangeError);
    rejects('maxPool', pool(geom(1, 2, 3, 4, 2 ** 40, 2, 1, 2), POOL_WINDOWS()), 'OH 2^40 against a 12-entry windows array', RangeError);
    rejects('maxPool', pool(geom(2 ** 30, 2 ** 30, 2 ** 30, 4, 2, 2, 1, 2), POOL_WINDOWS()), 'N·C·H·W overflows', RangeError);
    // An empty window (count 0) may start anywhere >= 0, but its index start·W + wStart must fit int32.
    fnOf('maxPool')(...pool(g, win(0, 9, 2, 0, 2, 2, 0, 1, 2, 2, 2, 2)));
    rejects('maxPool', pool(g, win(0, 2147483000, 2, 0, 2, 2, 0, 1, 2, 2, 2, 2)), 'an empty window\'s index past int32', RangeError);
  });
  it('divisorOverride must be an int32; indices are only checked when written', () => {
    const v = SIGS.avgPool.valid();
    for (const d of [1.5, NaN, Infinity, 2 ** 31, -(2 ** 31) - 1]) rejects('avgPool', replaced(v, 2, d), `divisorOverride = ${d}`, RangeError);
    fnOf('avgPool')(...replaced(v, 2, -3)); // PyTorch accepts a negative divisor
    const m: unknown[] = SIGS.maxPool.valid();
    m[6] = false;
    m[7] = new Float32Array(0); // not written: any typed array
    fnOf('maxPool')(...m);
    rejects('maxPool', replaced(SIGS.maxPool.valid(), 7, new Float32Array(8)), 'float32 indices', TypeError);
  });
  it('outputs may not overlap inputs or each other', () => {
    const b = new ArrayBuffer(4096);
    const mp: unknown[] = SIGS.maxPool.valid();
    mp[5] = new Float32Array(b, 0, 8);
    mp[7] = new Int32Array(b, 16, 8);
    rejects('maxPool', mp, 'indices overlap out', RangeError);
    const shared = new ArrayBuffer(256);
    const w = new Int32Array(shared, 0, 12);
    w.set(POOL_WINDOWS());
    rejects('avgPoolBackward', [f64(1, 2, 3, 4, 2, 2, 1, 2), w, 0, f32(8), new Float32Array(shared, 16, 24)], 'gradInput over windows', RangeError);
    const bn: unknown[] = SIGS.batchNormBackward.valid();
    bn[11] = (bn[10] as Float32Array).subarray(20);
    rejects('batchNormBackward', bn, 'sumGrad inside gradInput', RangeError);
    const ln: unknown[] = SIGS.layerNorm.valid();
    ln[8] = ln[7];
    rejects('layerNorm', ln, 'rstd is mean', RangeError);
    const lb: unknown[] = SIGS.layerNormBackward.valid();
    lb[10] = lb[6];
    rejects('layerNormBackward', lb, 'gradBias is weight', RangeError);
    const lnb: unknown[] = SIGS.layerNormBackward.valid();
    lnb[8] = false;
    lnb[9] = lnb[6]; // not written: may be anything
    fnOf('layerNormBackward')(...lnb);
  });
  it('maxPoolBackward: indices outside [0, inSize) throw IndexError, -1 is skipped', () => {
    const run = (idx: Int32Array): unknown => thrown('maxPoolBackward', [2, 12, 4, f32(8), idx, f32(24)]);
    expect(run(Int32Array.of(0, 1, -1, 11, 0, 0, 0, 0))).toBeUndefined();
    for (const bad of [12, -2, 2147483647, -2147483648]) {
      const e = run(Int32Array.of(0, 1, 2, 3, 4, 5, 6, bad));
      expect(e).toBeInstanceOf(IndexError);
      expect((e as IndexError).message).toMatch(new RegExp(`^maxPoolBackward: index ${bad} is out of bounds for dimension 1 with size 12`));
    }
    rejects('maxPoolBackward', [2 ** 40, 2 ** 40, 1, f32(8), i32(8), f32(24)], 'planes·inSize overflows', RangeError);
  });
  it('huge but empty layouts return at once', () => {
    const quick = (name: string, args: unknown[]): void => {
      const t0 = performance.now();
      fnOf(name)(...args);
      expect(performance.now() - t0, name).toBeLessThan(1000);
    };
    quick('maxPool', [f64(2 ** 40, 0, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), f32(0), 0, f64(0, 0, 0, 0), f32(0), true, new Int32Array(0)]);
    quick('avgPool', [f64(0, 2 ** 40, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), 0, f32(0), 0, f64(0, 0, 0, 0), f32(0)]);
    quick('avgPoolBackward', [f64(2 ** 40, 0, 3, 4, 2, 2, 1, 2), POOL_WINDOWS(), 0, f32(0), f32(0)]);
    quick('maxPoolBackward', [2 ** 50, 0, 0, f32(0), new Int32Array(0), f32(0)]);
    quick('maxPoolBackward', [0, 2 ** 50, 2 ** 50, f32(0), new Int32Array(0), f32(0)]);
    quick('batchNormStats', [f32(0), 2 ** 40, 0, 2 ** 40, f32(0), f32(0)]);
    quick('batchNormApply', [f32(0), 0, 2 ** 40, 2 ** 40, f32(0), f32(0), 1e-5, f32(0), f32(0), f32(0)].map((a, i) => (i === 2 ? 0 : a)));
    quick('batchNormBackward', [f32(0), f32(0), 2 ** 40, 0, 1, f32(0), f32(0), 1e-5, f32(0), true, f32(0), f32(0), f32(0)]);
    quick('layerNorm', [f32(0), 0, 2 ** 50, 1e-5, f32(0), f32(0), f32(0), f32(0), f32(0)].map((a, i) => (i === 2 ? 0 : a)));
    quick('layerNormBackward', [f32(0), f32(0), 2 ** 50, 0, f32(0), f32(0), f32(0), f32(0), false, f32(0), f32(0)].map((a, i) => (i === 2 ? 0 : a)));
  });
});

// ---- recurrent layers -------------------------------------------------------------------------------------

describe('rnn geometry, lengths and state arguments', () => {
  it('reverse not 0/1, entries past 2^31, aliasing y strides, lengths outside [0, T], c0/cN presence by mode', () => {
    for (const name of ['rnnForward', 'rnnBackward'] as const) {
      rejects(name, replaced(SIGS[name].valid(), 1, f64(2, 2, 3, 2, 2, 4, 2)), 'reverse = 2', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 1, f64(2 ** 31, 2, 3, 2, 0, 4, 2)), 'T = 2^31', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 1, f64(2, 2, 3, 2 ** 40, 0, 4, 2)), 'H = 2^40', RangeError);
      rejects(name, replaced(SIGS[name].valid(), 1, f64(2, 2, 3, 2, 0, 2 ** 30, 2)), 'yStrideT past the buffer', RangeError);
      const li = name === 'rnnForward' ? 16 : 8;
      rejects(name, replaced(SIGS[name].valid(), li, Int32Array.of(3, 1)), 'lengths[0] = T + 1', RangeError);
      rejects(name, replaced(SIGS[name].valid(), li, Int32Array.of(2, -1)), 'lengths[1] = -1', RangeError);
    }
    rejects('rnnForward', replaced(SIGS.rnnForward.valid(), 1, f64(2, 2, 3, 2, 0, 4, 1)), 'y strides that alias (yStrideB < H)', RangeError);
    rejects('rnnForward', replaced(SIGS.rnnForward.valid(), 14, null), 'lstm without c0', TypeError);
    rejects('rnnForward', replaced(SIGS.rnnForward.valid(), 21, null), 'lstm without cN', TypeError);
    rejects('rnnForward', replaced(SIGS.rnnForward.valid(), 0, RNN_MODES.indexOf('gru')), 'gru with c0 and cN', TypeError);
    const gru = SIGS.rnnBackward.valid();
    gru[0] = RNN_MODES.indexOf('rnnTanh');
    rejects('rnnBackward', gru, 'rnnTanh with gcN', TypeError);
    // Optional operands may be null.
    const opt: unknown[] = SIGS.rnnBackward.valid();
    for (const i of [8, 13, 15, 17, 18, 19, 20, 21, 22, 23]) opt[i] = null;
    expect(thrown('rnnBackward', opt)).toBeUndefined();
  });
});

// ---- fuzz -----------------------------------------------------------------------------------------------

describe('fuzz', () => {
  it('a few thousand seeded random calls: the process survives and only TypeError/RangeError/IndexError escape', () => {
    // ABUSE_FUZZ_SEED picks another deterministic run (for soaking); failures print the call to replay.
    const rng = new Rng(seedOf('abuse-fuzz', process.env['ABUSE_FUZZ_SEED'] ?? ''));
    const numbers = [0, 1, 2, 3, 4, 5, 6, 8, 24, -1, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, 1e300, 17];
    const dimsPool = (): Float64Array => {
      const rank = rng.pick([0, 1, 2, 2, 3, 4, 33]);
      return Float64Array.from({ length: rank }, () => rng.pick([0, 1, 1, 2, 3, 4, 0, 8, -1, 0.5, NaN, 2 ** 26, 2 ** 52, 2 ** 53]));
    };
    const arrays: ArrayBufferView[] = [];
    for (const len of [0, 1, 3, 6, 8, 12, 24, 25, 64]) arrays.push(new Float32Array(len).fill(1), new Int32Array(len).map(() => rng.int(-2, 5)), new Uint8Array(len).fill(1));
    arrays.push(new Float64Array(24), detach(new Float32Array(8)), onShared(24), new Uint8ClampedArray(8), new Int16Array(24));
    const shared = new ArrayBuffer(1024);
    for (let k = 0; k < 4; k++) arrays.push(new Float32Array(shared, 4 * rng.int(0, 32), 24), new Int32Array(shared, 4 * rng.int(0, 32), 8));
    const others: unknown[] = ['x', null, undefined, {}, [], [1, 2], true, false, 1n, Symbol('s'), () => 1, new Date(0)];
    const valueFor = (kind: Kind): unknown => {
      if (rng.chance(0.15)) return rng.pick(others);
      switch (kind) {
        case 'op': case 'int': return rng.pick(numbers);
        case 'number': return rng.pick([0, 1, -1, NaN, Infinity, 1e30]);
        case 'bool': return rng.chance(0.9) ? rng.chance(0.5) : rng.pick(others);
        case 'dims': return rng.chance(0.8) ? dimsPool() : rng.pick(arrays);
        case 'array': return rng.chance(0.9) ? rng.pick(arrays) : dimsPool();
        case 'optArray': return rng.chance(0.8) ? rng.pick(arrays) : rng.chance(0.5) ? null : dimsPool();
      }
    };
    const seen = new Map<string, number>();
    const ITER = 20000;
    for (let it = 0; it < ITER; it++) {
      const name = rng.pick(KERNELS);
      const sig: Sig = SIGS[name];
      let args = sig.valid();
      const edits = rng.pick([0, 1, 1, 1, 2, 2, 3, 5]);
      for (let e = 0; e < edits; e++) {
        const i = rng.int(0, args.length - 1);
        args[i] = valueFor(sig.kinds[i]!);
      }
      if (rng.chance(0.03)) args = rng.chance(0.5) ? args.slice(0, rng.int(0, args.length)) : [...args, 0];
      const t0 = performance.now();
      const e = thrown(name, args);
      const ms = performance.now() - t0;
      const ctx = `fuzz #${it} ${name}(${args.map((a) => (ArrayBuffer.isView(a) ? `${a.constructor.name}(${(a as Float32Array).length})` : typeof a === 'symbol' ? 'Symbol' : typeof a === 'bigint' ? `${a}n` : typeof a === 'number' || typeof a === 'function' ? String(a) : JSON.stringify(a) ?? String(a))).join(', ')})`;
      if (ms > 2000) throw new Error(`${ctx}: took ${ms.toFixed(0)} ms`);
      const kind = e === undefined ? 'ok' : e instanceof IndexError ? 'IndexError' : e instanceof TypeError ? 'TypeError' : e instanceof RangeError ? 'RangeError' : 'other';
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      if (kind === 'other') throw new Error(`${ctx}: threw ${String(e)}`);
      if (kind === 'IndexError' && name !== 'gather' && name !== 'scatterAdd' && name !== 'maxPoolBackward') throw new Error(`${ctx}: IndexError from ${name}`);
      if ((kind === 'TypeError' || kind === 'RangeError') && !(e as Error).message.startsWith(`${name}: `)) {
        throw new Error(`${ctx}: message '${(e as Error).message}' does not start with '${name}: '`);
      }
    }
    // Both valid and invalid calls were exercised.
    expect(seen.get('ok') ?? 0).toBeGreaterThan(ITER / 20);
    expect(seen.get('TypeError') ?? 0).toBeGreaterThan(ITER / 10);
    expect(seen.get('RangeError') ?? 0).toBeGreaterThan(ITER / 20);
    console.log(`binding fuzz: ${ITER} calls, outcomes ${JSON.stringify(Object.fromEntries(seen))}`);
  });
});

