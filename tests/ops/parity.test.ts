// Native vs reference parity for the WHOLE kernel contract (src/kernels/spec.ts). Every kernel, and for
// kernels that take an op code every op code, runs many seeded random cases on the reference kernels
// (the oracle) and on the native addon, fed the SAME input arrays; outputs are compared (exactly for
// ints, bools, copies, selections and IEEE-exact float arithmetic; with ulp-level tolerances for
// transcendental functions; with per-element error bounds plus NMSE for reductions and GEMM).
// Inputs are checked to be unchanged and elements outside an output's view to be left alone.
//
// Map: contract lists | copy | unary | binary | where | reduce | argReduce | softmax | gemm | gather |
//      scatterAdd (incl. IndexError parity) | pooling and normalisation (./poolnorm_parity.ts) |
//      coverage (every kernel and op code was exercised).
// Quick start for a new kernel: add its name to `COVERED` (the compiler insists), add a `describe`
// block that builds inputs and pre-filled outputs with tests/helpers/samples.ts, gets each backend's
// arrays from `twin()`, calls `REF.<k>(...R)` and `NAT.<k>(...N)`, compares the outputs with
// tests/helpers/compare.ts, calls `check()` and `tally('<k>', op)`, and adds the key to 'coverage'.
// A failure prints the case (shapes, strides, offsets, seed); rerun with that seed to reproduce.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeKernels, rawAddon } from '../../src/backend/native/native.js';
import { referenceKernels } from '../../src/backend/reference/index.js';
import { IndexError } from '../../src/core/errors.js';
import {
  ARG_REDUCE_OPS, BINARY_OPS, COMPARISON_OPS, INT_UNARY_OPS, KERNEL_NAMES, OPTIM_OPS, REDUCE_OPS, RNN_MODES, SOFTMAX_OPS, UNARY_OPS, optimStateUse,
  type BinaryOp, type KernelName, type OptimOp, type UnaryOp,
  type Conv2dGeometry,
} from '../../src/kernels/spec.js';
import { expectClose, expectNmse, type CloseOptions } from '../helpers/compare.js';
import {
  Rng, cloneArray, contiguousLayout, describeCase, garbage, numel, packTwice, randomArray, randomLayout, randomShape, seedOf,
  type Arr, type DTypeName, type Layout, type Shape, type ValueOptions,
} from '../helpers/samples.js';
import { POOLNORM_COVERAGE, poolNormParity } from './poolnorm_parity.js';
import { RNN_COVERAGE, rnnParity } from './rnn_parity.js';

const REF = referenceKernels;
const NAT = loadNativeKernels(referenceKernels);
const info = NAT.info();
console.log(
  `parity: native addon ${info.version}, isa ${info.isa} (available: ${info.isaAvailable.join(', ')}), threads ${info.threads}, ` +
    `N-API ${info.napiVersion}; kernels on the reference fallback: [${NAT.referenceMarked.join(', ')}]`,
);

/** Every kernel must have a block below: adding a kernel to the contract without one does not compile. */
const COVERED: { [K in KernelName]: true } = {
  copy: true, unary: true, binary: true, where: true, reduce: true, argReduce: true, softmax: true, gemm: true, gather: true, scatterAdd: true, optimStep: true,
  conv2d: true, conv2dBackwardInput: true, conv2dBackwardWeight: true,
  // Pooling and normalisation: blocks in ./poolnorm_parity.ts.
  maxPool: true, avgPool: true, maxPoolBackward: true, avgPoolBackward: true, batchNormStats: true, batchNormApply: true, batchNormBackward: true,
  layerNorm: true, layerNormBackward: true,
  rnnForward: true, rnnBackward: true,
};

const EXACT: CloseOptions = { exact: true };
/** Below the smallest normal float: subnormal results may differ in absolute terms by ~1e-45. */
const FLOOR = 1e-37;
/** float math (native) vs double math rounded to float (reference): a few ulps. */
const ULPS: CloseOptions = { rtol: 1e-6, atol: FLOOR };

/**
 * Case counts scale with PARITY_SCALE (default 3: about 6 s on 2 cores) for the default configuration;
 * the other ISA / thread-count configurations run a third of that. Raise it for a longer soak.
 */
const SCALE = Number(process.env['PARITY_SCALE'] ?? 3);
let scale = SCALE;
const reps = (n: number): number => Math.max(1, Math.round(n * scale));

let cases = new Map<string, number>();
function tally(kernel: KernelName, op = ''): void {
  const key = op ? `${kernel}:${op}` : kernel;
  cases.set(key, (cases.get(key) ?? 0) + 1);
}

/**
 * The arrays each backend gets, inputs first then outputs: the inputs themselves and clones of the
 * outputs or, in a fifth of the cases, all of them packed back to back into one fresh ArrayBuffer per
 * backend (disjoint ranges of one buffer must be accepted, and touching ends must not be crossed).
 * `check()` asserts that neither backend modified an input.
 */
function twin(rng: Rng, inputs: readonly Arr[], outputs: readonly Arr[], ctx: string): { R: Arr[]; N: Arr[]; check(): void } {
  const all = [...inputs, ...outputs];
  const [R, N] = rng.chance(0.2) ? packTwice(rng, all) : [[...inputs, ...outputs.map((o) => cloneArray(o))], [...inputs, ...outputs.map((o) => cloneArray(o))]];
  const before = inputs.map((a) => cloneArray(a));
  const check = (): void => {
    for (let i = 0; i < inputs.length; i++) {
      expectClose(R[i]!, before[i]!, EXACT, `${ctx}\ninput #${i} was modified by the reference kernel`);
      expectClose(N[i]!, before[i]!, EXACT, `${ctx}\ninput #${i} was modified by the native kernel`);
    }
  };
  return { R, N, check };
}

function layoutFor(rng: Rng, dtype: DTypeName, shape: Shape, values: ValueOptions = {}, broadcast = true): [Arr, Layout] {
  const l = randomLayout(rng, shape, broadcast ? {} : { broadcastProb: 0 });
  return [randomArray(rng, dtype, l.length, values), l];
}

const DTYPES: readonly DTypeName[] = ['float32', 'int32', 'bool'];
const LENGTHS = [0, 1, 2, 3, 5, 7, 13, 16, 17, 33, 64, 100, 257, 1000, 1023];

/**
 * Every ISA this CPU runs, at the default thread count, then the best ISA at 1 thread and at an odd
 * thread count (uneven splits). Kernels must give the same results in every configuration.
 */
const DEFAULT_THREADS = info.threads;
const CONFIGS: { isa: string; threads: number; scale: number }[] = [
  ...info.isaAvailable.map((isa, i) => ({ isa, threads: DEFAULT_THREADS, scale: i === 0 ? SCALE : SCALE / 3 })),
  { isa: info.isaAvailable[0]!, threads: 1, scale: SCALE / 3 },
  { isa: info.isaAvailable[0]!, threads: 3, scale: SCALE / 3 },
];

describe.each(CONFIGS)('native $isa with $threads threads', (cfg) => {
  beforeAll(() => {
    rawAddon().setIsa(cfg.isa);
    rawAddon().setNumThreads(cfg.threads);
    expect(NAT.info().isa).toBe(cfg.isa);
    scale = cfg.scale;
    cases = new Map();
  });
  afterAll(() => {
    rawAddon().setIsa(info.isa);
    rawAddon().setNumThreads(DEFAULT_THREADS);
  });
  suite();
});

function suite(): void {
describe('contract lists', () => {
  it("the addon's kernelNames() is exactly KERNEL_NAMES minus the kernels marked 'reference'", () => {
    const names = rawAddon().kernelNames();
    const expected = KERNEL_NAMES.filter((k) => !NAT.referenceMarked.includes(k));
    expect(names).toEqual(expected);
    expect(new Set(names).size).toBe(names.length);
    for (const k of NAT.referenceMarked) expect(NAT[k]).toBe(REF[k]);
  });
  it("the addon's op lists are the contract's", () => {
    expect(rawAddon().opNames()).toEqual({
      unary: [...UNARY_OPS], binary: [...BINARY_OPS], reduce: [...REDUCE_OPS], argReduce: [...ARG_REDUCE_OPS], softmax: [...SOFTMAX_OPS], optim: [...OPTIM_OPS],
      rnn: [...RNN_MODES],
    });
  });
  it('every contract kernel has a parity block', () => {
    expect(Object.keys(COVERED).sort()).toEqual([...KERNEL_NAMES].sort());
  });
});

// ---- copy ------------------------------------------------------------------------------------------

describe('copy', () => {
  it('all dtype pairs, strided/broadcast src, permuted/stepped dst, ranks 0..6', () => {
    for (let c = 0; c < reps(1500); c++) {
      const seed = seedOf('copy', c);
      const rng = new Rng(seed);
      const shape = randomShape(rng, { maxRank: rng.chance(0.1) ? 6 : 4, maxNumel: 3000 });
      const sdt = rng.pick(DTYPES);
      const ddt = rng.pick(DTYPES);
      const [src, sl] = layoutFor(rng, sdt, shape, { special: 0.1 });
      const dl = randomLayout(rng, shape, { broadcastProb: 0 });
      const dst0 = garbage(rng, ddt, dl.length);
      const ctx = `copy seed=${seed} ${describeCase({ shape, sdt, ddt, src: sl, dst: dl })}`;
      const { R, N, check } = twin(rng, [src], [dst0], ctx);
      REF.copy(shape, R[0]!, sl.offset, sl.strides, R[1]!, dl.offset, dl.strides);
      NAT.copy(shape, N[0]!, sl.offset, sl.strides, N[1]!, dl.offset, dl.strides);
      expectClose(N[1]!, R[1]!, EXACT, ctx);
      check();
      tally('copy');
    }
  });
});

// ---- unary -----------------------------------------------------------------------------------------

const UNARY_TOL: Record<UnaryOp, CloseOptions> = {
  neg: EXACT, abs: EXACT, sign: EXACT, relu: EXACT, clamp: EXACT, heaviside: EXACT,
  sqrt: EXACT, // correctly rounded in float and in double-then-float alike
  exp: ULPS, log: ULPS, log1p: ULPS, sin: ULPS, cos: ULPS, tanh: ULPS, sigmoid: ULPS, erf: ULPS, elu: ULPS, powScalar: ULPS,
  leakyRelu: ULPS, // alpha·x: float alpha (native) vs double alpha (reference)
};

function unaryParams(rng: Rng, op: UnaryOp, int: boolean): [number, number] {
  switch (op) {
    case 'leakyRelu': return [rng.pick([0.01, 0.2, 0.5, 0, -1, 3]), 0];
    case 'elu': return [rng.pick([1, 0.5, 2, 1.6732632423543772]), 0];
    case 'powScalar': return [rng.pick([2, 3, 0.5, -1, 0, -0, 1, -2, 1.5, 1 / 3, 4, -0.5, 2.5, Infinity, -Infinity, NaN]), 0];
    case 'heaviside': return [rng.pick([0, 0.5, 1, -2]), 0];
    case 'clamp':
      return int
        ? rng.pick<[number, number]>([[-5, 5], [-Infinity, 0], [0, Infinity], [2.5, 7.5], [10, -10], [-(2 ** 31), 2 ** 31 - 1], [-1e10, 1e10], [-Infinity, Infinity]])
        : rng.pick<[number, number]>([[-1, 1], [-Infinity, 0.5], [-0.5, Infinity], [-Infinity, Infinity], [2, -2], [0, 0], [-0, 0], [0.1, 0.3], [-1e30, 1e30]]);
    default: return [rng.normal(), rng.normal()]; // ignored by the op
  }
}

describe('unary', () => {
  for (const op of UNARY_OPS) {
    const dtypes: DTypeName[] = INT_UNARY_OPS.includes(op) ? ['float32', 'int32'] : ['float32'];
    for (const dtype of dtypes) {
      it(`${op} ${dtype} (separate and in place)`, () => {
        for (let c = 0; c < reps(150); c++) {
          const seed = seedOf('unary', op, dtype, c);
          const rng = new Rng(seed);
          const n = rng.pick(LENGTHS);
          const [alpha, beta] = unaryParams(rng, op, dtype === 'int32');
          const scale = op === 'exp' || op === 'sigmoid' || op === 'tanh' || op === 'elu' ? 40 : 3;
          const x0 = randomArray(rng, dtype, n + rng.int(0, 3), { special: 0.1, scale });
          const inPlace = rng.chance(0.3);
          const ctx = `unary ${op} ${dtype} seed=${seed} ${describeCase({ n, alpha, beta, inPlace, len: x0.length })}`;
          if (inPlace) {
            const xR = cloneArray(x0);
            const xN = cloneArray(x0);
            REF.unary(op, xR, xR, n, alpha, beta);
            NAT.unary(op, xN, xN, n, alpha, beta);
            expectClose(xN, xR, dtype === 'int32' ? EXACT : UNARY_TOL[op], ctx);
          } else {
            const out0 = garbage(rng, dtype, n + rng.int(0, 3));
            const { R, N, check } = twin(rng, [x0], [out0], ctx);
            REF.unary(op, R[0]!, R[1]!, n, alpha, beta);
            NAT.unary(op, N[0]!, N[1]!, n, alpha, beta);
            expectClose(N[1]!, R[1]!, dtype === 'int32' ? EXACT : UNARY_TOL[op], ctx);
            check();
          }
          tally('unary', op);
        }
      });
    }
  }
});

// ---- binary ----------------------------------------------------------------------------------------

function binaryDtypes(op: BinaryOp): DTypeName[] {
  const d: DTypeName[] = ['float32'];
  if (op !== 'div') d.push('int32'); // integer division is not a kernel case (ops promote to float)
  if (COMPARISON_OPS.includes(op) || op === 'maximum' || op === 'minimum') d.push('bool');
  return d;
}

describe('binary', () => {
  for (const op of BINARY_OPS) {
    for (const dtype of binaryDtypes(op)) {
      it(`${op} ${dtype} with broadcasting and strided operands`, () => {
        for (let c = 0; c < reps(120); c++) {
          const seed = seedOf('binary', op, dtype, c);
          const rng = new Rng(seed);
          const shape = randomShape(rng, { maxRank: rng.chance(0.1) ? 6 : 4, maxNumel: 3000 });
          // int pow stays in range (PyTorch refuses negative integer exponents; overflow is not specified).
          const intPow = dtype === 'int32' && op === 'pow';
          const [a, al] = layoutFor(rng, dtype, shape, intPow ? { special: 0, intRange: [-10, 10] } : { special: 0.1, scale: 4 });
          const [b, bl] = layoutFor(rng, dtype, shape, intPow ? { special: 0, intRange: [0, 6] } : { special: 0.1, scale: 4 });
          const odt: DTypeName = COMPARISON_OPS.includes(op) ? 'bool' : dtype;
          const out0 = garbage(rng, odt, numel(shape) + rng.int(0, 3));
          const ctx = `binary ${op} ${dtype} seed=${seed} ${describeCase({ shape, a: al, b: bl })}`;
          const { R, N, check } = twin(rng, [a, b], [out0], ctx);
          REF.binary(op, shape, R[0]!, al.offset, al.strides, R[1]!, bl.offset, bl.strides, R[2]!);
          NAT.binary(op, shape, N[0]!, al.offset, al.strides, N[1]!, bl.offset, bl.strides, N[2]!);
          expectClose(N[2]!, R[2]!, op === 'pow' && dtype === 'float32' ? ULPS : EXACT, ctx);
          check();
          tally('binary', op);
        }
      });
    }
  }
});

// ---- where -----------------------------------------------------------------------------------------

describe('where', () => {
  for (const dtype of DTYPES) {
    it(`${dtype} with broadcast cond/a/b`, () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('where', dtype, c);
        const rng = new Rng(seed);
        const shape = randomShape(rng, { maxRank: rng.chance(0.1) ? 6 : 4, maxNumel: 3000 });
        const [cond, cl] = layoutFor(rng, 'bool', shape);
        const [a, al] = layoutFor(rng, dtype, shape, { special: 0.1 });
        const [b, bl] = layoutFor(rng, dtype, shape, { special: 0.1 });
        const out0 = garbage(rng, dtype, numel(shape) + rng.int(0, 3));
        const ctx = `where ${dtype} seed=${seed} ${describeCase({ shape, cond: cl, a: al, b: bl })}`;
        const { R, N, check } = twin(rng, [cond, a, b], [out0], ctx);
        REF.where(shape, R[0] as Uint8Array, cl.offset, cl.strides, R[1]!, al.offset, al.strides, R[2]!, bl.offset, bl.strides, R[3]!);
        NAT.where(shape, N[0] as Uint8Array, cl.offset, cl.strides, N[1]!, al.offset, al.strides, N[2]!, bl.offset, bl.strides, N[3]!);
        expectClose(N[3]!, R[3]!, EXACT, ctx);
        check();
        tally('where');
      }
    });
  }
});

// ---- reduce / argReduce / softmax ---------------------------------------------------------------------

/** [outer, size, inner] with empty, size-1, odd and long (accumulation) cases. */
function reduceLayout(rng: Rng, needSize: boolean): [number, number, number] {
  if (rng.chance(0.12)) return [rng.pick([1, 2]), rng.pick([1000, 4097, 20000]), rng.pick([1, 3])];
  let outer = rng.pick([0, 1, 1, 2, 3, 7, 13]);
  let size = rng.pick([0, 1, 2, 3, 7, 17, 33, 100]);
  const inner = rng.pick([0, 1, 1, 2, 3, 5, 17]);
  if (needSize && size === 0 && outer * inner > 0) size = 1;
  if (outer * size * inner > 50_000) outer = 1;
  return [outer, size, inner];
}

/** Per-output bound 1e-5·Σ|x| (÷ size for mean): the scale of a float-accumulation error. */
function sumBound(x: Arr, outer: number, size: number, inner: number, mean: boolean): Float64Array {
  const abs = Float64Array.from(x, Math.abs);
  const b = new Float64Array(outer * inner);
  REF.reduce('sum', abs, outer, size, inner, b);
  for (let i = 0; i < b.length; i++) b[i] = 1e-5 * (mean ? b[i]! / size : b[i]!) + FLOOR;
  return b;
}

describe('reduce', () => {
  for (const op of REDUCE_OPS) {
    const dtypes: DTypeName[] = op === 'mean' ? ['float32'] : ['float32', 'int32'];
    for (const dtype of dtypes) {
      it(`${op} ${dtype} over [outer, size, inner]`, () => {
        for (let c = 0; c < reps(150); c++) {
          const seed = seedOf('reduce', op, dtype, c);
          const rng = new Rng(seed);
          const [outer, size, inner] = reduceLayout(rng, op === 'max' || op === 'min');
          const x = randomArray(rng, dtype, outer * size * inner + rng.int(0, 2), { special: rng.pick([0, 0.002, 0.05]), tieProb: 0.3 });
          const out0 = garbage(rng, dtype, outer * inner + rng.int(0, 2));
          const ctx = `reduce ${op} ${dtype} seed=${seed} ${describeCase({ outer, size, inner })}`;
          const { R, N, check } = twin(rng, [x], [out0], ctx);
          REF.reduce(op, R[0]!, outer, size, inner, R[1]!);
          NAT.reduce(op, N[0]!, outer, size, inner, N[1]!);
          const [oR, oN] = [R[1]!, N[1]!];
          if (dtype === 'int32' || op === 'max' || op === 'min') expectClose(oN, oR, EXACT, ctx);
          else {
            const bound = new Float64Array(oR.length);
            bound.set(sumBound(x, outer, size, inner, op === 'mean'));
            expectClose(oN, oR, { rtol: 1e-6, atol: bound }, ctx);
            expectNmse(oN, oR, 1e-10, ctx);
          }
          check();
          tally('reduce', op);
        }
      });
    }
  }
});

describe('argReduce', () => {
  for (const op of ARG_REDUCE_OPS) {
    for (const dtype of DTYPES) {
      it(`${op} ${dtype}: first index on ties, NaN wins`, () => {
        for (let c = 0; c < reps(150); c++) {
          const seed = seedOf('argReduce', op, dtype, c);
          const rng = new Rng(seed);
          const [outer, size, inner] = reduceLayout(rng, true);
          const x = randomArray(rng, dtype, outer * size * inner, { special: rng.pick([0, 0.01, 0.1]), tieProb: 0.5 });
          const nout = outer * inner;
          const v0 = garbage(rng, dtype, nout + rng.int(0, 2));
          const i0 = garbage(rng, 'int32', nout + rng.int(0, 2)) as Int32Array;
          const ctx = `argReduce ${op} ${dtype} seed=${seed} ${describeCase({ outer, size, inner })}`;
          const { R, N, check } = twin(rng, [x], [v0, i0], ctx);
          REF.argReduce(op, R[0]!, outer, size, inner, R[1]!, R[2] as Int32Array);
          NAT.argReduce(op, N[0]!, outer, size, inner, N[1]!, N[2] as Int32Array);
          expectClose(N[1]!, R[1]!, EXACT, `${ctx} (values)`);
          expectClose(N[2]!, R[2]!, EXACT, `${ctx} (indices)`);
          check();
          tally('argReduce', op);
        }
      });
    }
  }
});

describe('softmax', () => {
  for (const op of SOFTMAX_OPS) {
    it(`${op} float32, incl. NaN/±Infinity and all -Infinity rows`, () => {
      for (let c = 0; c < reps(200); c++) {
        const seed = seedOf('softmax', op, c);
        const rng = new Rng(seed);
        const [outer, size, inner] = reduceLayout(rng, false);
        const x = randomArray(rng, 'float32', outer * size * inner, { special: rng.pick([0, 0.01, 0.05]), scale: rng.pick([1, 5, 30]) }) as Float32Array;
        if (outer * inner > 0 && size > 0 && rng.chance(0.3)) {
          const o = rng.int(0, outer - 1);
          const j = rng.int(0, inner - 1);
          for (let k = 0; k < size; k++) x[(o * size + k) * inner + j] = -Infinity;
        }
        const out0 = garbage(rng, 'float32', outer * size * inner + rng.int(0, 2)) as Float32Array;
        const ctx = `softmax ${op} seed=${seed} ${describeCase({ outer, size, inner })}`;
        const { R, N, check } = twin(rng, [x], [out0], ctx);
        REF.softmax(op, R[0] as Float32Array, outer, size, inner, R[1] as Float32Array);
        NAT.softmax(op, N[0] as Float32Array, outer, size, inner, N[1] as Float32Array);
        expectClose(N[1]!, R[1]!, op === 'softmax' ? { rtol: 1e-5, atol: FLOOR } : { rtol: 1e-5, atol: 1e-6 }, ctx);
        check();
        tally('softmax', op);
      }
    });
  }
});

// ---- gemm --------------------------------------------------------------------------------------------

interface GemmCase {
  batch: number; transA: boolean; transB: boolean; M: number; N: number; K: number; alpha: number; beta: number;
  aOffset: number; strideA: number; lda: number; bOffset: number; strideB: number; ldb: number; cOffset: number; strideC: number; ldc: number;
}

/** Array length a batched matrix operand needs (stored rows × cols, row stride ld). */
function matrixLength(offset: number, batch: number, stride: number, rows: number, cols: number, ld: number): number {
  if (batch === 0 || rows === 0 || cols === 0) return offset;
  return offset + (batch - 1) * stride + (rows - 1) * ld + cols;
}

function gemmCase(rng: Rng): GemmCase {
  // Sizes around the micro-tiles (4x8 .. 12x32) and cache blocks (KC 256/384, NC 480, MC 3072) of the native GEMM.
  const dim = (): number => rng.pick([0, 1, 1, 2, 3, 4, 5, 7, 13, 16, 17, 20, 31, 33, 47, 64, 65, 70]);
  const batch = rng.pick([0, 1, 1, 1, 2, 3]);
  let M = dim();
  let N = dim();
  let K = rng.chance(0.1) ? rng.pick([255, 256, 257, 300, 383, 384, 385, 769]) : dim();
  if (rng.chance(0.04)) [M, N, K] = [rng.pick([1, 2, 13]), rng.pick([479, 481, 500, 961, 1025]), rng.pick([1, 3, 17])]; // crosses NC
  else if (rng.chance(0.03)) [M, N, K] = [rng.pick([3071, 3073, 3100]), rng.pick([2, 17, 33]), rng.pick([1, 2])]; // crosses MC
  while (batch * M * N * K > 400_000) M = Math.max(1, M >> 1);
  const transA = rng.chance(0.5);
  const transB = rng.chance(0.5);
  const pad = (): number => (rng.chance(0.4) ? rng.int(1, 5) : 0);
  const lda = (transA ? M : K) + pad();
  const ldb = (transB ? K : N) + pad();
  const ldc = N + pad();
  const aSize = (transA ? K : M) * lda;
  const bSize = (transB ? N : K) * ldb;
  const strideA = rng.chance(0.25) ? 0 : aSize + pad();
  const strideB = rng.chance(0.25) ? 0 : bSize + pad();
  const strideC = (M > 0 ? (M - 1) * ldc + N : 0) + pad();
  return {
    batch, transA, transB, M, N, K,
    alpha: rng.pick([1, 1, 0.5, -2, 0.1, 3, 0]),
    beta: rng.pick([0, 0, 1, 0.5, -1]),
    aOffset: rng.int(0, 7), strideA, lda, bOffset: rng.int(0, 7), strideB, ldb, cOffset: rng.int(0, 7), strideC, ldc,
  };
}

function runGemmCase(g: GemmCase, seed: number, rng: Rng, special = false): void {
  const aLen = matrixLength(g.aOffset, g.batch, g.strideA, g.transA ? g.K : g.M, g.transA ? g.M : g.K, g.lda) + rng.int(0, 2);
  const bLen = matrixLength(g.bOffset, g.batch, g.strideB, g.transB ? g.N : g.K, g.transB ? g.K : g.N, g.ldb) + rng.int(0, 2);
  const cLen = matrixLength(g.cOffset, g.batch, g.strideC, g.M, g.N, g.ldc) + rng.int(0, 2);
  // Specials are NaN/±Infinity only: huge finite values overflow float accumulators but not the double reference.
  const A = randomArray(rng, 'float32', aLen, { special: special ? 0.02 : 0, specials: [NaN, Infinity, -Infinity], tieProb: 0 }) as Float32Array;
  const B = randomArray(rng, 'float32', bLen, { special: 0, tieProb: 0 }) as Float32Array;
  // beta = 0: C holds NaN/Inf garbage that must be ignored; elsewhere (row padding, gaps) it must survive.
  const C0 = (g.beta === 0 ? garbage(rng, 'float32', cLen) : randomArray(rng, 'float32', cLen, { special: 0 })) as Float32Array;
  const ctx = `gemm seed=${seed} ${describeCase({ ...g, aLen, bLen, cLen, special })}`;
  const { R, N, check } = twin(rng, [A, B], [C0], ctx);
  const args = ([a, b, c]: Arr[]) =>
    [g.batch, g.transA, g.transB, g.M, g.N, g.K, g.alpha, a as Float32Array, g.aOffset, g.strideA, g.lda, b as Float32Array, g.bOffset, g.strideB, g.ldb,
      g.beta, c as Float32Array, g.cOffset, g.strideC, g.ldc] as const;
  REF.gemm(...args(R));
  NAT.gemm(...args(N));
  const [cR, cN] = [R[2]!, N[2]!];
  // Error bound per element: 1e-5·(|alpha|·(|A||B|)_ij + |beta·C_ij|), from the reference on |A|, |B|, |C|.
  const bound = Float64Array.from(C0, (v) => (g.beta === 0 || !Number.isFinite(v) ? 0 : Math.abs(v)));
  REF.gemm(g.batch, g.transA, g.transB, g.M, g.N, g.K, Math.abs(g.alpha), Float64Array.from(A, Math.abs), g.aOffset, g.strideA, g.lda,
    Float64Array.from(B, Math.abs), g.bOffset, g.strideB, g.ldb, Math.abs(g.beta), bound, g.cOffset, g.strideC, g.ldc);
  for (let i = 0; i < bound.length; i++) bound[i] = Number.isFinite(bound[i]!) ? 1e-5 * bound[i]! + FLOOR : Infinity;
  // Positions outside the C matrices still hold C0 in both, so the comparison covers "nothing else written".
  expectClose(cN, cR, { rtol: 0, atol: bound }, ctx);
  expectNmse(cN, cR, 1e-10, ctx);
  check();
  tally('gemm');
}

describe('gemm', () => {
  it('random batched cases: transA/transB, padded lda/ldb/ldc, batch strides incl. 0, alpha/beta incl. beta = 0 over NaN', () => {
    for (let c = 0; c < reps(700); c++) {
      const seed = seedOf('gemm', c);
      const rng = new Rng(seed);
      runGemmCase(gemmCase(rng), seed, rng);
    }
  });
  it('NaN/Infinity in A propagate alike (alpha != 0)', () => {
    for (let c = 0; c < reps(120); c++) {
      const seed = seedOf('gemm-special', c);
      const rng = new Rng(seed);
      const g = gemmCase(rng);
      if (g.alpha === 0) g.alpha = 1;
      runGemmCase(g, seed, rng, true);
    }
  });
  it('named edge shapes: 1x1x1, batch 1 vector products, shared A and B across a batch', () => {
    const named: Partial<GemmCase>[] = [
      { M: 1, N: 1, K: 1 }, { M: 1, N: 33, K: 17 }, { M: 33, N: 1, K: 17 }, { M: 17, N: 13, K: 0, beta: 0.5 }, { M: 4, N: 16, K: 256 },
      { M: 5, N: 17, K: 257, transA: true, transB: true }, { batch: 3, M: 7, N: 5, K: 3, strideA: 0, strideB: 0 },
      // Past the threading grain: the unpacked path split over threads, then the packed one (edge tiles in both).
      { M: 150, N: 149, K: 151 }, { M: 151, N: 150, K: 150, transA: true, transB: true }, { M: 203, N: 301, K: 100, transB: true, beta: 0.5 },
      // Packed path with every short last row panel (M mod 6 = 1..4 take the AVX2 edge sweep: 3, 2 or 1
      // B micro-panels at a time, the last one partial), and across NC blocks and K blocks.
      { M: 151, N: 173, K: 200 }, { M: 152, N: 173, K: 200, beta: 0.5 }, { M: 153, N: 167, K: 210, transA: true },
      { M: 154, N: 181, K: 190, transB: true, beta: -1 }, { M: 8, N: 1025, K: 600, beta: 0.5 }, { M: 2, N: 1000, K: 2300 },
      { M: 4, N: 497, K: 2500, transA: true, transB: true },
      // Packed path past MC (3072 rows: two A panels per K block, the threads' shared panel buffers
      // alternating across the row blocks too), and a column split with a part narrower than NR.
      { M: 3100, N: 40, K: 41 }, { M: 3075, N: 50, K: 300, transA: true, beta: 0.5 }, { M: 600, N: 20, K: 700, transB: true },
      // A packed whole (one row panel, every K block) and C's columns taken in chunks: a last chunk one
      // column wide (33 = 16 + 16 + 1 at 3 threads), more chunks than threads over 3 K blocks with a
      // transposed A split between the threads, and a partial last chunk with a transposed B.
      { M: 300, N: 33, K: 400 }, { M: 97, N: 1001, K: 520, transA: true, beta: 0.5 }, { M: 131, N: 515, K: 777, transB: true },
    ];
    named.forEach((p, c) => {
      const seed = seedOf('gemm-named', c);
      const rng = new Rng(seed);
      const g: GemmCase = {
        batch: 1, transA: false, transB: false, M: 1, N: 1, K: 1, alpha: 1, beta: 0,
        aOffset: 0, strideA: 0, lda: 0, bOffset: 0, strideB: 0, ldb: 0, cOffset: 0, strideC: 0, ldc: 0, ...p,
      };
      g.lda = g.transA ? g.M : g.K;
      g.ldb = g.transB ? g.K : g.N;
      g.ldc = g.N;
      if (p.strideA === undefined) g.strideA = (g.transA ? g.K : g.M) * g.lda;
      if (p.strideB === undefined) g.strideB = (g.transB ? g.N : g.K) * g.ldb;
      g.strideC = g.M * g.ldc;
      runGemmCase(g, seed, rng);
    });
  });
});

// ---- gather / scatterAdd -------------------------------------------------------------------------------

const BAD_INDICES = [-1, -2147483648, 2147483647];

/** A random index shape (rank >= 1), the dim, and the indexed operand's size along it. */
function indexCase(rng: Rng): { shape: number[]; dim: number; dimSize: number } {
  const shape = randomShape(rng, { minRank: 1, maxRank: 4, maxNumel: 2000 });
  const dim = rng.int(0, shape.length - 1);
  const dimSize = rng.pick([1, 2, 3, 5, 7, 13]);
  return { shape, dim, dimSize };
}

function randomIndex(rng: Rng, n: number, size: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.int(0, size - 1);
  return idx;
}

/** Runs `call` on both backends; both must throw IndexError, or neither. */
function sameError(call: (k: typeof REF) => void, ctx: string): unknown {
  const errs = [REF, NAT].map((k) => {
    try {
      call(k);
      return null;
    } catch (e) {
      return e;
    }
  });
  const [eR, eN] = errs;
  if (!(eR instanceof IndexError) || !(eN instanceof IndexError)) {
    throw new Error(`${ctx}\nexpected IndexError from both backends, got reference: ${String(eR)}, native: ${String(eN)}`);
  }
  expect(eN.code).toBe('INDEX_OUT_OF_RANGE');
  expect(eN.message).toMatch(/^(gather|scatterAdd): index /);
  return eN;
}

describe('gather', () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: random valid indices into strided/broadcast x`, () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('gather', dtype, c);
        const rng = new Rng(seed);
        const { shape, dim, dimSize } = indexCase(rng);
        const xshape = shape.slice();
        xshape[dim] = dimSize;
        const [x, xl] = layoutFor(rng, dtype, xshape, { special: 0.1 });
        const n = numel(shape);
        const index = randomIndex(rng, n, dimSize);
        const out0 = garbage(rng, dtype, n + rng.int(0, 2));
        const ctx = `gather ${dtype} seed=${seed} ${describeCase({ shape, dim, dimSize, x: xl })}`;
        const { R, N, check } = twin(rng, [x, index], [out0], ctx);
        REF.gather(shape, R[0]!, xl.offset, xl.strides, dim, dimSize, R[1] as Int32Array, R[2]!);
        NAT.gather(shape, N[0]!, xl.offset, xl.strides, dim, dimSize, N[1] as Int32Array, N[2]!);
        expectClose(N[2]!, R[2]!, EXACT, ctx);
        check();
        tally('gather');
      }
    });
  }
  it('an out-of-range index throws IndexError on both backends', () => {
    for (let c = 0; c < reps(120); c++) {
      const seed = seedOf('gather-error', c);
      const rng = new Rng(seed);
      const { shape, dim, dimSize } = indexCase(rng);
      const n = numel(shape);
      if (n === 0) continue;
      const xshape = shape.slice();
      xshape[dim] = dimSize;
      const [x, xl] = layoutFor(rng, 'float32', xshape);
      const index = randomIndex(rng, n, dimSize);
      index[rng.int(0, n - 1)] = rng.pick([...BAD_INDICES, dimSize, dimSize + 1]);
      const ctx = `gather error seed=${seed} ${describeCase({ shape, dim, dimSize, x: xl })}`;
      sameError((k) => k.gather(shape, x, xl.offset, xl.strides, dim, dimSize, index, new Float32Array(n)), ctx);
      tally('gather', 'IndexError');
    }
  });
});

describe('scatterAdd', () => {
  /** out is [shape with dim := dimSize], other dims possibly larger; row-major or a permuted layout. */
  function scatterCase(rng: Rng, dtype: DTypeName) {
    const { shape, dim, dimSize } = indexCase(rng);
    const oshape = shape.map((d, k) => (k === dim ? dimSize : d + (rng.chance(0.3) ? rng.int(1, 2) : 0)));
    // scatterAdd has no out offset: layouts start at element 0.
    const ol = rng.chance(0.5) ? contiguousLayout(oshape) : randomLayout(rng, oshape, { broadcastProb: 0, stepProb: 0, padProb: 0, maxOffset: 0 });
    const n = numel(shape);
    const out0 = randomArray(rng, dtype, ol.length, { special: 0 });
    const src = randomArray(rng, dtype, n, { special: 0, tieProb: 0.3 });
    const index = randomIndex(rng, n, dimSize);
    return { shape, dim, dimSize, oshape, ostrides: ol.strides, out0, src, index, n };
  }
  for (const dtype of ['float32', 'int32'] as const) {
    it(`${dtype}: random valid indices (repeats accumulate)`, () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('scatterAdd', dtype, c);
        const rng = new Rng(seed);
        const s = scatterCase(rng, dtype);
        const ctx = `scatterAdd ${dtype} seed=${seed} ${describeCase({ shape: s.shape, dim: s.dim, dimSize: s.dimSize, oshape: s.oshape, ostrides: s.ostrides })}`;
        const { R, N, check } = twin(rng, [s.src, s.index], [s.out0], ctx);
        REF.scatterAdd(s.shape, R[2]!, s.ostrides, s.dim, s.dimSize, R[1] as Int32Array, R[0]!);
        NAT.scatterAdd(s.shape, N[2]!, s.ostrides, s.dim, s.dimSize, N[1] as Int32Array, N[0]!);
        const [oR, oN] = [R[2]!, N[2]!];
        let srcAbs = 0;
        for (const v of s.src) srcAbs += Math.abs(v);
        expectClose(oN, oR, dtype === 'int32' ? EXACT : { rtol: 1e-6, atol: 1e-6 * srcAbs + FLOOR }, ctx);
        check();
        tally('scatterAdd');
      }
    });
  }
  it('an out-of-range index throws IndexError on both backends', () => {
    for (let c = 0; c < reps(120); c++) {
      const seed = seedOf('scatterAdd-error', c);
      const rng = new Rng(seed);
      const s = scatterCase(rng, 'float32');
      if (s.n === 0) continue;
      s.index[rng.int(0, s.n - 1)] = rng.pick([...BAD_INDICES, s.dimSize, s.dimSize + 5]);
      const ctx = `scatterAdd error seed=${seed} ${describeCase({ shape: s.shape, dim: s.dim, dimSize: s.dimSize })}`;
      sameError((k) => k.scatterAdd(s.shape, cloneArray(s.out0), s.ostrides, s.dim, s.dimSize, s.index, s.src), ctx);
      tally('scatterAdd', 'IndexError');
    }
  });
});

// ---- optimStep ----------------------------------------------------------------------------------------

/** Random hyper-parameters for one fused optimizer kind, flags included (see OPTIM_OPS in spec.ts). */
function optimHyper(rng: Rng, op: OptimOp): number[] {
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const flag = (p = 0.5): number => (rng.chance(p) ? 1 : 0);
  switch (op) {
    case 'sgd': {
      const momentum = pick([0, 0.9, 0.5]);
      const nesterov = momentum > 0 ? flag(0.4) : 0;
      return [pick([0.1, 0.01, 1.3]), momentum, nesterov ? 0 : pick([0, 0.1]), pick([0, 0.01, 0.5]), nesterov, flag(0.3), flag(0.3), 0, 0, 0];
    }
    case 'adam': {
      const [lr, b1, b2, t] = [pick([1e-3, 0.05, 0.3]), pick([0.9, 0.5]), pick([0.999, 0.9]), rng.int(1, 50)];
      return [lr, b1, b2, pick([1e-8, 1e-3]), pick([0, 0.01, 0.3]), flag(0.4), flag(0.3), lr / (1 - b1 ** t), Math.sqrt(1 - b2 ** t), flag()];
    }
    case 'adagrad': return [pick([0.1, 0.01]) / (1 + rng.int(0, 9) * pick([0, 0.05])), pick([0, 0.1]), pick([1e-10, 1e-3]), flag(0.3), 0, 0, 0, 0, 0, 0];
    case 'rmsprop': return [pick([0.01, 0.1]), pick([0.99, 0.9]), pick([1e-8, 1e-4]), pick([0, 0.1]), pick([0, 0.9, 0.5]), flag(0.4), flag(0.3), 0, 0, 0];
    case 'adadelta': return [pick([1, 0.5]), pick([0.9, 0.8]), pick([1e-6, 1e-3]), pick([0, 0.1]), flag(0.3), 0, 0, 0, 0, 0];
  }
}

describe('optimStep', () => {
  const LENS = [0, 1, 2, 5, 15, 16, 17, 33, 100, 1023, 16_385, 40_003];
  for (const op of OPTIM_OPS) {
    it(`${op}: every flag combination, lengths past the grain, NaN/Inf gradients, state updated in place exactly as the reference`, () => {
      for (let c = 0; c < reps(60); c++) {
        const seed = seedOf(`optimStep-${op}`, c);
        const rng = new Rng(seed);
        const n = rng.pick(LENS);
        const h = optimHyper(rng, op);
        const use = optimStateUse(op, h);
        const special = rng.chance(0.2);
        const p = randomArray(rng, 'float32', n, { special: 0 }) as Float32Array;
        const g = randomArray(rng, 'float32', n, { special: special ? 0.05 : 0, specials: [NaN, Infinity, -Infinity] }) as Float32Array;
        // Second-moment states are non-negative; the rest are any floats. Unused states are empty.
        const state = (k: number): Float32Array => {
          if (!use[k]) return new Float32Array(0);
          const a = randomArray(rng, 'float32', n, { special: 0 }) as Float32Array;
          const moment = (op === 'adam' && k >= 1) || op === 'adagrad' || ((op === 'rmsprop' || op === 'adadelta') && k !== 2 && !(op === 'rmsprop' && k === 1));
          return moment ? a.map(Math.abs) : a;
        };
        const s = [state(0), state(1), state(2)];
        const ctx = `optimStep ${op} seed=${seed} ${describeCase({ n, h: h.join(','), special })}`;
        const { R, N, check } = twin(rng, [g], [p, ...s], ctx);
        REF.optimStep(op, n, R[1] as Float32Array, R[0] as Float32Array, R[2] as Float32Array, R[3] as Float32Array, R[4] as Float32Array, h);
        NAT.optimStep(op, n, N[1] as Float32Array, N[0] as Float32Array, N[2] as Float32Array, N[3] as Float32Array, N[4] as Float32Array, h);
        for (let k = 1; k <= 4; k++) expectClose(N[k]!, R[k]!, EXACT, `${ctx}
array ${['param', 's0', 's1', 's2'][k - 1]}`);
        check();
        tally('optimStep', op);
      }
    });
  }
});

// ---- conv2d / conv2dBackwardInput / conv2dBackwardWeight ------------------------------------------------
// Random geometries: groups (incl. depthwise), asymmetric kernels, 1x1 and kernel = input size, strides,
// dilations, paddings past the kernel, odd sizes, batch 0 and 1, zero channels, explicit output sizes
// larger or smaller than the formula (transposed convolutions with outputPadding, 'same' with even
// kernels), strided x (permuted, stepped, broadcast). Sizes reach past the native im2col column blocks
// and the direct/GEMM switch. Error bound per element: 1e-5 · (the same kernel on |inputs|).

type ConvKernel = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight';

function convGeometry(rng: Rng, big: boolean): Conv2dGeometry {
  const groups = rng.pick([1, 1, 1, 2, 3, 0]); // 0: depthwise
  const cinG = groups === 0 ? 1 : rng.pick([1, 1, 2, 3, 5, 8, 17, 32]);
  const coutG = groups === 0 ? rng.pick([1, 1, 2]) : rng.pick([1, 2, 3, 6, 16, 19, 40]);
  const g = groups === 0 ? rng.pick([3, 8, 13]) : groups;
  const kh = rng.pick([1, 1, 2, 3, 3, 5, 7]);
  const kw = rng.chance(0.3) ? rng.pick([1, 2, 3, 4, 5]) : kh;
  const strideH = rng.pick([1, 1, 1, 2, 3]);
  const strideW = rng.chance(0.7) ? strideH : rng.pick([1, 2, 4]);
  const dilationH = rng.pick([1, 1, 1, 2, 3]);
  const dilationW = rng.chance(0.7) ? dilationH : rng.pick([1, 2]);
  const padH = rng.pick([0, 0, 1, 2, 3, 6]);
  const padW = rng.chance(0.7) ? padH : rng.pick([0, 1, 2]);
  const side = (): number => (big ? rng.pick([24, 31, 40, 57, 64]) : rng.pick([1, 2, 3, 5, 7, 8, 12, 13, 17, 24]));
  let H = side();
  let W = rng.chance(0.7) ? H : side();
  if (rng.chance(0.1)) [H, W] = [dilationH * (kh - 1) + 1 - 2 * padH, dilationW * (kw - 1) + 1 - 2 * padW]; // kernel = padded input size
  H = Math.max(H, rng.chance(0.05) ? 0 : 1);
  W = Math.max(W, 1);
  const formula = (n: number, k: number, s: number, p: number, d: number): number => Math.max(0, Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1);
  let Ho = formula(H, kh, strideH, padH, dilationH);
  let Wo = formula(W, kw, strideW, padW, dilationW);
  if (rng.chance(0.2)) Ho += rng.pick([-1, 1, 2]); // explicit output sizes (outputPadding, 'same' with even kernels)
  if (rng.chance(0.2)) Wo += rng.pick([-1, 1, 3]);
  Ho = Math.max(Ho, 0);
  Wo = Math.max(Wo, 0);
  let N = big ? rng.pick([1, 2, 3]) : rng.pick([0, 1, 1, 2, 3, 4]);
  const Cin = rng.chance(0.03) ? 0 : cinG * g;
  const Cout = coutG * g;
  // Keep the reference (plain JS loops) quick.
  const work = (): number => N * Cout * Ho * Wo * (Cin / g) * kh * kw;
  while (N > 1 && work() > (big ? 3e6 : 3e5)) N--;
  if (work() > (big ? 3e6 : 3e5)) Ho = Math.max(1, Math.floor(Ho / 2));
  return { N, Cin, H, W, Cout, Ho, Wo, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups: g };
}

const absOf = (a: Arr): Float64Array => Float64Array.from(a as Float32Array, Math.abs);

function runConvCase(kernel: ConvKernel, seed: number, big: boolean, fixed?: Conv2dGeometry): void {
  const rng = new Rng(seed);
  const g = fixed ?? convGeometry(rng, big);
  const { N, Cin, H, W, Cout, Ho, Wo, kh, kw, groups } = g;
  const xShape = [N, Cin, H, W];
  const wLen = Cout * (Cin / groups) * kh * kw;
  const gyLen = N * Cout * Ho * Wo;
  const ctx = `${kernel} seed=${seed} ${describeCase({ ...g })}`;
  const special = rng.chance(0.05) ? 0.01 : 0;
  const xVals = { special, specials: [NaN], tieProb: 0 };
  if (kernel === 'conv2d') {
    const [x, xl] = layoutFor(rng, 'float32', xShape, xVals);
    const wOff = rng.int(0, 5);
    const w = randomArray(rng, 'float32', wOff + wLen + rng.int(0, 2), { special: 0, tieProb: 0 });
    const hasBias = rng.chance(0.6);
    const bOff = hasBias ? rng.int(0, 3) : 0;
    const b = hasBias ? randomArray(rng, 'float32', bOff + Cout + rng.int(0, 2), { special: 0, tieProb: 0 }) : new Float32Array(0);
    const out0 = garbage(rng, 'float32', gyLen + rng.int(0, 3));
    const { R, N: NA, check } = twin(rng, [x, w, b], [out0], ctx);
    const bias = (a: Arr[]): Float32Array | null => (hasBias ? (a[2] as Float32Array) : null);
    REF.conv2d(g, R[0] as Float32Array, xl.offset, xl.strides, R[1] as Float32Array, wOff, bias(R), bOff, R[3] as Float32Array);
    NAT.conv2d(g, NA[0] as Float32Array, xl.offset, xl.strides, NA[1] as Float32Array, wOff, bias(NA), bOff, NA[3] as Float32Array);
    const bound = new Float64Array(out0.length);
    REF.conv2d(g, absOf(x), xl.offset, xl.strides, absOf(w), wOff, hasBias ? absOf(b) : null, bOff, bound);
    for (let i = 0; i < bound.length; i++) bound[i] = i < gyLen ? 1e-5 * bound[i]! + FLOOR : 0;
    expectClose(NA[3]!, R[3]!, { rtol: 0, atol: bound }, ctx);
    expectNmse(NA[3]!, R[3]!, 1e-10, ctx);
    check();
  } else if (kernel === 'conv2dBackwardInput') {
    const gyOff = rng.int(0, 5);
    const gy = randomArray(rng, 'float32', gyOff + gyLen + rng.int(0, 2), xVals);
    const wOff = rng.int(0, 5);
    const w = randomArray(rng, 'float32', wOff + wLen + rng.int(0, 2), { special: 0, tieProb: 0 });
    const nx = N * Cin * H * W;
    const out0 = garbage(rng, 'float32', nx + rng.int(0, 3));
    const { R, N: NA, check } = twin(rng, [gy, w], [out0], ctx);
    REF.conv2dBackwardInput(g, R[0] as Float32Array, gyOff, R[1] as Float32Array, wOff, R[2] as Float32Array);
    NAT.conv2dBackwardInput(g, NA[0] as Float32Array, gyOff, NA[1] as Float32Array, wOff, NA[2] as Float32Array);
    const bound = new Float64Array(out0.length);
    REF.conv2dBackwardInput(g, absOf(gy), gyOff, absOf(w), wOff, bound);
    for (let i = 0; i < bound.length; i++) bound[i] = i < nx ? 1e-5 * bound[i]! + FLOOR : 0;
    expectClose(NA[2]!, R[2]!, { rtol: 0, atol: bound }, ctx);
    expectNmse(NA[2]!, R[2]!, 1e-10, ctx);
    check();
  } else {
    const [x, xl] = layoutFor(rng, 'float32', xShape, xVals);
    const gyOff = rng.int(0, 5);
    const gy = randomArray(rng, 'float32', gyOff + gyLen + rng.int(0, 2), { special: 0, tieProb: 0 });
    const out0 = garbage(rng, 'float32', wLen + rng.int(0, 3));
    const { R, N: NA, check } = twin(rng, [x, gy], [out0], ctx);
    REF.conv2dBackwardWeight(g, R[0] as Float32Array, xl.offset, xl.strides, R[1] as Float32Array, gyOff, R[2] as Float32Array);
    NAT.conv2dBackwardWeight(g, NA[0] as Float32Array, xl.offset, xl.strides, NA[1] as Float32Array, gyOff, NA[2] as Float32Array);
    const bound = new Float64Array(out0.length);
    REF.conv2dBackwardWeight(g, absOf(x), xl.offset, xl.strides, absOf(gy), gyOff, bound);
    for (let i = 0; i < bound.length; i++) bound[i] = i < wLen ? 1e-5 * bound[i]! + FLOOR : 0;
    expectClose(NA[2]!, R[2]!, { rtol: 0, atol: bound }, ctx);
    expectNmse(NA[2]!, R[2]!, 1e-10, ctx);
    check();
  }
  tally(kernel);
}

describe('conv', () => {
  for (const kernel of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) {
    it(`${kernel}: random geometries (groups, depthwise, strides, dilations, paddings, explicit output sizes, strided x)`, () => {
      for (let c = 0; c < reps(45); c++) runConvCase(kernel, seedOf('conv', kernel, c), false);
    });
    it(`${kernel}: larger images past the im2col column blocks and thread splits`, () => {
      for (let c = 0; c < reps(4); c++) runConvCase(kernel, seedOf('conv-big', kernel, c), true);
    });
    it(`${kernel}: named geometries (W2's C1..C4 with fewer images, depthwise strided, dilated 'same', transposed-size outputs)`, () => {
      const geo = (N: number, Cin: number, H: number, W: number, Cout: number, k: number, s: number, p: number, d = 1, groups = 1, extra = 0): Conv2dGeometry => {
        const o = (n: number): number => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1 + extra;
        return { N, Cin, H, W, Cout, Ho: o(H), Wo: o(W), kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, dilationH: d, dilationW: d, groups };
      };
      const named = [
        geo(3, 1, 28, 28, 6, 5, 1, 0), geo(3, 6, 12, 12, 16, 5, 1, 0), geo(2, 16, 16, 16, 24, 3, 1, 1), geo(1, 3, 48, 44, 16, 7, 2, 3),
        geo(2, 12, 15, 17, 12, 3, 2, 1, 1, 12), geo(1, 8, 20, 20, 16, 3, 1, 2, 2, 8), geo(2, 4, 9, 9, 6, 3, 1, 4, 2, 2),
        geo(1, 5, 7, 6, 5, 4, 3, 1, 1, 5, 1), geo(2, 2, 11, 13, 4, 2, 2, 0, 1, 1, 1), geo(1, 4, 1, 40, 8, 1, 1, 0),
      ];
      named.forEach((g, i) => runConvCase(kernel, seedOf('conv-named', kernel, i), false, g));
    });
    it(`${kernel}: blocked direct path (rows of one or two vectors with partial tails, channel blocks past 6 and 2, strides, dilations, groups, 7-wide kernels; 'same' input gradients as the flipped forward)`, () => {
      const geo = (N: number, Cin: number, H: number, Cout: number, k: number, s: number, p: number, d = 1, groups = 1): Conv2dGeometry => {
        const o = Math.floor((H + 2 * p - d * (k - 1) - 1) / s) + 1;
        return { N, Cin, H, W: H, Cout, Ho: o, Wo: o, kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, dilationH: d, dilationW: d, groups };
      };
      const named = [
        geo(2, 1, 28, 6, 5, 1, 2), geo(1, 3, 19, 13, 3, 1, 1), geo(2, 2, 16, 7, 3, 1, 1), geo(1, 4, 40, 5, 3, 2, 1), geo(1, 2, 30, 3, 3, 1, 2, 2),
        geo(2, 6, 20, 8, 3, 1, 1, 1, 2), geo(1, 1, 8, 3, 1, 1, 0), geo(1, 3, 30, 4, 7, 1, 3), geo(1, 2, 45, 7, 3, 1, 1), geo(1, 5, 34, 9, 2, 1, 0),
        geo(2, 8, 21, 6, 3, 1, 1), geo(1, 4, 18, 5, 3, 1, 2, 2), geo(1, 16, 33, 14, 3, 1, 1, 1, 2),
      ];
      named.forEach((g, i) => runConvCase(kernel, seedOf('conv-taps', kernel, i), false, g));
    });
    it(`${kernel}: channel-vector path (narrow rows of 1-11 and 17, channel vectors full and partial, groups, strides, dilations)`, () => {
      const geo = (N: number, Cin: number, H: number, Cout: number, k: number, s: number, p: number, d = 1, groups = 1): Conv2dGeometry => {
        const o = Math.floor((H + 2 * p - d * (k - 1) - 1) / s) + 1;
        return { N, Cin, H, W: H, Cout, Ho: o, Wo: o, kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, dilationH: d, dilationW: d, groups };
      };
      const named = [
        geo(3, 6, 14, 16, 5, 1, 0), geo(2, 16, 7, 16, 3, 1, 1), geo(2, 5, 11, 19, 3, 1, 1), geo(2, 4, 9, 5, 1, 1, 0), geo(2, 8, 13, 40, 3, 1, 0),
        geo(1, 6, 21, 12, 3, 2, 1, 1, 2), geo(2, 3, 15, 17, 3, 1, 2, 2), geo(3, 2, 5, 33, 2, 1, 0), geo(1, 7, 19, 9, 3, 1, 0), geo(2, 12, 3, 24, 3, 1, 1, 1, 3),
      ];
      named.forEach((g, i) => runConvCase(kernel, seedOf('conv-chans', kernel, i), false, g));
    });
    it(`${kernel}: batches of small images (several images per im2col block: partial last blocks, groups, strides, N = 0 and 1)`, () => {
      const geo = (N: number, Cin: number, H: number, W: number, Cout: number, k: number, s: number, p: number, d = 1, groups = 1): Conv2dGeometry => {
        const o = (n: number): number => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
        return { N, Cin, H, W, Cout, Ho: o(H), Wo: o(W), kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, dilationH: d, dilationW: d, groups };
      };
      const named = [
        geo(26, 6, 14, 14, 16, 5, 1, 0), geo(17, 1, 12, 12, 6, 5, 1, 2), geo(13, 6, 7, 7, 16, 5, 1, 0), geo(20, 6, 9, 9, 8, 3, 1, 1, 1, 2),
        geo(11, 4, 10, 11, 6, 3, 2, 1, 2), geo(23, 9, 5, 5, 12, 3, 1, 1, 1, 3), geo(9, 3, 6, 6, 5, 2, 1, 0), geo(1, 6, 7, 7, 16, 5, 1, 0),
        geo(0, 6, 7, 7, 16, 5, 1, 0),
      ];
      named.forEach((g, i) => runConvCase(kernel, seedOf('conv-batched', kernel, i), false, g));
      // Random geometries with 9..40 images (the per-image path below 9), the input and work kept small.
      for (let c = 0; c < reps(12); c++) {
        const rng = new Rng(seedOf('conv-batched-random', kernel, c));
        let g = convGeometry(rng, false);
        g.N = rng.pick([9, 12, 17, 23, 40]);
        while (g.N * g.Cin * g.H * g.W > 4e4) g = { ...convGeometry(rng, false), N: g.N }; // small inputs keep the harness quick
        while (g.Ho > 1 && g.N * g.Cout * g.Ho * g.Wo * (g.Cin / g.groups) * g.kh * g.kw > 3e5) g.Ho = Math.floor(g.Ho / 2);
        runConvCase(kernel, seedOf('conv-batched-random-case', kernel, c), false, g);
      }
    });
  }
});

// ---- large: past the thread grains, every vector tail, special values ------------------------------------
// Sizes above the kernels' per-task grains (so work is split over 2-3 threads at chunk boundaries that are
// not multiples of the vector width), every n mod 16 / mod 8 tail, broadcast fast paths ([N,C] + [C],
// [N,C] * [N,1], scalars, strided views), rows of 1000-5000 and middle-axis (inner > 1) layouts for the
// reductions, and the values where vector math is hardest (overflow/underflow edges of exp, the switch
// points of tanh and erf, subnormals, ±0, ±inf, NaN).

/** Edge values for float kernels (stored as the nearest float). */
const EDGE_FLOATS: readonly number[] = [
  NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 2 ** -126, -(2 ** -126), 2 ** -25, -(2 ** -25), 1e-8, -1e-8,
  88.72, 88.7228, 88.73, 89, -87.3, -88.7, -103.9, -103.97, -104, -104.5, 104, -150, 150,
  0.625, -0.625, 0.6249999, 1, -1, 0.99999994, -0.99999994, 1.0000001, -1.0000001, 3.92, -3.92, 4, -4, 6, -6,
  9, -9, 9.02, 10, -10, 20, -20, 44, -44, 0.5, -0.5, 1e7, 16777217, 1e30, -1e30, 3.4e38, -3.4e38,
];

/** n floats: mostly normal·scale, some uniform over ±wide, a share of EDGE_FLOATS. */
function edgyFloats(rng: Rng, n: number, scale: number, wide = 0, edge = 0.03): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.chance(edge) ? rng.pick(EDGE_FLOATS) : wide > 0 && rng.chance(0.3) ? (rng.next() * 2 - 1) * wide : rng.normal() * scale;
  }
  return a;
}

/** Every tail length for 16, 8 and 4 lanes, then sizes past the thread grains (odd, so chunks end mid-vector). */
const TAIL_LENGTHS = Array.from({ length: 48 }, (_, i) => i + 1);
const BIG_LENGTHS = [100_003, 131_072 + 13, 262_147, 4096 * 3 + 7];

function unaryInput(rng: Rng, op: UnaryOp, n: number): Float32Array {
  switch (op) {
    case 'exp': case 'sigmoid': case 'tanh': case 'elu': return edgyFloats(rng, n, 20, 110);
    case 'log': case 'log1p': case 'sqrt': {
      const a = edgyFloats(rng, n, 3, 1e4);
      for (let i = 0; i < n; i++) if (rng.chance(0.7)) a[i] = Math.abs(a[i]!); // mostly in the domain
      return a;
    }
    case 'erf': return edgyFloats(rng, n, 2, 6);
    default: return edgyFloats(rng, n, 3, 100);
  }
}

/**
 * Inputs and reference outputs of the large cases depend only on the seed, so they are made once and
 * reused by every ISA / thread-count configuration (only the native side runs again).
 */
const largeMemo = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!largeMemo.has(key)) largeMemo.set(key, make());
  return largeMemo.get(key) as T;
}

describe('large', () => {
  for (const op of UNARY_OPS) {
    it(`unary ${op} float32: every tail length, n past the grains, edge values, in place`, () => {
      const seed = seedOf('large-unary', op);
      const cases = once(`unary ${op}`, () => {
        const rng = new Rng(seed);
        return [...TAIL_LENGTHS, ...BIG_LENGTHS].map((n) => {
          const [alpha, beta] = unaryParams(rng, op, false);
          const x = unaryInput(rng, op, n + 1);
          const inPlace = n > 1000 && rng.chance(0.5);
          const r = new Float32Array(n + 1).fill(7);
          REF.unary(op, x, r, n, alpha, beta);
          if (inPlace) r[n] = x[n]!; // the element past n is left alone either way
          return { n, alpha, beta, x, inPlace, r };
        });
      });
      for (const { n, alpha, beta, x, inPlace, r } of cases) {
        const ctx = `large unary ${op} seed=${seed} ${describeCase({ n, alpha, beta, inPlace })}`;
        const o = inPlace ? Float32Array.from(x) : new Float32Array(n + 1).fill(7);
        NAT.unary(op, inPlace ? o : x, o, n, alpha, beta);
        expectClose(o, r, UNARY_TOL[op], ctx);
      }
    });
  }

  /** [shape, a strides, b strides, a length, b length] for the broadcast fast paths and strided views. */
  function binaryLayouts(rng: Rng): [string, number[], number[], number[], number, number][] {
    const n = rng.pick([100_003, 150_001, 65_536 + 9]);
    const C = rng.pick([1000, 1001, 17, 16, 8, 3, 4097]);
    const N = Math.ceil(150_000 / C);
    const A = 7, B = rng.pick([33, 16, 5]), C3 = Math.ceil(40_000 / (A * B));
    return [
      ['contiguous', [n], [1], [1], n, n],
      ['scalar b', [n], [1], [0], n, 1],
      ['scalar a', [n], [0], [1], 1, n],
      ['[N,C] + [C]', [N, C], [C, 1], [0, 1], N * C, C],
      ['[C] + [N,C]', [N, C], [0, 1], [C, 1], C, N * C],
      ['[N,C] * [N,1]', [N, C], [C, 1], [1, 0], N * C, N],
      ['[A,B,C] + [B,1]', [A, B, C3], [B * C3, C3, 1], [0, 1, 0], A * B * C3, B],
      ['transposed a', [N, C], [1, N], [C, 1], N * C, N * C],
      ['padded rows', [N, C], [C + 3, 1], [0, 1], N * (C + 3), C],
    ];
  }

  const VEC_BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
  for (const op of VEC_BINARY) {
    it(`binary ${op} float32: contiguous, scalar, row/column broadcast, strided, edge values`, () => {
      const seed = seedOf('large-binary', op);
      const cases = once(`binary ${op}`, () => {
        const rng = new Rng(seed);
        return binaryLayouts(rng).map(([name, shape, as, bs, na, nb]) => {
          const a = edgyFloats(rng, na, 4, 1e3, 0.02);
          const b = edgyFloats(rng, nb, 4, 1e3, 0.02);
          const r = new Float32Array(numel(shape) + 2).fill(7);
          REF.binary(op, shape, a, 0, as, b, 0, bs, r);
          return { name, shape, as, bs, a, b, r };
        });
      });
      for (const { name, shape, as, bs, a, b, r } of cases) {
        const ctx = `large binary ${op} ${name} seed=${seed} ${describeCase({ shape, as, bs })}`;
        const o = new Float32Array(numel(shape) + 2).fill(7);
        NAT.binary(op, shape, a, 0, as, b, 0, bs, o);
        expectClose(o, r, EXACT, ctx);
      }
    });
  }

  for (const dtype of DTYPES) {
    it(`where ${dtype}: contiguous, broadcast cond/a/b, past the grains, every tail`, () => {
      const seed = seedOf('large-where', dtype);
      const cases = once(`where ${dtype}`, () => {
      const rng = new Rng(seed);
      const C = rng.pick([1000, 17, 16, 8]);
      const N = Math.ceil(120_000 / C);
      const layouts: [Shape, number[], number[], number[], number, number, number][] = [
        [[N * C], [1], [1], [1], N * C, N * C, N * C],
        [[N, C], [C, 1], [0, 1], [C, 1], N * C, C, N * C],
        [[N, C], [C, 1], [1, 0], [0, 0], N * C, N, 1],
        [[N, C], [1, 0], [C, 1], [0, 1], N, N * C, C],
        ...TAIL_LENGTHS.map((t): [Shape, number[], number[], number[], number, number, number] => [[t], [1], [1], [0], t, t, 1]),
      ];
      return layouts.map(([shape, cs, as, bs, nc, na, nb]) => {
        const cond = randomArray(rng, 'bool', nc) as Uint8Array;
        for (let i = 0; i < nc; i++) if (rng.chance(0.1)) cond[i] = rng.int(2, 255); // any nonzero byte is true
        const a = dtype === 'float32' ? edgyFloats(rng, na, 3) : randomArray(rng, dtype, na);
        const b = dtype === 'float32' ? edgyFloats(rng, nb, 3) : randomArray(rng, dtype, nb);
        const o0 = garbage(rng, dtype, numel(shape) + 1);
        const r = cloneArray(o0);
        REF.where(shape, cond, 0, cs, a, 0, as, b, 0, bs, r);
        return { shape, cs, as, bs, cond, a, b, o0, r };
      });
      });
      for (const { shape, cs, as, bs, cond, a, b, o0, r } of cases) {
        const ctx = `large where ${dtype} seed=${seed} ${describeCase({ shape, cs, as, bs })}`;
        const o = cloneArray(o0);
        NAT.where(shape, cond, 0, cs, a, 0, as, b, 0, bs, o);
        expectClose(o, r, EXACT, ctx);
      }
    });
  }

  /** [outer, size, inner] past the grains: one long row, fewer rows than threads, many rows, middle axes. */
  const REDUCE_LAYOUTS: [number, number, number][] = [
    [1, 500_000, 1], [2, 150_001, 1], [3, 100_003, 1], [200, 1000, 1], [97, 1003, 1], [40, 5000, 1], [30_000, 10, 1], [7, 40, 1],
    [1, 5000, 37], [1, 2000, 300], [4, 1000, 300], [3, 1001, 17], [50, 100, 16], [2, 33, 1000], [1, 3, 100_000],
  ];

  /** Rows that stress max/min/arg ties and NaN: some all ≤ 0 with ±0, some with a NaN, some all -inf. */
  function reduceInput(rng: Rng, outer: number, size: number, inner: number): Float32Array {
    const x = edgyFloats(rng, outer * size * inner, 5, 0, 0.002);
    for (let o = 0; o < outer; o++) {
      const kind = rng.int(0, 9);
      for (let k = 0; k < size; k++) {
        for (let j = 0; j < inner; j++) {
          const i = (o * size + k) * inner + j;
          if (kind === 0) x[i] = rng.pick([0, -0, -1, -2.5]);
          else if (kind === 1) x[i] = -Math.abs(x[i]!) - 1;
          else if (kind === 2 && k === size - 1) x[i] = NaN;
          else if (kind === 3) x[i] = rng.pick([3, 3, 1, -0, 0]);
          else if (kind === 4 && rng.chance(0.3)) x[i] = -Infinity;
        }
      }
    }
    return x;
  }

  for (const op of REDUCE_OPS) {
    it(`reduce ${op} float32 over long rows and middle axes`, () => {
      const seed = seedOf('large-reduce');
      const inputs = once('reduce inputs', () => {
        const rng = new Rng(seed);
        return REDUCE_LAYOUTS.map(([outer, size, inner]) => ({ outer, size, inner, x: reduceInput(rng, outer, size, inner) }));
      });
      const cases = once(`reduce ${op}`, () =>
        inputs.map(({ outer, size, inner, x }) => {
          const r = new Float32Array(outer * inner + 1).fill(7);
          REF.reduce(op, x, outer, size, inner, r);
          const bound = new Float64Array(r.length);
          if (op === 'sum' || op === 'mean') bound.set(sumBound(x, outer, size, inner, op === 'mean'));
          return { outer, size, inner, x, r, bound };
        }),
      );
      for (const { outer, size, inner, x, r, bound } of cases) {
        const ctx = `large reduce ${op} seed=${seed} ${describeCase({ outer, size, inner })}`;
        const o = new Float32Array(outer * inner + 1).fill(7);
        NAT.reduce(op, x, outer, size, inner, o);
        expectClose(o, r, op === 'max' || op === 'min' ? EXACT : { rtol: 1e-6, atol: bound }, ctx);
      }
    });
  }

  for (const op of ARG_REDUCE_OPS) {
    it(`argReduce ${op} float32 over long rows (ties, ±0, NaN) and middle axes`, () => {
      const seed = seedOf('large-reduce');
      const inputs = once('reduce inputs', (): { outer: number; size: number; inner: number; x: Float32Array }[] => {
        throw new Error('made by the reduce cases above');
      });
      const cases = once(`argReduce ${op}`, () =>
        inputs.map(({ outer, size, inner, x }) => {
          const [rv, ri] = [new Float32Array(outer * inner), new Int32Array(outer * inner)];
          REF.argReduce(op, x, outer, size, inner, rv, ri);
          return { outer, size, inner, x, rv, ri };
        }),
      );
      for (const { outer, size, inner, x, rv, ri } of cases) {
        const ctx = `large argReduce ${op} seed=${seed} ${describeCase({ outer, size, inner })}`;
        const [ov, oi] = [new Float32Array(outer * inner), new Int32Array(outer * inner)];
        NAT.argReduce(op, x, outer, size, inner, ov, oi);
        expectClose(ov, rv, EXACT, `${ctx} (values)`);
        expectClose(oi, ri, EXACT, `${ctx} (indices)`);
      }
    });
  }

  for (const op of SOFTMAX_OPS) {
    it(`${op} float32: rows of 10 to 5000, middle axes, NaN/±inf/all -inf rows, huge logits`, () => {
      const seed = seedOf('large-softmax', op);
      const cases = once(`softmax ${op}`, () => {
      const rng = new Rng(seed);
      const layouts: [number, number, number][] = [
        [10_000, 10, 1], [3000, 31, 1], [1000, 32, 1], [100, 1000, 1], [97, 1003, 1], [30, 5000, 1], [1, 200_003, 1],
        [3, 1000, 300], [2, 10, 1000], [5, 500, 17], [1, 4, 70_000], [40, 64, 3],
      ];
      return layouts.map(([outer, size, inner]) => {
        const scale = rng.pick([1, 10, 100]);
        const x = edgyFloats(rng, outer * size * inner, scale, 0, 0.0005);
        for (let o = 0; o < outer; o++) {
          const kind = rng.int(0, 7);
          const j = rng.int(0, inner - 1);
          for (let k = 0; k < size; k++) {
            const i = (o * size + k) * inner + j;
            if (kind === 0) x[i] = -Infinity;
            else if (kind === 1 && rng.chance(0.5)) x[i] = -Infinity;
            else if (kind === 2) x[i] = x[i]! * 1e3 - 3e4; // logits far apart: most e^(x - max) underflow
          }
        }
        const r = new Float32Array(outer * size * inner + 1).fill(7);
        REF.softmax(op, x, outer, size, inner, r);
        return { outer, size, inner, scale, x, r };
      });
      });
      for (const { outer, size, inner, scale, x, r } of cases) {
        const ctx = `large ${op} seed=${seed} ${describeCase({ outer, size, inner, scale })}`;
        const o = new Float32Array(outer * size * inner + 1).fill(7);
        NAT.softmax(op, x, outer, size, inner, o);
        expectClose(o, r, op === 'softmax' ? { rtol: 1e-5, atol: FLOOR } : { rtol: 1e-5, atol: 1e-6 }, ctx);
      }
    });
  }
});

// ---- pooling and normalisation (./poolnorm_parity.ts) -------------------------------------------------------

poolNormParity({ REF, NAT, twin, tally, reps });
rnnParity({ REF, NAT, twin, tally, reps });

// ---- coverage --------------------------------------------------------------------------------------------

describe('coverage', () => {
  it('every kernel and every op code ran cases on both backends', () => {
    const missing: string[] = [];
    const want = (key: string): void => {
      if (!cases.get(key)) missing.push(key);
    };
    for (const k of ['copy', 'where', 'gemm', 'gather', 'scatterAdd'] as const) want(k);
    for (const op of UNARY_OPS) want(`unary:${op}`);
    for (const op of BINARY_OPS) want(`binary:${op}`);
    for (const op of REDUCE_OPS) want(`reduce:${op}`);
    for (const op of ARG_REDUCE_OPS) want(`argReduce:${op}`);
    for (const op of SOFTMAX_OPS) want(`softmax:${op}`);
    for (const op of OPTIM_OPS) want(`optimStep:${op}`);
    want('gather:IndexError');
    want('scatterAdd:IndexError');
    for (const k of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) want(k);
    for (const k of POOLNORM_COVERAGE) want(k);
    for (const k of RNN_COVERAGE) want(k);
    expect(missing).toEqual([]);
    const total = [...cases.values()].reduce((a, b) => a + b, 0);
    console.log(`parity: ${total} cases over ${cases.size} kernel/op pairs`);
  });
});
}
