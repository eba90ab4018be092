// The op database (PyTorch's OpInfo): one entry per public differentiable op, with sample inputs that
// generic suites loop over (tests/autograd/gradcheck.test.ts runs gradcheck and gradgradcheck on each).
// Samples are float64 (the reference backend), small, and cover broadcasting, 0-d tensors and
// non-contiguous leaves (transposed and strided views). Values stay away from kinks: |x| away from 0
// for relu/abs, ties apart for max/maximum, clamp/smoothL1/huber/softplus away from their bounds.
//
// How to add an op: append `op({ name, fn, samples })` below. `fn(inputs, args)` calls the op;
// `samples(m)` returns `{ desc, inputs, args }` built with the Maker `m` (seeded per entry), where
// differentiable inputs have requiresGrad. Set `gradgrad: false` only for ops whose gradient is not
// differentiable in float64 (none today), and `tol` only with a comment saying why.

import {
  Generator, Tensor, noGrad, tensor, F, autograd, nn, manualSeed,
  neg, abs, sign, exp, log, log1p, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, erf, leakyRelu, elu, softplus, gelu,
  clamp, add, sub, mul, div, pow, maximum, minimum, square, reciprocal, where,
  sum, mean, amax, amin, max, min, var as variance, std, logsumexp, softmax, logSoftmax,
  matmul, mm, bmm, linear,
  reshape, flatten, permute, transpose, t, squeeze, unsqueeze, expand, narrow, select, index, cat, stack, split, chunk,
  contiguous, clone, cast, gather, scatterAdd, indexSelect,
  type IndexItem,
} from '../../src/index.js';
import { reluBackward } from '../../src/ops/elementwise.js';

export type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

export interface Sample {
  /** Short description shown in test names. */
  desc: string;
  inputs: Tensor[];
  /** The op applied to `inputs` with this sample's arguments bound. */
  fn: Fn;
}

export interface Tolerance {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface OpInfo {
  name: string;
  samples(gen: Generator): Sample[];
  /** Run gradgradcheck too (default true). */
  gradgrad: boolean;
  tol?: Tolerance;
}

type Layout = 'contiguous' | 'transposed' | 'strided';
interface MakeOptions {
  /** requiresGrad (default true). */
  grad?: boolean;
  /** Memory layout of the resulting leaf (same logical values). */
  layout?: Layout;
}

/** Seeded float64 input builders. Every tensor returned is a leaf. */
export class Maker {
  constructor(readonly gen: Generator) {}

  uniform01(): number {
    return this.gen.nextFloat53();
  }
  /** From explicit row-major values. */
  values(shape: readonly number[], vals: readonly number[], o: MakeOptions = {}): Tensor<'float64'> {
    const c = tensor(Float64Array.from(vals), { dtype: 'float64', shape: shape as number[] });
    return this.finish(c, o);
  }
  private fill(shape: readonly number[], f: () => number, o: MakeOptions): Tensor<'float64'> {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.values(shape, Array.from({ length: n }, f), o);
  }
  randn(shape: readonly number[], o: MakeOptions = {}): Tensor<'float64'> {
    return this.fill(shape, () => this.gen.nextNormal(), o);
  }
  uniform(shape: readonly number[], lo: number, hi: number, o: MakeOptions = {}): Tensor<'float64'> {
    return this.fill(shape, () => lo + (hi - lo) * this.uniform01(), o);
  }
  /** |x| in [lo, hi] with a random sign: keeps kinks at 0 out of finite-difference reach. */
  away(shape: readonly number[], lo = 0.2, hi = 2, o: MakeOptions = {}): Tensor<'float64'> {
    return this.fill(shape, () => (this.uniform01() < 0.5 ? -1 : 1) * (lo + (hi - lo) * this.uniform01()), o);
  }
  /** Uniform in [lo, hi] but at least `margin` from every point in `avoid`. */
  avoiding(shape: readonly number[], lo: number, hi: number, avoid: readonly number[], margin = 0.05, o: MakeOptions = {}): Tensor<'float64'> {
    return this.fill(shape, () => {
      for (;;) {
        const v = lo + (hi - lo) * this.uniform01();
        if (avoid.every((a) => Math.abs(v - a) >= margin)) return v;
      }
    }, o);
  }
  /** Pairwise distinct values (gaps >= 0.1) in random order: no ties for max/min/maximum. */
  distinctValues(n: number): number[] {
    const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.25 + 0.1 * this.uniform01());
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform01() * (i + 1));
      [vals[i], vals[j]] = [vals[j]!, vals[i]!];
    }
    return vals;
  }
  distinct(shape: readonly number[], o: MakeOptions = {}): Tensor<'float64'> {
    return this.values(shape, this.distinctValues(shape.reduce((a, b) => a * b, 1)), o);
  }
  /** Two tensors whose elements are all pairwise distinct (for maximum/minimum with broadcasting). */
  distinctPair(sa: readonly number[], sb: readonly number[], o: MakeOptions = {}): [Tensor<'float64'>, Tensor<'float64'>] {
    const na = sa.reduce((a, b) => a * b, 1);
    const nb = sb.reduce((a, b) => a * b, 1);
    const v = this.distinctValues(na + nb);
    return [this.values(sa, v.slice(0, na), o), this.values(sb, v.slice(na), o)];
  }
  /** Random int32 tensor in [lo, hi). */
  ints(shape: readonly number[], lo: number, hi: number): Tensor<'int32'> {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: n }, () => lo + Math.floor(this.uniform01() * (hi - lo)));
    return tensor(Int32Array.from(vals), { dtype: 'int32', shape: shape as number[] });
  }
  intValues(shape: readonly number[], vals: readonly number[]): Tensor<'int32'> {
    return tensor(Int32Array.from(vals), { dtype: 'int32', shape: shape as number[] });
  }
  bools(shape: readonly number[]): Tensor<'bool'> {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: n }, () => (this.uniform01() < 0.5 ? 1 : 0));
    return tensor(Int32Array.from(vals), { dtype: 'int32', shape: shape as number[] }).bool();
  }

  /** Re-lays `c` out in memory as asked and returns a leaf with the same logical values. */
  private finish(c: Tensor<'float64'>, o: MakeOptions): Tensor<'float64'> {
    const layout = o.layout ?? 'contiguous';
    let leaf: Tensor<'float64'> = c;
    if (layout === 'transposed') {
      if (c.ndim < 2) throw new Error('transposed layout needs >= 2 dims');
      // Storage holds the transpose; the leaf is a transposed view of it.
      const stored = noGrad(() => contiguous(transpose(c, -1, -2)));
      leaf = transpose(stored, -1, -2).detach();
    } else if (layout === 'strided') {
      if (c.ndim < 1) throw new Error('strided layout needs >= 1 dim');
      const wide = tensor(new Float64Array(c.numel() * 2), { dtype: 'float64', shape: [...c.shape.slice(0, -1), c.shape[c.ndim - 1]! * 2] });
      const view = index(wide, '...', '::2');
      noGrad(() => view.copy_(c));
      leaf = view.detach();
    }
    if (layout !== 'contiguous' && leaf.isContiguous()) throw new Error(`layout ${layout} produced a contiguous tensor for shape [${c.shape.join(',')}]`);
    if (o.grad ?? true) leaf.requiresGrad_(true);
    return leaf;
  }
}

interface RawSample<A> {
  desc?: string;
  inputs: Tensor[];
  args: A;
}

function describeSample(inputs: readonly Tensor[], args: unknown): string {
  const shapes = inputs.map((x) => `[${x.shape.join(',')}]${x.isContiguous() ? '' : '(nc)'}${x.requiresGrad ? '' : '(const)'}`).join(' ');
  const a = args === undefined ? '' : ` ${JSON.stringify(args)}`;
  return shapes + a;
}

function op<A = undefined>(spec: {
  name: string;
  fn: (x: Tensor[], args: A) => Tensor | readonly Tensor[];
  samples: (m: Maker) => RawSample<A>[];
  gradgrad?: boolean;
  tol?: Tolerance;
}): OpInfo {
  const info: OpInfo = {
    name: spec.name,
    gradgrad: spec.gradgrad ?? true,
    samples(gen) {
      return spec.samples(new Maker(gen)).map((s) => ({
        desc: s.desc ?? describeSample(s.inputs, s.args),
        inputs: s.inputs,
        fn: (...xs: Tensor[]) => spec.fn(xs, s.args),
      }));
    },
  };
  if (spec.tol) info.tol = spec.tol;
  return info;
}

/** Shorthand for samples without arguments. */
const plain = (...inputs: Tensor[]): RawSample<undefined> => ({ inputs, args: undefined });
const x0 = (xs: Tensor[]): Tensor => xs[0]!;
const x1 = (xs: Tensor[]): Tensor => xs[1]!;

// ---------------------------------------------------------------------------------------------------
// Elementwise unary.

type Sampler = (shape: readonly number[], o?: MakeOptions) => Tensor<'float64'>;
/** The standard unary shapes: 0-d, 1-D, 2-D, 3-D, a transposed and a strided leaf. */
function unaryShapes(make: Sampler): RawSample<undefined>[] {
  return [
    plain(make([])),
    plain(make([5])),
    plain(make([2, 3])),
    plain(make([2, 1, 3])),
    plain(make([3, 2], { layout: 'transposed' })),
    plain(make([2, 3], { layout: 'strided' })),
  ];
}
function unary(name: string, f: (x: Tensor) => Tensor, sampler: (m: Maker) => Sampler): OpInfo {
  return op({ name, fn: (xs) => f(x0(xs)), samples: (m) => unaryShapes(sampler(m)) });
}
const normal = (m: Maker): Sampler => (s, o) => m.randn(s, o);
const awayFromZero = (m: Maker): Sampler => (s, o) => m.away(s, 0.2, 2, o);
const positive = (m: Maker): Sampler => (s, o) => m.uniform(s, 0.3, 2.5, o);

const unaryOps: OpInfo[] = [
  unary('neg', neg, normal),
  unary('abs', abs, awayFromZero),
  unary('sign', sign, awayFromZero),
  unary('exp', exp, normal),
  unary('log', log, positive),
  unary('log1p', log1p, (m) => (s, o) => m.uniform(s, -0.6, 2, o)),
  unary('sqrt', sqrt, positive),
  unary('rsqrt', rsqrt, positive),
  unary('reciprocal', reciprocal, awayFromZero),
  unary('square', square, normal),
  unary('sin', sin, normal),
  unary('cos', cos, normal),
  unary('tanh', tanh, normal),
  unary('sigmoid', sigmoid, normal),
  unary('erf', erf, normal),
  unary('relu', relu, awayFromZero),
  op<{ slope?: number }>({
    name: 'leakyRelu',
    fn: (xs, a) => (a.slope === undefined ? leakyRelu(x0(xs)) : leakyRelu(x0(xs), a.slope)),
    samples: (m) => [
      { inputs: [m.away([2, 3])], args: {} },
      { inputs: [m.away([3, 2], 0.2, 2, { layout: 'transposed' })], args: { slope: 0.2 } },
      { inputs: [m.away([5])], args: { slope: -0.5 } },
    ],
  }),
  op<{ alpha?: number }>({
    name: 'elu',
    fn: (xs, a) => (a.alpha === undefined ? elu(x0(xs)) : elu(x0(xs), a.alpha)),
    samples: (m) => [
      { inputs: [m.away([2, 3])], args: {} },
      { inputs: [m.away([2, 3], 0.2, 2, { layout: 'strided' })], args: { alpha: 0.5 } },
      { inputs: [m.away([])], args: { alpha: 2 } },
    ],
  }),
  op<{ beta?: number; threshold?: number }>({
    name: 'softplus',
    fn: (xs, a) => softplus(x0(xs), a.beta ?? 1, a.threshold ?? 20),
    samples: (m) => [
      { inputs: [m.uniform([2, 3], -4, 4)], args: {} },
      { inputs: [m.uniform([3, 2], -3, 3, { layout: 'transposed' })], args: { beta: 2 } },
      { inputs: [m.uniform([5], -3, 3)], args: { beta: 0.5 } },
      // Crosses the linear threshold (beta·x > threshold), kept away from it.
      { inputs: [m.avoiding([6], -3, 3, [1], 0.1)], args: { threshold: 1 } },
      { inputs: [m.avoiding([2, 3], -3, 3, [0.75], 0.1)], args: { beta: 2, threshold: 1.5 } },
    ],
  }),
  op<{ approximate?: 'none' | 'tanh' }>({
    name: 'gelu',
    fn: (xs, a) => gelu(x0(xs), a.approximate ?? 'none'),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: {} },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: { approximate: 'none' } },
      { inputs: [m.randn([2, 3])], args: { approximate: 'tanh' } },
      { inputs: [m.randn([4], { layout: 'strided' })], args: { approximate: 'tanh' } },
    ],
  }),
  op<{ min: number | null; max: number | null }>({
    name: 'clamp',
    fn: (xs, a) => clamp(x0(xs), a.min, a.max),
    samples: (m) => [
      { inputs: [m.avoiding([2, 3], -2, 2, [-0.5, 0.5])], args: { min: -0.5, max: 0.5 } },
      { inputs: [m.avoiding([3, 2], -2, 2, [-0.3], 0.05, { layout: 'transposed' })], args: { min: -0.3, max: null } },
      { inputs: [m.avoiding([5], -2, 2, [0.4])], args: { min: null, max: 0.4 } },
      { inputs: [m.avoiding([], -2, 2, [0, 1])], args: { min: 0, max: 1 } },
    ],
  }),
  op<{ p: number }>({
    name: 'pow.scalar',
    fn: (xs, a) => pow(x0(xs), a.p),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: { p: 2 } },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: { p: 3 } },
      { inputs: [m.uniform([5], 0.3, 2)], args: { p: 0.5 } },
      { inputs: [m.uniform([2, 3], 0.3, 2, { layout: 'strided' })], args: { p: -1.5 } },
      { inputs: [m.uniform([4], 0.3, 2)], args: { p: 2.5 } },
      { inputs: [m.away([4])], args: { p: -2 } },
      { inputs: [m.randn([4])], args: { p: 1 } },
      { inputs: [m.randn([4])], args: { p: 0 } },
      { inputs: [m.randn([])], args: { p: 4 } },
    ],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Elementwise binary (broadcasting) and where.

/** Standard binary shape pairs: equal, row broadcast, outer broadcast, 0-d, non-contiguous, one constant. */
function binaryShapes(ma: Sampler, mb: Sampler): RawSample<undefined>[] {
  return [
    plain(ma([2, 3]), mb([2, 3])),
    plain(ma([2, 3]), mb([3])),
    plain(ma([4, 1]), mb([1, 3])),
    plain(ma([]), mb([2, 2])),
    plain(ma([2, 1, 3]), mb([2, 3])),
    plain(ma([3, 2], { layout: 'transposed' }), mb([3, 2], { layout: 'strided' })),
    plain(ma([2, 3]), mb([2, 3], { grad: false })),
    plain(ma([3], { grad: false }), mb([2, 3])),
  ];
}
function binary(name: string, f: (a: Tensor, b: Tensor) => Tensor, sa: (m: Maker) => Sampler, sb: (m: Maker) => Sampler, extra?: (m: Maker) => RawSample<undefined>[]): OpInfo {
  return op({ name, fn: (xs) => f(x0(xs), x1(xs)), samples: (m) => [...binaryShapes(sa(m), sb(m)), ...(extra ? extra(m) : [])] });
}
function extremumPairs(m: Maker): RawSample<undefined>[] {
  const pairs: [number[], number[], MakeOptions?][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[4, 1], [1, 3]], [[], [2, 2]], [[3, 2], [3, 2], { layout: 'transposed' }]];
  return pairs.map(([sa, sb, o]) => plain(...m.distinctPair(sa, sb, o)));
}

const binaryOps: OpInfo[] = [
  binary('add', add, normal, normal),
  op<{ alpha?: number; scalar?: number }>({
    name: 'add.variants',
    fn: (xs, a) => (a.scalar !== undefined ? add(x0(xs), a.scalar) : add(x0(xs), x1(xs), { alpha: a.alpha ?? 1 })),
    samples: (m) => [
      { inputs: [m.randn([2, 3]), m.randn([3])], args: { alpha: -2.5 } },
      { inputs: [m.randn([2, 3])], args: { scalar: 1.5 } },
    ],
  }),
  binary('sub', sub, normal, normal),
  op<{ alpha: number }>({
    name: 'sub.alpha',
    fn: (xs, a) => sub(x0(xs), x1(xs), { alpha: a.alpha }),
    samples: (m) => [{ inputs: [m.randn([2, 3]), m.randn([2, 1])], args: { alpha: 0.5 } }],
  }),
  binary('mul', mul, normal, normal, (m) => {
    const x = m.randn([3, 3]);
    return [{ desc: 'x*x (same tensor twice)', inputs: [x, x], args: undefined }];
  }),
  binary('div', div, normal, (m) => (s, o) => m.away(s, 0.5, 2, o), (m) => [
    { desc: '0-d const / tensor', inputs: [tensor(1.5, { dtype: 'float64' }), m.away([2, 3], 0.5, 2)], args: undefined },
  ]),
  binary('pow.tensor', pow, positive, normal, (m) => {
    const x = m.uniform([2, 3], 0.3, 2);
    return [{ desc: 'x^x', inputs: [x, x], args: undefined }];
  }),
  op<{ base: number }>({
    name: 'pow.scalarBase',
    fn: (xs, a) => pow(a.base, x0(xs)),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: { base: 2.5 } },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: { base: 0.5 } },
    ],
  }),
  op({ name: 'maximum', fn: (xs) => maximum(x0(xs), x1(xs)), samples: extremumPairs }),
  op({ name: 'minimum', fn: (xs) => minimum(x0(xs), x1(xs)), samples: extremumPairs }),
  op<{ cond: Tensor<'bool'>; scalar?: number }>({
    name: 'where',
    fn: (xs, a) => (a.scalar !== undefined ? where(a.cond, x0(xs), a.scalar) : where(a.cond, x0(xs), x1(xs))),
    samples: (m) => [
      { desc: 'cond [2,3], a [2,3], b [2,3]', inputs: [m.randn([2, 3]), m.randn([2, 3])], args: { cond: m.bools([2, 3]) } },
      { desc: 'cond [2,3], a [3], b [2,1]', inputs: [m.randn([3]), m.randn([2, 1])], args: { cond: m.bools([2, 3]) } },
      { desc: 'cond [3,1] broadcast, a [3,2] nc', inputs: [m.randn([3, 2], { layout: 'transposed' }), m.randn([2])], args: { cond: m.bools([3, 1]) } },
      { desc: 'b scalar', inputs: [m.randn([2, 3])], args: { cond: m.bools([2, 3]), scalar: 0.5 } },
    ],
  }),
  op<{ result: Tensor }>({
    // relu's rule; result holds zeros, negatives and positives (the gradient passes only where result > 0).
    name: 'reluBackward',
    fn: (xs, a) => reluBackward(x0(xs), a.result),
    samples: (m) => [
      { desc: 'grad [2,3], result [2,3]', inputs: [m.randn([2, 3])], args: { result: m.values([2, 3], [0, -1, 2, 0.5, -0.1, 3], { grad: false }) } },
      { desc: 'grad [3] broadcast, result [2,3] nc', inputs: [m.randn([3])], args: { result: m.values([2, 3], [1, 0, -2, 0.3, 2, -1], { grad: false, layout: 'transposed' }) } },
    ],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Reductions.

type DimArg = number | number[] | undefined;
interface RedArgs {
  dim?: DimArg;
  keepdim?: boolean;
}
function reductionSamples(make: Sampler): RawSample<RedArgs>[] {
  return [
    { inputs: [make([2, 3, 2])], args: {} },
    { inputs: [make([2, 3, 2])], args: { dim: 1 } },
    { inputs: [make([2, 3, 2])], args: { dim: [0, 2], keepdim: true } },
    { inputs: [make([2, 3, 2])], args: { dim: [0, 1] } },
    { inputs: [make([3, 4], { layout: 'transposed' })], args: { dim: -1, keepdim: true } },
    { inputs: [make([2, 3], { layout: 'strided' })], args: { dim: 0 } },
    { inputs: [make([5])], args: { dim: 0 } },
    { inputs: [make([])], args: {} },
  ];
}
function reduction(name: string, f: (x: Tensor, dim: DimArg, keepdim: boolean) => Tensor, sampler: (m: Maker) => Sampler): OpInfo {
  return op<RedArgs>({ name, fn: (xs, a) => f(x0(xs), a.dim, a.keepdim ?? false), samples: (m) => reductionSamples(sampler(m)) });
}
const distinctSampler = (m: Maker): Sampler => (s, o) => m.distinct(s, o);

interface DimArgs {
  dim: number;
  keepdim?: boolean;
}
function dimSamples(m: Maker, distinct: boolean): RawSample<DimArgs>[] {
  const make: Sampler = distinct ? (s, o) => m.distinct(s, o) : (s, o) => m.randn(s, o);
  return [
    { inputs: [make([2, 3, 2])], args: { dim: 1 } },
    { inputs: [make([2, 3, 2])], args: { dim: 0, keepdim: true } },
    { inputs: [make([3, 4], { layout: 'transposed' })], args: { dim: -1 } },
    { inputs: [make([2, 3], { layout: 'strided' })], args: { dim: 1, keepdim: true } },
    { inputs: [make([5])], args: { dim: 0 } },
  ];
}

interface VarArgs extends RedArgs {
  correction?: number;
}
function varSamples(m: Maker): RawSample<VarArgs>[] {
  return [
    { inputs: [m.randn([2, 3, 2])], args: {} },
    { inputs: [m.randn([2, 3, 2])], args: { dim: 1, correction: 0 } },
    { inputs: [m.randn([2, 3, 2])], args: { dim: [0, 2], keepdim: true, correction: 1 } },
    { inputs: [m.randn([3, 4], { layout: 'transposed' })], args: { dim: -1, keepdim: true } },
    { inputs: [m.randn([2, 4], { layout: 'strided' })], args: { dim: 0, correction: 0 } },
    { inputs: [m.randn([6])], args: { correction: 2 } },
  ];
}
function varOptions(a: VarArgs): { keepdim?: boolean; correction?: number } {
  const o: { keepdim?: boolean; correction?: number } = {};
  if (a.keepdim !== undefined) o.keepdim = a.keepdim;
  if (a.correction !== undefined) o.correction = a.correction;
  return o;
}

const reductionOps: OpInfo[] = [
  reduction('sum', (x, d, k) => sum(x, d, { keepdim: k }), normal),
  reduction('mean', (x, d, k) => mean(x, d, { keepdim: k }), normal),
  reduction('amax', (x, d, k) => amax(x, d, { keepdim: k }), distinctSampler),
  reduction('amin', (x, d, k) => amin(x, d, { keepdim: k }), distinctSampler),
  op<DimArgs | undefined>({
    name: 'max',
    fn: (xs, a) => (a === undefined ? max(x0(xs)) : max(x0(xs), a.dim, a.keepdim ?? false).values),
    samples: (m) => [...dimSamples(m, true), { desc: 'max() of all', inputs: [m.distinct([2, 3])], args: undefined }],
  }),
  op<DimArgs | undefined>({
    name: 'min',
    fn: (xs, a) => (a === undefined ? min(x0(xs)) : min(x0(xs), a.dim, a.keepdim ?? false).values),
    samples: (m) => [...dimSamples(m, true), { desc: 'min() of all', inputs: [m.distinct([2, 3])], args: undefined }],
  }),
  op<VarArgs>({ name: 'var', fn: (xs, a) => variance(x0(xs), a.dim, varOptions(a)), samples: varSamples }),
  op<VarArgs>({ name: 'std', fn: (xs, a) => std(x0(xs), a.dim, varOptions(a)), samples: varSamples }),
  reduction('logsumexp', (x, d, k) => logsumexp(x, d, { keepdim: k }), (m) => (s, o) => m.uniform(s, -3, 3, o)),
  op<DimArgs>({ name: 'softmax', fn: (xs, a) => softmax(x0(xs), a.dim), samples: (m) => dimSamples(m, false) }),
  op<DimArgs>({ name: 'logSoftmax', fn: (xs, a) => logSoftmax(x0(xs), a.dim), samples: (m) => dimSamples(m, false) }),
];

// ---------------------------------------------------------------------------------------------------
// Linear algebra.

const linalgOps: OpInfo[] = [
  op({
    name: 'matmul',
    fn: (xs) => matmul(x0(xs), x1(xs)),
    samples: (m) => [
      { desc: '1-D · 1-D', ...plain(m.randn([4]), m.randn([4])) },
      { desc: '1-D · 2-D', ...plain(m.randn([3]), m.randn([3, 2])) },
      { desc: '2-D · 1-D', ...plain(m.randn([2, 3]), m.randn([3])) },
      { desc: '2-D · 2-D', ...plain(m.randn([2, 3]), m.randn([3, 4])) },
      { desc: 'batched', ...plain(m.randn([2, 2, 3]), m.randn([2, 3, 2])) },
      { desc: 'batch · 2-D', ...plain(m.randn([2, 2, 3]), m.randn([3, 2])) },
      { desc: '2-D · batch', ...plain(m.randn([2, 3]), m.randn([2, 3, 2])) },
      { desc: 'broadcast batch', ...plain(m.randn([2, 1, 2, 3]), m.randn([3, 3, 2])) },
      { desc: '1-D · batch', ...plain(m.randn([3]), m.randn([2, 3, 2])) },
      { desc: 'batch · 1-D', ...plain(m.randn([2, 2, 3]), m.randn([3])) },
      { desc: 'transposed inputs', ...plain(m.randn([2, 3], { layout: 'transposed' }), m.randn([3, 4], { layout: 'transposed' })) },
      { desc: 'strided inputs', ...plain(m.randn([2, 3], { layout: 'strided' }), m.randn([3, 2], { layout: 'strided' })) },
      { desc: 'transposed batched', ...plain(m.randn([2, 2, 3], { layout: 'transposed' }), m.randn([2, 3, 2])) },
      // Transposed 2-D operand against a batch: its gradient is made transposed, then summed over the batch.
      { desc: 'batch · transposed 2-D', ...plain(m.randn([3, 2, 3]), m.randn([3, 2], { layout: 'transposed' })) },
      { desc: 'transposed 2-D · batch', ...plain(m.randn([2, 3], { layout: 'transposed' }), m.randn([2, 3, 2])) },
      { desc: 'one constant', ...plain(m.randn([2, 3], { grad: false }), m.randn([3, 2])) },
    ],
  }),
  op({
    name: 'mm',
    fn: (xs) => mm(x0(xs), x1(xs)),
    samples: (m) => [plain(m.randn([2, 3]), m.randn([3, 4])), plain(m.randn([3, 2], { layout: 'transposed' }), m.randn([2, 1]))],
  }),
  op({
    name: 'bmm',
    fn: (xs) => bmm(x0(xs), x1(xs)),
    samples: (m) => [plain(m.randn([2, 2, 3]), m.randn([2, 3, 2])), plain(m.randn([3, 1, 2]), m.randn([3, 2, 2], { layout: 'transposed' }))],
  }),
  op<{ bias: boolean }>({
    name: 'linear',
    fn: (xs, a) => (a.bias ? linear(x0(xs), x1(xs), xs[2]!) : linear(x0(xs), x1(xs))),
    samples: (m) => [
      { inputs: [m.randn([4, 3]), m.randn([2, 3])], args: { bias: false } },
      { inputs: [m.randn([4, 3]), m.randn([2, 3]), m.randn([2])], args: { bias: true } },
      { inputs: [m.randn([2, 2, 3]), m.randn([2, 3], { layout: 'transposed' }), m.randn([2])], args: { bias: true } },
      { inputs: [m.randn([3]), m.randn([2, 3]), m.randn([2])], args: { bias: true } },
      { inputs: [m.randn([4, 3], { grad: false }), m.randn([2, 3]), m.randn([2])], args: { bias: true } },
    ],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Layout.

const layoutOps: OpInfo[] = [
  op<number[]>({
    name: 'reshape',
    fn: (xs, s) => reshape(x0(xs), s),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: [3, 2] },
      { inputs: [m.randn([2, 3, 2])], args: [-1, 4] },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: [6] },
      { inputs: [m.randn([2, 3], { layout: 'strided' })], args: [3, 1, 2] },
      { inputs: [m.randn([])], args: [1, 1] },
      { inputs: [m.randn([4])], args: [2, -1] },
    ],
  }),
  op<number[]>({
    name: 'permute',
    fn: (xs, d) => permute(x0(xs), d),
    samples: (m) => [
      { inputs: [m.randn([2, 3, 4])], args: [2, 0, 1] },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: [1, 0] },
      { inputs: [m.randn([2, 1, 3])], args: [-1, -3, -2] },
    ],
  }),
  op<[number, number]>({
    name: 'transpose',
    fn: (xs, [a, b]) => transpose(x0(xs), a, b),
    samples: (m) => [
      { inputs: [m.randn([2, 3, 4])], args: [0, 2] },
      { inputs: [m.randn([2, 3], { layout: 'strided' })], args: [-1, -2] },
    ],
  }),
  op({ name: 't', fn: (xs) => t(x0(xs)), samples: (m) => [plain(m.randn([2, 3])), plain(m.randn([3, 2], { layout: 'transposed' })), plain(m.randn([4]))] }),
  op<number | number[] | undefined>({
    name: 'squeeze',
    fn: (xs, d) => squeeze(x0(xs), d),
    samples: (m) => [
      { inputs: [m.randn([2, 1, 3, 1])], args: undefined },
      { inputs: [m.randn([2, 1, 3, 1])], args: 1 },
      { inputs: [m.randn([2, 1, 3, 1])], args: [-1, 0] },
      { inputs: [m.randn([1])], args: undefined },
    ],
  }),
  op<number>({
    name: 'unsqueeze',
    fn: (xs, d) => unsqueeze(x0(xs), d),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: 0 },
      { inputs: [m.randn([2, 3], { layout: 'strided' })], args: -1 },
      { inputs: [m.randn([])], args: 0 },
    ],
  }),
  op<number[]>({
    name: 'expand',
    fn: (xs, s) => expand(x0(xs), s),
    samples: (m) => [
      { inputs: [m.randn([3, 1])], args: [3, 4] },
      { inputs: [m.randn([1, 3])], args: [2, 2, 3] },
      { inputs: [m.randn([])], args: [2, 3] },
      { inputs: [m.randn([2, 1], { layout: 'strided' })], args: [-1, 3] },
    ],
  }),
  op<[number, number] | undefined>({
    name: 'flatten',
    fn: (xs, a) => (a === undefined ? flatten(x0(xs)) : flatten(x0(xs), a[0], a[1])),
    samples: (m) => [
      { inputs: [m.randn([2, 3, 2])], args: undefined },
      { inputs: [m.randn([2, 3, 2])], args: [1, 2] },
      { inputs: [m.randn([2, 2, 3], { layout: 'transposed' })], args: [0, 1] },
      { inputs: [m.randn([])], args: undefined },
    ],
  }),
  op<[number, number, number]>({
    name: 'narrow',
    fn: (xs, [d, s, l]) => narrow(x0(xs), d, s, l),
    samples: (m) => [
      { inputs: [m.randn([4, 3])], args: [0, 1, 2] },
      { inputs: [m.randn([4, 3])], args: [1, -2, 2] },
      { inputs: [m.randn([3, 4], { layout: 'transposed' })], args: [-1, 0, 1] },
    ],
  }),
  op<[number, number]>({
    name: 'select',
    fn: (xs, [d, i]) => select(x0(xs), d, i),
    samples: (m) => [
      { inputs: [m.randn([3, 4])], args: [0, 1] },
      { inputs: [m.randn([2, 3, 2])], args: [1, -1] },
      { inputs: [m.randn([2, 3], { layout: 'strided' })], args: [-1, 2] },
      { inputs: [m.randn([4])], args: [0, 3] },
    ],
  }),
  op<IndexItem[]>({
    name: 'index',
    fn: (xs, items) => index(x0(xs), ...items),
    samples: (m) => [
      { inputs: [m.randn([4, 5])], args: ['1:', '::2'] },
      { inputs: [m.randn([4, 5])], args: [-1] },
      { inputs: [m.randn([3, 4, 2])], args: ['...', null, 0] },
      { inputs: [m.randn([6, 3])], args: ['1:6:2', { start: -2, stop: null, step: 1 }] },
      { inputs: [m.randn([5, 4], { layout: 'transposed' })], args: ['::3', '1:4:2'] },
      { inputs: [m.randn([3, 4], { layout: 'strided' })], args: [1, '0:3'] },
    ],
  }),
  op<number>({
    name: 'cat',
    fn: (xs, d) => cat(xs, d),
    samples: (m) => [
      { inputs: [m.randn([2, 3]), m.randn([1, 3]), m.randn([3, 3])], args: 0 },
      { inputs: [m.randn([2, 3]), m.randn([2, 2], { layout: 'transposed' })], args: -1 },
      { inputs: [m.randn([2, 1, 2]), m.randn([2, 2, 2], { grad: false }), m.randn([2, 1, 2])], args: 1 },
      { inputs: [m.randn([3])], args: 0 },
    ],
  }),
  op<number>({
    name: 'stack',
    fn: (xs, d) => stack(xs, d),
    samples: (m) => [
      { inputs: [m.randn([2, 3]), m.randn([2, 3])], args: 0 },
      { inputs: [m.randn([2, 3]), m.randn([2, 3], { layout: 'transposed' }), m.randn([2, 3], { grad: false })], args: -1 },
      { inputs: [m.randn([]), m.randn([])], args: 0 },
    ],
  }),
  op<[number | number[], number]>({
    name: 'split',
    fn: (xs, [s, d]) => split(x0(xs), s, d),
    samples: (m) => [
      { inputs: [m.randn([5, 2])], args: [2, 0] },
      { inputs: [m.randn([2, 5])], args: [[1, 3, 1], 1] },
      { inputs: [m.randn([5, 3], { layout: 'transposed' })], args: [[2, 3], -2] },
    ],
  }),
  op<[number, number]>({
    name: 'chunk',
    fn: (xs, [c, d]) => chunk(x0(xs), c, d),
    samples: (m) => [
      { inputs: [m.randn([5, 2])], args: [3, 0] },
      { inputs: [m.randn([2, 6])], args: [2, 1] },
      { inputs: [m.randn([4, 3], { layout: 'strided' })], args: [4, -1] },
    ],
  }),
  op({
    name: 'contiguous',
    fn: (xs) => contiguous(x0(xs)),
    samples: (m) => [plain(m.randn([3, 2], { layout: 'transposed' })), plain(m.randn([2, 3], { layout: 'strided' })), plain(m.randn([2, 3]))],
  }),
  op({
    name: 'clone',
    fn: (xs) => clone(x0(xs)),
    samples: (m) => [plain(m.randn([2, 3])), plain(m.randn([3, 2], { layout: 'transposed' })), plain(m.randn([]))],
  }),
  op<'float32' | 'float64'>({
    name: 'cast',
    // A float64 → float32 → float64 chain (scaled so it is not the identity function).
    fn: (xs, via) => mul(cast(mul(cast(x0(xs), via), 2), 'float64'), x0(xs)),
    samples: (m) => [
      { inputs: [m.randn([2, 3])], args: 'float32' },
      { inputs: [m.randn([3, 2], { layout: 'transposed' })], args: 'float32' },
      { inputs: [m.randn([4])], args: 'float64' },
    ],
    // NOTE: the float32 round trip makes finite differences noisy at 1e-6 steps; use 1e-3 steps
    // (the function is quadratic, so central differences stay exact up to float32 rounding).
    tol: { eps: 1e-3, atol: 1e-3, rtol: 1e-3 },
  }),
];

// ---------------------------------------------------------------------------------------------------
// Indexing.

const indexingOps: OpInfo[] = [
  op<{ dim: number; index: Tensor<'int32'> }>({
    name: 'gather',
    fn: (xs, a) => gather(x0(xs), a.dim, a.index),
    samples: (m) => [
      { desc: 'dim 1, [3,4] ← [3,2]', inputs: [m.randn([3, 4])], args: { dim: 1, index: m.ints([3, 2], 0, 4) } },
      { desc: 'dim 0, repeated', inputs: [m.randn([3, 2])], args: { dim: 0, index: m.intValues([4, 2], [0, 1, 0, 0, 2, 1, 0, 2]) } },
      { desc: 'dim -1, index smaller, nc', inputs: [m.randn([4, 3], { layout: 'transposed' })], args: { dim: -1, index: m.ints([2, 3], 0, 3) } },
      { desc: '3-D dim 1', inputs: [m.randn([2, 3, 2])], args: { dim: 1, index: m.ints([2, 2, 2], 0, 3) } },
    ],
  }),
  op<{ dim: number; index: Tensor<'int32'> }>({
    name: 'scatterAdd',
    fn: (xs, a) => scatterAdd(x0(xs), a.dim, a.index, x1(xs) as Tensor<'float64'>),
    samples: (m) => [
      { desc: 'dim 0, duplicates', inputs: [m.randn([3, 2]), m.randn([4, 2])], args: { dim: 0, index: m.intValues([4, 2], [0, 1, 0, 0, 2, 1, 0, 2]) } },
      { desc: 'dim 1', inputs: [m.randn([2, 4]), m.randn([2, 3])], args: { dim: 1, index: m.ints([2, 3], 0, 4) } },
      { desc: 'dim -1, const base, nc src', inputs: [m.randn([3, 3], { grad: false }), m.randn([3, 3], { layout: 'transposed' })], args: { dim: -1, index: m.ints([3, 3], 0, 3) } },
      { desc: 'src larger than index', inputs: [m.randn([3, 3]), m.randn([3, 4])], args: { dim: 1, index: m.ints([2, 2], 0, 3) } },
    ],
  }),
  op<{ dim: number; index: Tensor<'int32'> }>({
    name: 'indexSelect',
    fn: (xs, a) => indexSelect(x0(xs), a.dim, a.index),
    samples: (m) => [
      { desc: 'dim 0', inputs: [m.randn([4, 3])], args: { dim: 0, index: m.intValues([3], [3, 0, 3]) } },
      { desc: 'dim 1', inputs: [m.randn([2, 4])], args: { dim: 1, index: m.intValues([2], [1, 2]) } },
      { desc: 'dim -1 nc', inputs: [m.randn([2, 3], { layout: 'transposed' })], args: { dim: -1, index: m.intValues([4], [2, 2, 0, 1]) } },
    ],
  }),
  op<{ index: Tensor<'int32'>; options: F.EmbeddingOptions }>({
    name: 'embedding',
    fn: (xs, a) => F.embedding(a.index, x0(xs), a.options),
    samples: (m) => [
      { desc: '[2,3] indices, repeats', inputs: [m.randn([4, 3])], args: { index: m.intValues([2, 3], [3, 0, 3, 1, 1, 2]), options: {} } },
      { desc: '1-D indices, nc weight', inputs: [m.randn([3, 4], { layout: 'transposed' })], args: { index: m.intValues([4], [2, 0, 2, 1]), options: {} } },
      // NOTE: paddingIdx and scaleGradByFreq change the gradient on purpose (it is no longer the derivative),
      // so they are checked against PyTorch's values in tests/nn/embedding.test.ts instead.
    ],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Losses. Each samples every reduction.

const REDUCTIONS = ['mean', 'sum', 'none'] as const;
type Red = (typeof REDUCTIONS)[number];

/** One sample per reduction, built by `mk` (called once per reduction so inputs are fresh). */
function perReduction<A extends { reduction: Red }>(mk: (r: Red) => RawSample<A>): RawSample<A>[] {
  return REDUCTIONS.map(mk);
}

const lossOps: OpInfo[] = [
  op<{ reduction: Red }>({
    name: 'mseLoss',
    fn: (xs, a) => F.mseLoss(x0(xs), x1(xs), a),
    samples: (m) => [
      ...perReduction((r) => ({ inputs: [m.randn([3, 4]), m.randn([3, 4])], args: { reduction: r } })),
      { inputs: [m.randn([2, 3], { layout: 'transposed' }), m.randn([2, 3], { grad: false })], args: { reduction: 'mean' } },
    ],
  }),
  op<{ reduction: Red }>({
    name: 'l1Loss',
    fn: (xs, a) => F.l1Loss(add(x0(xs), x1(xs)), x1(xs), a),
    // The input is target + d with |d| >= 0.2, so |input − target| stays away from the kink at 0.
    samples: (m) => perReduction((r) => ({ desc: `input = target + d; ${r}`, inputs: [m.away([3, 4]), m.randn([3, 4])], args: { reduction: r } })),
  }),
  op<{ reduction: Red; beta?: number }>({
    name: 'smoothL1Loss',
    fn: (xs, a) => F.smoothL1Loss(add(x0(xs), x1(xs)), x1(xs), a.beta === undefined ? { reduction: a.reduction } : { reduction: a.reduction, beta: a.beta }),
    samples: (m) => [
      ...perReduction((r) => ({ desc: `beta 1; ${r}`, inputs: [m.avoiding([3, 4], -3, 3, [-1, 0, 1], 0.1), m.randn([3, 4])], args: { reduction: r } })),
      ...perReduction((r) => ({ desc: `beta 0.5; ${r}`, inputs: [m.avoiding([3, 4], -2, 2, [-0.5, 0, 0.5], 0.1), m.randn([3, 4])], args: { reduction: r, beta: 0.5 } })),
      ...perReduction((r) => ({ desc: `beta 0; ${r}`, inputs: [m.away([3, 4]), m.randn([3, 4])], args: { reduction: r, beta: 0 } })),
    ],
  }),
  op<{ reduction: Red; delta?: number }>({
    name: 'huberLoss',
    fn: (xs, a) => F.huberLoss(add(x0(xs), x1(xs)), x1(xs), a.delta === undefined ? { reduction: a.reduction } : { reduction: a.reduction, delta: a.delta }),
    samples: (m) => [
      ...perReduction((r) => ({ desc: `delta 1; ${r}`, inputs: [m.avoiding([3, 4], -3, 3, [-1, 1], 0.1), m.randn([3, 4])], args: { reduction: r } })),
      ...perReduction((r) => ({ desc: `delta 0.7; ${r}`, inputs: [m.avoiding([3, 4], -2, 2, [-0.7, 0.7], 0.1), m.randn([3, 4])], args: { reduction: r, delta: 0.7 } })),
    ],
  }),
  op<{ reduction: Red; weight?: Tensor }>({
    name: 'binaryCrossEntropy',
    fn: (xs, a) => F.binaryCrossEntropy(x0(xs), x1(xs), a.weight ? { reduction: a.reduction, weight: a.weight } : { reduction: a.reduction }),
    samples: (m) => [
      ...perReduction((r) => ({ inputs: [m.uniform([3, 4], 0.1, 0.9), m.uniform([3, 4], 0, 1)], args: { reduction: r } })),
      ...perReduction((r) => ({ inputs: [m.uniform([3, 4], 0.1, 0.9), m.uniform([3, 4], 0, 1, { grad: false })], args: { reduction: r, weight: m.uniform([4], 0.5, 2, { grad: false }) } })),
      { inputs: [m.uniform([4, 3], 0.1, 0.9, { layout: 'transposed' }), m.uniform([4, 3], 0, 1, { grad: false })], args: { reduction: 'mean' } },
    ],
  }),
  op<{ reduction: Red; weight?: Tensor; posWeight?: Tensor }>({
    name: 'binaryCrossEntropyWithLogits',
    fn: (xs, a) => {
      const o: { reduction: Red; weight?: Tensor; posWeight?: Tensor } = { reduction: a.reduction };
      if (a.weight) o.weight = a.weight;
      if (a.posWeight) o.posWeight = a.posWeight;
      return F.binaryCrossEntropyWithLogits(x0(xs), x1(xs), o);
    },
    samples: (m) => [
      ...perReduction((r) => ({ inputs: [m.uniform([3, 4], -4, 4), m.uniform([3, 4], 0, 1)], args: { reduction: r } })),
      ...perReduction((r) => ({ inputs: [m.uniform([3, 4], -4, 4), m.uniform([3, 4], 0, 1, { grad: false })], args: { reduction: r, weight: m.uniform([3, 1], 0.5, 2, { grad: false }) } })),
      ...perReduction((r) => ({
        inputs: [m.uniform([3, 4], -4, 4), m.uniform([3, 4], 0, 1)],
        args: { reduction: r, weight: m.uniform([4], 0.5, 2, { grad: false }), posWeight: m.uniform([4], 0.5, 3, { grad: false }) },
      })),
      { inputs: [m.uniform([4, 3], -4, 4, { layout: 'transposed' }), m.uniform([4, 3], 0, 1, { grad: false })], args: { reduction: 'mean', posWeight: m.uniform([3], 0.5, 3, { grad: false }) } },
    ],
  }),
  op<{ target?: Tensor; reduction: Red; weight?: Tensor; ignoreIndex?: number; labelSmoothing?: number }>({
    name: 'crossEntropy',
    // Class-index targets travel in args; probability targets are input 1 (differentiable too).
    fn: (xs, a) => {
      const { target, ...rest } = a;
      return F.crossEntropy(x0(xs), target ?? x1(xs), rest);
    },
    samples: (m) => [
      ...perReduction((r) => ({ desc: `indices; ${r}`, inputs: [m.randn([4, 3])], args: { target: m.ints([4], 0, 3), reduction: r } })),
      ...perReduction((r) => ({
        desc: `indices, ignoreIndex, weight, labelSmoothing 0.2; ${r}`,
        inputs: [m.randn([5, 3])],
        args: { target: m.intValues([5], [0, 2, -1, 1, 2]), reduction: r, ignoreIndex: -1, weight: m.uniform([3], 0.5, 2, { grad: false }), labelSmoothing: 0.2 },
      })),
      ...perReduction((r) => ({ desc: `indices, weight; ${r}`, inputs: [m.randn([4, 3])], args: { target: m.ints([4], 0, 3), reduction: r, weight: m.uniform([3], 0.5, 2, { grad: false }) } })),
      ...perReduction((r) => ({ desc: `indices, ignoreIndex 1; ${r}`, inputs: [m.randn([4, 3])], args: { target: m.intValues([4], [1, 0, 2, 1]), reduction: r, ignoreIndex: 1 } })),
      ...perReduction((r) => ({ desc: `indices, labelSmoothing 0.1; ${r}`, inputs: [m.randn([4, 3])], args: { target: m.ints([4], 0, 3), reduction: r, labelSmoothing: 0.1 } })),
      { desc: 'indices [N,C,d]', inputs: [m.randn([2, 3, 2])], args: { target: m.ints([2, 2], 0, 3), reduction: 'mean' } },
      { desc: 'indices [C] with 0-d target', inputs: [m.randn([4])], args: { target: m.intValues([], [2]), reduction: 'mean' } },
      { desc: 'indices, nc logits', inputs: [m.randn([4, 3], { layout: 'transposed' })], args: { target: m.ints([4], 0, 3), reduction: 'sum' } },
      ...perReduction((r) => {
        const p = softmax(m.randn([4, 3], { grad: false }), 1).detach().requiresGrad_(true);
        return { desc: `probabilities (target grad too); ${r}`, inputs: [m.randn([4, 3]), p], args: { reduction: r } };
      }),
      ...perReduction((r) => ({
        desc: `probabilities, weight, labelSmoothing 0.3; ${r}`,
        inputs: [m.randn([3, 4]), softmax(m.randn([3, 4], { grad: false }), 1).detach()],
        args: { reduction: r, weight: m.uniform([4], 0.5, 2, { grad: false }), labelSmoothing: 0.3 },
      })),
    ],
  }),
  op<{ target: Tensor<'int32'>; reduction: Red; weight?: Tensor; ignoreIndex?: number }>({
    name: 'nllLoss',
    fn: (xs, a) => {
      const { target, ...rest } = a;
      return F.nllLoss(x0(xs), target, rest);
    },
    samples: (m) => [
      ...perReduction((r) => ({ inputs: [m.randn([4, 3])], args: { target: m.ints([4], 0, 3), reduction: r } })),
      ...perReduction((r) => ({
        desc: `weight, ignoreIndex; ${r}`,
        inputs: [m.randn([5, 3])],
        args: { target: m.intValues([5], [0, 2, 5, 1, 2]), reduction: r, ignoreIndex: 5, weight: m.uniform([3], 0.5, 2, { grad: false }) },
      })),
      { desc: '[N,C,d], nc', inputs: [m.randn([2, 3, 2], { layout: 'transposed' })], args: { target: m.ints([2, 2], 0, 3), reduction: 'mean' } },
      { desc: '[C] with 0-d target', inputs: [m.randn([4])], args: { target: m.intValues([], [1]), reduction: 'sum' } },
    ],
  }),
  op<{ reduction: Red | 'batchmean'; logTarget?: boolean }>({
    name: 'klDiv',
    fn: (xs, a) => F.klDiv(x0(xs), x1(xs), a),
    samples: (m) => [
      ...(['mean', 'sum', 'none', 'batchmean'] as const).map((r) => ({
        inputs: [logSoftmax(m.randn([3, 4], { grad: false }), 1).detach().requiresGrad_(true), softmax(m.randn([3, 4], { grad: false }), 1).detach().requiresGrad_(true)],
        args: { reduction: r },
      })),
      ...(['mean', 'sum', 'none', 'batchmean'] as const).map((r) => ({
        desc: `logTarget; ${r}`,
        inputs: [m.randn([3, 4]), m.uniform([3, 4], -3, 0)],
        args: { reduction: r, logTarget: true },
      })),
      { desc: 'target with zeros (const)', inputs: [m.randn([2, 3]), m.values([2, 3], [0, 0.5, 0.5, 0.2, 0, 0.8], { grad: false })], args: { reduction: 'batchmean' } },
    ],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Pooling and normalisation. Max-pool inputs hold distinct values (gaps >= 0.1), so no finite-difference
// step changes a window's maximum. The `.backward` entries differentiate the backward passes as functions
// (their primitives appear in a forward graph there): gradgradcheck then checks third derivatives.

/** The gradients of f at `at` (a detached copy that requires grad) for cotangent v, as a differentiable function of v. */
function gradOf(f: (x: Tensor) => Tensor, at: Tensor, v: Tensor): Tensor {
  const x = at.detach().requiresGrad_(true);
  return autograd.grad(f(x), x, { gradOutputs: v, createGraph: true })[0]!;
}
/** A float64 constant tensor (not a leaf that requires grad). */
const f64 = (t: Tensor): Tensor => t.detach();

type PoolArgs = { k: F.Size2; o?: F.MaxPool2dOptions & F.AvgPool2dOptions };
const poolNormOps: OpInfo[] = [
  op<PoolArgs>({
    name: 'maxPool2d',
    fn: (xs, a) => F.maxPool2d(x0(xs), a.k, { ...a.o, returnIndices: false }),
    samples: (m) => [
      { inputs: [m.distinct([2, 2, 4, 4])], args: { k: 2 } },
      { inputs: [m.distinct([1, 3, 5, 5])], args: { k: 3, o: { stride: 2, padding: 1 } } },
      { desc: 'unbatched, ceilMode, rectangular', inputs: [m.distinct([2, 5, 6])], args: { k: [2, 3], o: { stride: [1, 2], ceilMode: true } } },
      { desc: 'dilation 2, padding 1', inputs: [m.distinct([1, 2, 7, 7])], args: { k: 2, o: { dilation: 2, padding: 1 } } },
      { desc: 'overlapping windows, transposed leaf', inputs: [m.distinct([1, 2, 4, 5], { layout: 'transposed' })], args: { k: 2, o: { stride: 1 } } },
    ],
  }),
  op<{ k: number; o?: F.MaxPool1dOptions }>({
    name: 'maxPool1d',
    fn: (xs, a) => F.maxPool1d(x0(xs), a.k, { ...a.o, returnIndices: false }),
    samples: (m) => [
      { inputs: [m.distinct([2, 3, 7])], args: { k: 2 } },
      { inputs: [m.distinct([3, 8], { layout: 'strided' })], args: { k: 3, o: { stride: 2, padding: 1, ceilMode: true } } },
    ],
  }),
  op<PoolArgs>({
    name: 'avgPool2d',
    fn: (xs, a) => F.avgPool2d(x0(xs), a.k, a.o),
    samples: (m) => [
      { inputs: [m.randn([2, 2, 4, 4])], args: { k: 2 } },
      { inputs: [m.randn([1, 2, 5, 5])], args: { k: 3, o: { stride: 2, padding: 1 } } },
      { desc: 'countIncludePad false, ceilMode', inputs: [m.randn([1, 2, 5, 6])], args: { k: 3, o: { stride: 2, padding: 1, countIncludePad: false, ceilMode: true } } },
      { desc: 'divisorOverride, unbatched, transposed leaf', inputs: [m.randn([2, 4, 5], { layout: 'transposed' })], args: { k: [2, 3], o: { stride: 1, divisorOverride: 4 } } },
    ],
  }),
  op<{ k: number; o?: F.AvgPool1dOptions }>({
    name: 'avgPool1d',
    fn: (xs, a) => F.avgPool1d(x0(xs), a.k, a.o),
    samples: (m) => [
      { inputs: [m.randn([2, 3, 7])], args: { k: 3, o: { stride: 2, padding: 1, countIncludePad: false } } },
      { inputs: [m.randn([3, 6], { layout: 'strided' })], args: { k: 2 } },
    ],
  }),
  op<{ size: F.OutputSize2 }>({
    name: 'adaptiveAvgPool2d',
    fn: (xs, a) => F.adaptiveAvgPool2d(x0(xs), a.size),
    samples: (m) => [
      { inputs: [m.randn([2, 2, 5, 7])], args: { size: [3, 4] } },
      { inputs: [m.randn([2, 4, 4])], args: { size: 1 } },
      { inputs: [m.randn([1, 2, 3, 5], { layout: 'transposed' })], args: { size: [null, 2] } },
    ],
  }),
  op<{ size: number }>({
    name: 'adaptiveAvgPool1d',
    fn: (xs, a) => F.adaptiveAvgPool1d(x0(xs), a.size),
    samples: (m) => [{ inputs: [m.randn([2, 3, 7])], args: { size: 3 } }, { inputs: [m.randn([2, 5])], args: { size: 7 } }],
  }),
  op<{ size: F.OutputSize2 }>({
    name: 'adaptiveMaxPool2d',
    fn: (xs, a) => F.adaptiveMaxPool2d(x0(xs), a.size),
    samples: (m) => [
      { inputs: [m.distinct([2, 2, 5, 7])], args: { size: [3, 4] } },
      { inputs: [m.distinct([2, 3, 3], { layout: 'transposed' })], args: { size: 2 } },
    ],
  }),
  op<{ size: number }>({
    name: 'adaptiveMaxPool1d',
    fn: (xs, a) => F.adaptiveMaxPool1d(x0(xs), a.size),
    samples: (m) => [{ inputs: [m.distinct([2, 3, 7])], args: { size: 3 } }],
  }),
  op<{ k: number; o?: F.MaxPool2dOptions }>({
    name: 'maxPool2d.backward',
    fn: (xs, a) => gradOf((x) => F.maxPool2d(x, a.k, { ...a.o, returnIndices: false }), x0(xs), x1(xs)),
    samples: (m) => [
      { desc: 'd/dv of the scatter (x const)', inputs: [m.distinct([1, 2, 4, 4], { grad: false }), m.randn([1, 2, 2, 2])], args: { k: 2 } },
      { desc: 'overlapping windows', inputs: [m.distinct([1, 2, 5, 5], { grad: false }), m.randn([1, 2, 3, 3])], args: { k: 3, o: { stride: 2, padding: 1 } } },
    ],
  }),
  op<{ k: number; o?: F.AvgPool2dOptions }>({
    name: 'avgPool2d.backward',
    fn: (xs, a) => gradOf((x) => F.avgPool2d(x, a.k, a.o), x0(xs), x1(xs)),
    samples: (m) => [
      { desc: 'd/dv of the spread (x const)', inputs: [m.randn([1, 2, 5, 5], { grad: false }), m.randn([1, 2, 3, 3])], args: { k: 3, o: { stride: 2, padding: 1 } } },
    ],
  }),
  op<{ training: boolean; affine: boolean; stats?: [Tensor, Tensor] }>({
    name: 'batchNorm',
    fn: (xs, a) => F.batchNorm(x0(xs), a.stats?.[0] ?? null, a.stats?.[1] ?? null, {
      training: a.training, ...(a.affine ? { weight: xs[1]!, bias: xs[2]! } : {}),
    }),
    samples: (m) => [
      { desc: 'training (N, C), no affine', inputs: [m.randn([5, 3])], args: { training: true, affine: false } },
      { desc: 'training (N, C, L) with running stats', inputs: [m.randn([2, 3, 4]), m.randn([3]), m.randn([3])], args: { training: true, affine: true, stats: [f64(m.randn([3])), f64(m.uniform([3], 0.5, 2))] } },
      { desc: 'training (N, C, H, W), transposed', inputs: [m.randn([2, 2, 3, 3], { layout: 'transposed' }), m.randn([2]), m.randn([2])], args: { training: true, affine: true } },
      { desc: 'eval (N, C, H, W)', inputs: [m.randn([2, 3, 2, 2]), m.randn([3]), m.randn([3])], args: { training: false, affine: true, stats: [f64(m.randn([3])), f64(m.uniform([3], 0.5, 2))] } },
      { desc: 'eval (N, C), no affine', inputs: [m.randn([4, 3])], args: { training: false, affine: false, stats: [f64(m.randn([3])), f64(m.uniform([3], 0.5, 2))] } },
    ],
  }),
  op<{ training: boolean }>({
    name: 'batchNorm.backward',
    // The input and weight gradients as functions of (x, weight, v): normBackward and its derivative rule.
    fn: (xs, a) => {
      const [x, w, v] = [x0(xs), x1(xs), xs[2]!];
      const y = F.batchNorm(x, null, null, { training: a.training, weight: w });
      const g = autograd.grad(y, [x, w], { gradOutputs: v, createGraph: true });
      return [g[0]!, g[1]!];
    },
    samples: (m) => [
      { desc: 'training (N, C, L)', inputs: [m.randn([3, 2, 3]), m.randn([2]), m.randn([3, 2, 3])], args: { training: true } },
      { desc: 'training (N, C)', inputs: [m.randn([4, 3]), m.randn([3]), m.randn([4, 3])], args: { training: true } },
    ],
  }),
  op<{ shape: number[]; affine: boolean }>({
    name: 'layerNorm',
    fn: (xs, a) => F.layerNorm(x0(xs), a.shape, a.affine ? { weight: xs[1]!, bias: xs[2]! } : {}),
    samples: (m) => [
      { inputs: [m.randn([3, 4])], args: { shape: [4], affine: false } },
      { inputs: [m.randn([2, 3, 4]), m.randn([3, 4]), m.randn([3, 4])], args: { shape: [3, 4], affine: true } },
      { desc: 'transposed, weight only via affine', inputs: [m.randn([4, 3], { layout: 'transposed' }), m.randn([3]), m.randn([3])], args: { shape: [3], affine: true } },
      { desc: 'whole tensor', inputs: [m.randn([5])], args: { shape: [5], affine: false } },
    ],
  }),
  op<undefined>({
    name: 'layerNorm.backward',
    fn: (xs) => {
      const [x, w, v] = [x0(xs), x1(xs), xs[2]!];
      const g = autograd.grad(F.layerNorm(x, [4], { weight: w }), [x, w], { gradOutputs: v, createGraph: true });
      return [g[0]!, g[1]!];
    },
    samples: (m) => [{ inputs: [m.randn([3, 4]), m.randn([4]), m.randn([3, 4])], args: undefined }],
  }),
  op<{ groups: number; affine: boolean }>({
    name: 'groupNorm',
    fn: (xs, a) => F.groupNorm(x0(xs), a.groups, a.affine ? { weight: xs[1]!, bias: xs[2]! } : {}),
    samples: (m) => [
      { inputs: [m.randn([2, 4, 3]), m.randn([4]), m.randn([4])], args: { groups: 2, affine: true } },
      { inputs: [m.randn([1, 3, 2, 2])], args: { groups: 3, affine: false } },
    ],
  }),
  op<{ p: number }>({
    name: 'dropout2d',
    // Seeded inside, so every evaluation draws the same channel mask.
    fn: (xs, a) => {
      manualSeed(7);
      return F.dropout2d(x0(xs), a.p);
    },
    samples: (m) => [{ inputs: [m.randn([3, 4, 2, 2])], args: { p: 0.4 } }, { inputs: [m.randn([2, 3, 5], { layout: 'strided' })], args: { p: 0.5 } }],
  }),
];

/** Every entry. */
// ---------------------------------------------------------------------------------------------------
// Convolution. Tiny shapes (the reference kernels run every finite difference); every sample mixes the
// options so stride, padding (int, pair, 'same' with even kernels), dilation, groups and bias are all
// differentiated twice. nn.grad.conv2dWeight records conv2dBackwardWeight in the forward pass.

type ConvArgs = Record<string, unknown> & { bias?: boolean };
const convFn = (f: (x: Tensor, w: Tensor, b: Tensor | null, o: object) => Tensor) => (xs: Tensor[], a: ConvArgs): Tensor => {
  const { bias, ...o } = a;
  return f(x0(xs), x1(xs), bias ? xs[2]! : null, o);
};

const convOps: OpInfo[] = [
  op<ConvArgs>({
    name: 'conv2d',
    fn: convFn((x, w, b, o) => F.conv2d(x, w, b, o)),
    samples: (m) => [
      { inputs: [m.randn([1, 2, 4, 4]), m.randn([3, 2, 2, 2]), m.randn([3])], args: { bias: true } },
      { inputs: [m.randn([2, 2, 5, 4]), m.randn([2, 2, 3, 2]), m.randn([2])], args: { bias: true, stride: [2, 1], padding: [1, 0] } },
      { inputs: [m.randn([1, 2, 4, 5]), m.randn([2, 2, 2, 3])], args: { padding: 'same' } },
      { inputs: [m.randn([1, 1, 5, 5]), m.randn([2, 1, 2, 2])], args: { padding: 'same', dilation: [2, 1] } },
      { inputs: [m.randn([1, 4, 4, 4]), m.randn([4, 2, 2, 2]), m.randn([4])], args: { bias: true, groups: 2, stride: 2, padding: 1 } },
      { inputs: [m.randn([1, 3, 4, 4]), m.randn([3, 1, 3, 3])], args: { groups: 3, padding: 1, dilation: 2 } },
      { inputs: [m.randn([1, 2, 4, 4], { layout: 'transposed' }), m.randn([2, 2, 2, 2], { layout: 'strided' }), m.randn([2])], args: { bias: true, stride: [1, 2] } },
      { inputs: [m.randn([2, 4, 3]), m.randn([2, 2, 2, 2])], args: { padding: 'valid' } },
      { inputs: [m.randn([1, 2, 3, 3], { grad: false }), m.randn([2, 2, 3, 3])], args: { padding: 1 } },
    ],
  }),
  op<ConvArgs>({
    name: 'conv1d',
    fn: convFn((x, w, b, o) => F.conv1d(x, w, b, o)),
    samples: (m) => [
      { inputs: [m.randn([2, 2, 6]), m.randn([3, 2, 3]), m.randn([3])], args: { bias: true, stride: 2, padding: 1 } },
      { inputs: [m.randn([1, 2, 5]), m.randn([2, 1, 2])], args: { padding: 'same', groups: 2 } },
      { inputs: [m.randn([2, 7]), m.randn([2, 2, 3])], args: { dilation: 2 } },
    ],
  }),
  op<ConvArgs>({
    name: 'convTranspose2d',
    fn: convFn((x, w, b, o) => F.convTranspose2d(x, w, b, o)),
    samples: (m) => [
      { inputs: [m.randn([1, 2, 3, 3]), m.randn([2, 3, 2, 2]), m.randn([3])], args: { bias: true } },
      { inputs: [m.randn([1, 2, 3, 2]), m.randn([2, 2, 3, 3]), m.randn([2])], args: { bias: true, stride: 2, padding: 1, outputPadding: 1 } },
      { inputs: [m.randn([1, 4, 2, 3]), m.randn([4, 1, 2, 2])], args: { groups: 2, stride: [2, 1], dilation: [1, 2], outputPadding: [1, 1] } },
      { inputs: [m.randn([2, 3, 3], { layout: 'transposed' }), m.randn([2, 2, 2, 2])], args: { padding: [0, 1] } },
    ],
  }),
  op<ConvArgs>({
    name: 'convTranspose1d',
    fn: convFn((x, w, b, o) => F.convTranspose1d(x, w, b, o)),
    samples: (m) => [{ inputs: [m.randn([2, 2, 4]), m.randn([2, 2, 3]), m.randn([2])], args: { bias: true, stride: 3, padding: 1, outputPadding: 2 } }],
  }),
  op<{ size: number[]; o: object }>({
    name: 'nn.grad.conv2dWeight',
    fn: (xs, a) => nn.grad.conv2dWeight(x0(xs), a.size, x1(xs), a.o),
    samples: (m) => [
      { inputs: [m.randn([2, 2, 4, 4]), m.randn([2, 3, 2, 2])], args: { size: [3, 2, 3, 3], o: { padding: 1, stride: 2 } } },
      { inputs: [m.randn([1, 4, 3, 3]), m.randn([1, 2, 3, 3])], args: { size: [2, 2, 2, 2], o: { padding: 'same', groups: 2 } } },
    ],
  }),
  op<{ size: number[]; o: object }>({
    name: 'nn.grad.conv1dInput',
    fn: (xs, a) => nn.grad.conv1dInput(a.size, x0(xs), x1(xs), a.o),
    samples: (m) => [{ inputs: [m.randn([2, 2, 3]), m.randn([1, 2, 4])], args: { size: [1, 2, 7], o: { stride: 2, padding: 1 } } }],
  }),
];

// ---------------------------------------------------------------------------------------------------
// Recurrent layers (one rnnLayer primitive per layer). Hidden size 1-2 keeps the finite differences cheap;
// the samples cover every mode, both directions, packed lengths (incl. 0), batch-first and no bias.

const rnnOps: OpInfo[] = [
  op<{ o: object }>({
    name: 'F.lstm',
    fn: (xs, a) => { const [y, [h, c]] = F.lstm(xs[0]!, [xs[1]!, xs[2]!], xs.slice(3), a.o); return [y, h, c]; },
    samples: (m) => [
      { inputs: [m.randn([2, 1, 2]), m.randn([1, 1, 1]), m.randn([1, 1, 1]), m.randn([4, 2]), m.randn([4, 1]), m.randn([4], { grad: false }), m.randn([4])], args: { o: {} } },
      { inputs: [m.randn([2, 2, 3], { layout: 'transposed' }), m.randn([2, 2, 1]), m.randn([2, 2, 1], { grad: false }), m.randn([4, 3]), m.randn([4, 1]), m.randn([4, 3], { grad: false }), m.randn([4, 1])],
        args: { o: { bias: false, bidirectional: true, batchFirst: true, lengths: [1, 2] } } },
    ],
  }),
  op<{ o: object }>({
    name: 'F.gru',
    fn: (xs, a) => F.gru(xs[0]!, xs[1]!, xs.slice(2), a.o),
    samples: (m) => [
      { inputs: [m.randn([2, 2, 1]), m.randn([2, 2, 1]), m.randn([3, 1]), m.randn([3, 1]), m.randn([3]), m.randn([3]), m.randn([3, 1], { grad: false }), m.randn([3, 1]), m.randn([3], { grad: false }), m.randn([3], { grad: false })],
        args: { o: { bidirectional: true, lengths: [2, 0] } } },
    ],
  }),
  op<{ o: object }>({
    name: 'F.rnn',
    fn: (xs, a) => F.rnn(xs[0]!, xs[1]!, xs.slice(2), a.o),
    samples: (m) => [
      { inputs: [m.randn([1, 2, 2]), m.randn([2, 1, 2]), m.randn([2, 2]), m.randn([2, 2]), m.randn([2, 2]), m.randn([2, 2])], args: { o: { bias: false, numLayers: 2, batchFirst: true } } },
      { inputs: [m.randn([3, 2]), m.uniform([1, 2], 0.5, 1), m.uniform([2, 2], 0.2, 1), m.randn([2, 2]), m.uniform([2], 0.5, 1), m.randn([2])], args: { o: { nonlinearity: 'relu' } } },
    ],
  }),
];

export const opInfos: OpInfo[] = [...unaryOps, ...binaryOps, ...reductionOps, ...linalgOps, ...layoutOps, ...indexingOps, ...lossOps, ...convOps, ...poolNormOps, ...rnnOps];

/** A stable seed per entry name, so a failure reproduces with the same inputs. */
export function seedFor(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------------------------------
// PyTorch fixtures (tests/fixtures/torch_ops.json, written by tests/fixtures/make_torch_fixtures.py):
// the op vocabulary mirrored from the Python script's OPS table, decoding, and a float-aware comparison.
// Used by tests/ops/torch_reference.test.ts and tests/autograd/kinks.test.ts.

export interface FixtureTensor {
  dtype: 'float' | 'int' | 'bool';
  shape: number[];
  data: (number | boolean | string)[];
  grad: boolean;
}
export interface FixtureArgs {
  slope?: number; alpha?: number; beta?: number; threshold?: number; approximate?: 'none' | 'tanh';
  min?: number; max?: number; exponent?: number; base?: number;
  dim?: number | number[]; keepdim?: boolean; correction?: number;
  shape?: number[]; dims?: number[]; dim0?: number; dim1?: number; startDim?: number; endDim?: number;
  start?: number; length?: number; index?: number; items?: IndexItem[]; size?: number | number[]; chunks?: number;
  reduction?: 'mean' | 'sum' | 'none' | 'batchmean'; weight?: boolean; posWeight?: boolean;
  ignoreIndex?: number; labelSmoothing?: number; logTarget?: boolean; delta?: number;
}
export interface FixtureCase {
  name: string;
  op: string;
  args: FixtureArgs;
  inputs: FixtureTensor[];
  outputs: FixtureTensor[];
  cotangents: (FixtureTensor | null)[];
  grads: (FixtureTensor | null)[];
}
export interface TorchFixtures {
  meta: { torch: string; cases: number; kinks: number };
  cases: FixtureCase[];
  kinks: FixtureCase[];
}

export function decodeNumber(v: number | boolean | string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`bad fixture number ${v}`);
}

/** A fixture tensor as a nodegrad tensor: floats in `dtype`, ints as int32, bools as bool. */
export function decodeTensor(t: FixtureTensor, dtype: 'float32' | 'float64'): Tensor {
  const vals = t.data.map(decodeNumber);
  if (t.dtype === 'bool') return tensor(Int32Array.from(vals), { dtype: 'int32', shape: t.shape }).bool();
  if (t.dtype === 'int') return tensor(Int32Array.from(vals), { dtype: 'int32', shape: t.shape });
  const x = dtype === 'float64' ? tensor(Float64Array.from(vals), { dtype: 'float64', shape: t.shape }) : tensor(Float32Array.from(vals), { dtype: 'float32', shape: t.shape });
  if (t.grad) x.requiresGrad_(true);
  return x;
}

/** Drops undefined values, so options objects satisfy exactOptionalPropertyTypes. */
function opts<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
const red = (a: FixtureArgs): { reduction?: 'mean' | 'sum' | 'none' } => opts({ reduction: a.reduction as 'mean' | 'sum' | 'none' | undefined });
const dimsOf = (a: FixtureArgs): number | number[] | undefined => a.dim;
const keep = (a: FixtureArgs): boolean => a.keepdim ?? false;

type FixtureOp = (x: Tensor[], a: FixtureArgs) => Tensor | readonly Tensor[];
const u = (f: (x: Tensor) => Tensor): FixtureOp => (x) => f(x[0]!);

/** The Python script's OPS table, in nodegrad. */
export const fixtureOps: Record<string, FixtureOp> = {
  neg: u(neg), abs: u(abs), sign: u(sign), exp: u(exp), log: u(log), log1p: u(log1p), sqrt: u(sqrt), rsqrt: u(rsqrt),
  sin: u(sin), cos: u(cos), tanh: u(tanh), sigmoid: u(sigmoid), relu: u(relu), erf: u(erf), square: u(square),
  reciprocal: u(reciprocal),
  leakyRelu: (x, a) => leakyRelu(x[0]!, a.slope ?? 0.01),
  elu: (x, a) => elu(x[0]!, a.alpha ?? 1),
  softplus: (x, a) => softplus(x[0]!, a.beta ?? 1, a.threshold ?? 20),
  gelu: (x, a) => gelu(x[0]!, a.approximate ?? 'none'),
  clamp: (x, a) => clamp(x[0]!, a.min ?? null, a.max ?? null),
  powScalar: (x, a) => pow(x[0]!, a.exponent!),
  powScalarBase: (x, a) => pow(a.base!, x[0]!),
  add: (x, a) => add(x[0]!, x[1]!, opts({ alpha: a.alpha })),
  sub: (x, a) => sub(x[0]!, x[1]!, opts({ alpha: a.alpha })),
  mul: (x) => mul(x[0]!, x[1]!),
  div: (x) => div(x[0]!, x[1]!),
  pow: (x) => pow(x[0]!, x[1]!),
  maximum: (x) => maximum(x[0]!, x[1]!),
  minimum: (x) => minimum(x[0]!, x[1]!),
  where: (x) => where(x[0]! as Tensor<'bool'>, x[1]!, x[2]!),
  sum: (x, a) => sum(x[0]!, dimsOf(a), { keepdim: keep(a) }),
  mean: (x, a) => mean(x[0]!, dimsOf(a), { keepdim: keep(a) }),
  amax: (x, a) => amax(x[0]!, dimsOf(a), { keepdim: keep(a) }),
  amin: (x, a) => amin(x[0]!, dimsOf(a), { keepdim: keep(a) }),
  max: (x) => max(x[0]!),
  min: (x) => min(x[0]!),
  maxDim: (x, a) => { const r = max(x[0]!, a.dim as number, keep(a)); return [r.values, r.indices]; },
  minDim: (x, a) => { const r = min(x[0]!, a.dim as number, keep(a)); return [r.values, r.indices]; },
  var: (x, a) => variance(x[0]!, dimsOf(a), opts({ keepdim: a.keepdim, correction: a.correction })),
  std: (x, a) => std(x[0]!, dimsOf(a), opts({ keepdim: a.keepdim, correction: a.correction })),
  logsumexp: (x, a) => logsumexp(x[0]!, dimsOf(a), { keepdim: keep(a) }),
  softmax: (x, a) => softmax(x[0]!, a.dim as number),
  logSoftmax: (x, a) => logSoftmax(x[0]!, a.dim as number),
  matmul: (x) => matmul(x[0]!, x[1]!),
  linear: (x) => linear(x[0]!, x[1]!, x[2] ?? null),
  reshape: (x, a) => reshape(x[0]!, a.shape!),
  permute: (x, a) => permute(x[0]!, a.dims!),
  transpose: (x, a) => transpose(x[0]!, a.dim0!, a.dim1!),
  expand: (x, a) => expand(x[0]!, a.shape!),
  flatten: (x, a) => flatten(x[0]!, a.startDim ?? 0, a.endDim ?? -1),
  squeeze: (x, a) => squeeze(x[0]!, a.dim),
  unsqueeze: (x, a) => unsqueeze(x[0]!, a.dim as number),
  narrow: (x, a) => narrow(x[0]!, a.dim as number, a.start!, a.length!),
  select: (x, a) => select(x[0]!, a.dim as number, a.index!),
  index: (x, a) => index(x[0]!, ...a.items!),
  cat: (x, a) => cat(x, a.dim as number),
  stack: (x, a) => stack(x, a.dim as number),
  split: (x, a) => split(x[0]!, a.size!, a.dim as number),
  chunk: (x, a) => chunk(x[0]!, a.chunks!, a.dim as number),
  gather: (x, a) => gather(x[0]!, a.dim as number, x[1]! as Tensor<'int32'>),
  scatterAdd: (x, a) => scatterAdd(x[0]!, a.dim as number, x[1]! as Tensor<'int32'>, x[2]!),
  indexSelect: (x, a) => indexSelect(x[0]!, a.dim as number, x[1]! as Tensor<'int32'>),
  mseLoss: (x, a) => F.mseLoss(x[0]!, x[1]!, red(a)),
  l1Loss: (x, a) => F.l1Loss(x[0]!, x[1]!, red(a)),
  smoothL1Loss: (x, a) => F.smoothL1Loss(x[0]!, x[1]!, opts({ ...red(a), beta: a.beta })),
  huberLoss: (x, a) => F.huberLoss(x[0]!, x[1]!, opts({ ...red(a), delta: a.delta })),
  binaryCrossEntropy: (x, a) => F.binaryCrossEntropy(x[0]!, x[1]!, opts({ ...red(a), weight: x[2] })),
  binaryCrossEntropyWithLogits: (x, a) => F.binaryCrossEntropyWithLogits(x[0]!, x[1]!, opts({
    ...red(a), weight: a.weight ? x[2] : undefined, posWeight: a.posWeight ? x[x.length - 1] : undefined,
  })),
  crossEntropy: (x, a) => F.crossEntropy(x[0]!, x[1]!, opts({ ...red(a), weight: x[2], ignoreIndex: a.ignoreIndex, labelSmoothing: a.labelSmoothing })),
  nllLoss: (x, a) => F.nllLoss(x[0]!, x[1]! as Tensor<'int32'>, opts({ ...red(a), weight: x[2], ignoreIndex: a.ignoreIndex })),
  klDiv: (x, a) => F.klDiv(x[0]!, x[1]!, opts({ reduction: a.reduction, logTarget: a.logTarget })),
};

export interface FixtureRun {
  inputs: Tensor[];
  outputs: Tensor[];
  /** .grad of each input after backward(outputs, cotangents); null when the input is constant. */
  grads: (Tensor | null)[];
}

/** Runs a fixture case in `dtype`: forward, then backward with the fixture's cotangents. */
export function runFixtureCase(c: FixtureCase, dtype: 'float32' | 'float64', options: { backward?: boolean } = {}): FixtureRun {
  const fn = fixtureOps[c.op];
  if (!fn) throw new Error(`fixture op '${c.op}' is not in fixtureOps`);
  const inputs = c.inputs.map((t) => decodeTensor(t, dtype));
  const raw = fn(inputs, c.args);
  const outputs = raw instanceof Tensor ? [raw] : [...raw];
  const roots: Tensor[] = [];
  const cots: Tensor[] = [];
  c.cotangents.forEach((ct, i) => {
    if (ct !== null) {
      roots.push(outputs[i]!);
      cots.push(decodeTensor({ ...ct, grad: false }, dtype));
    }
  });
  if ((options.backward ?? true) && roots.length > 0) autograd.backward(roots, cots);
  return { inputs, outputs, grads: inputs.map((x) => (x.requiresGrad ? x.grad : null)) };
}

export interface Closeness {
  rtol: number;
  /** Absolute tolerance, scaled by max(1, largest finite |expected|). */
  atol: number;
}

/**
 * Compares a tensor with a fixture tensor: same shape, NaN where NaN, equal infinities, and
 * |a − e| <= atol·scale + rtol·|e| elsewhere. Returns a description of the first mismatch, or null.
 */
export function mismatch(actual: Tensor | null, expected: FixtureTensor | null, tol: Closeness, skip: ReadonlySet<number> = new Set()): string | null {
  if (expected === null) return actual === null ? null : 'expected no gradient';
  if (actual === null) return 'missing tensor (no gradient flowed)';
  if (actual.shape.join(',') !== expected.shape.join(',')) return `shape [${actual.shape.join(',')}] vs expected [${expected.shape.join(',')}]`;
  const got = Array.from(actual.toTypedArray() as ArrayLike<number>);
  const want = expected.data.map(decodeNumber);
  const finite = want.filter(Number.isFinite).map(Math.abs);
  const scale = Math.max(1, ...finite);
  for (let i = 0; i < want.length; i++) {
    if (skip.has(i)) continue;
    const a = got[i]!;
    const e = want[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return `element ${i}: got ${a}, expected ${e}`;
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return `element ${i}: got ${a}, expected ${e}`;
      continue;
    }
    if (Math.abs(a - e) > tol.atol * scale + tol.rtol * Math.abs(e)) return `element ${i}: got ${a}, expected ${e} (diff ${Math.abs(a - e)})`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// mmdLoss (issue 8): both estimators, one and several bandwidths, n ≠ m, non-contiguous leaves, a
// constant sample. Appended with push so this shared file only grows at the end.

type MmdArgs = { bandwidths: number[]; estimator: 'biased' | 'unbiased' };
opInfos.push(op<MmdArgs>({
  name: 'mmdLoss',
  fn: (xs, a) => F.mmdLoss(x0(xs), x1(xs), a),
  samples: (m) => [
    { inputs: [m.randn([4, 2]), m.randn([3, 2])], args: { bandwidths: [1], estimator: 'biased' } },
    { inputs: [m.randn([4, 2]), m.randn([3, 2])], args: { bandwidths: [1], estimator: 'unbiased' } },
    { inputs: [m.randn([3, 3]), m.randn([5, 3])], args: { bandwidths: [0.5, 1, 2], estimator: 'biased' } },
    { inputs: [m.randn([3, 3]), m.randn([5, 3])], args: { bandwidths: [0.5, 1, 2], estimator: 'unbiased' } },
    { inputs: [m.randn([3, 2], { layout: 'transposed' }), m.randn([4, 2], { grad: false })], args: { bandwidths: [0.7, 3], estimator: 'biased' } },
    { inputs: [m.randn([2, 4], { layout: 'strided' }), m.randn([3, 4], { grad: false })], args: { bandwidths: [1.5], estimator: 'unbiased' } },
    { desc: 'one sample each (biased)', inputs: [m.randn([1, 3]), m.randn([1, 3])], args: { bandwidths: [1], estimator: 'biased' } },
  ],
}));
