// Seeded random case generators for kernel tests: shapes (odd sizes, size-1 and empty dims, batch 1),
// strided layouts of an operand inside a larger array (offsets, permuted/transposed strides, stepped
// slices, padded rows, broadcast stride-0 dims) and values with the special floats (NaN, ±Infinity,
// -0, huge, subnormal). Deterministic: everything draws from an `Rng` seeded by the caller, so a failing
// case is reproduced from its seed. No tensors here: plain typed arrays and element strides.

import { numel, contiguousStrides as rowMajor } from '../../src/core/shape.js';

/** mulberry32: a tiny 32-bit PRNG, good enough for test cases and fully deterministic. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick: empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** A shuffled copy. */
  shuffle<T>(xs: readonly T[]): T[] {
    const a = xs.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}

/** A 32-bit seed from any parts (FNV-1a over their string forms), e.g. seedOf('binary', 'add', 7). */
export function seedOf(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

// ---- shapes ------------------------------------------------------------------------------------

/** Sizes a dim is drawn from: size 1, odd sizes and a few even ones. */
export const DIM_SIZES: readonly number[] = [1, 1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 33];
export const ODD_SIZES: readonly number[] = [1, 3, 7, 13, 17, 33];

export type Shape = readonly number[];

export { numel, rowMajor };

export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  /** Upper bound on the element count; dims are shrunk until it holds. */
  maxNumel?: number;
  /** Probability that the shape has one empty (0) dim. */
  emptyProb?: number;
  sizes?: readonly number[];
}

/** A random shape of rank minRank..maxRank (default 0..4) with odd sizes, size-1 dims and sometimes a 0 dim. */
export function randomShape(rng: Rng, opts: ShapeOptions = {}): number[] {
  const minRank = opts.minRank ?? 0;
  const maxRank = opts.maxRank ?? 4;
  const maxNumel = opts.maxNumel ?? 4096;
  const sizes = opts.sizes ?? DIM_SIZES;
  const rank = rng.int(minRank, maxRank);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(rng.pick(sizes));
  // Shrink the largest dim until the element count fits.
  while (numel(shape) > maxNumel) {
    let k = 0;
    for (let d = 1; d < rank; d++) if (shape[d]! > shape[k]!) k = d;
    shape[k] = Math.max(1, Math.floor(shape[k]! / 2));
  }
  if (rank > 0 && rng.chance(opts.emptyProb ?? 0.08)) shape[rng.int(0, rank - 1)] = 0;
  return shape;
}

// ---- strided layouts -----------------------------------------------------------------------------

/** Where an operand of some shape lives in its array: element offset, element strides, array length. */
export interface Layout {
  offset: number;
  strides: number[];
  /** The array length this layout is generated with (>= what the layout touches; often exactly that). */
  length: number;
}

export interface LayoutOptions {
  /** Probability of a plain row-major layout at offset 0 (default 0.25). */
  contiguousProb?: number;
  /** Per-dim probability of a broadcast (stride 0) dim (default 0.15; 0 for outputs). */
  broadcastProb?: number;
  /** Probability that the physical dim order is shuffled (transposes/permutations; default 0.4). */
  permuteProb?: number;
  /** Per-dim probability of a stepped slice (step 2 or 3; default 0.2). */
  stepProb?: number;
  /** Per-dim probability of padding (a narrowed view of a larger dim; default 0.2). */
  padProb?: number;
  /** Largest random offset (default 9). */
  maxOffset?: number;
  /** Probability of extra unused elements after the last one touched (default 0.5). */
  slackProb?: number;
}

/** One past the largest element index the layout touches (or `offset` when the shape is empty). */
export function reach(shape: Shape, offset: number, strides: readonly number[]): number {
  if (numel(shape) === 0) return offset;
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d]! - 1) * strides[d]!;
  return last + 1;
}

export function contiguousLayout(shape: Shape, offset = 0): Layout {
  const strides = rowMajor(shape);
  return { offset, strides, length: offset + numel(shape) };
}

/**
 * A random layout of `shape` inside a larger array: the view is a (maybe stepped, maybe narrowed) slice
 * of a base array whose dims are laid out in a (maybe permuted) physical order, plus broadcast dims
 * and size-1 dims with arbitrary strides. Without broadcast dims, distinct indices never alias.
 */
export function randomLayout(rng: Rng, shape: Shape, opts: LayoutOptions = {}): Layout {
  const rank = shape.length;
  const slack = (): number => (rng.chance(opts.slackProb ?? 0.5) ? rng.int(1, 5) : 0);
  if (rng.chance(opts.contiguousProb ?? 0.25)) {
    const l = contiguousLayout(shape);
    l.length += slack();
    return l;
  }
  const broadcastProb = opts.broadcastProb ?? 0.15;
  const stepProb = opts.stepProb ?? 0.2;
  const padProb = opts.padProb ?? 0.2;
  const broadcast: boolean[] = [];
  const step: number[] = [];
  const extent: number[] = [];
  for (let d = 0; d < rank; d++) {
    const b = rng.chance(broadcastProb);
    const s = rng.chance(stepProb) ? rng.pick([2, 3]) : 1;
    broadcast.push(b);
    step.push(s);
    const used = shape[d]! === 0 ? 1 : (shape[d]! - 1) * s + 1;
    extent.push(b ? 1 : used + (rng.chance(padProb) ? rng.int(1, 3) : 0));
  }
  const order = rng.chance(opts.permuteProb ?? 0.4) ? rng.shuffle([...Array(rank).keys()]) : [...Array(rank).keys()];
  // Physical strides: the last dim of `order` is innermost; sometimes every other element (interleaved).
  const phys = new Array<number>(rank).fill(0);
  let acc = rng.chance(0.1) ? 2 : 1;
  for (let k = rank - 1; k >= 0; k--) {
    const d = order[k]!;
    phys[d] = acc;
    acc *= extent[d]!;
  }
  const strides = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    if (broadcast[d]) strides[d] = 0;
    else if (shape[d] === 1 && rng.chance(0.3)) strides[d] = rng.pick([0, 1, 1000]); // size-1 dims may have any stride
    else strides[d] = phys[d]! * step[d]!;
  }
  const offset = rng.int(0, opts.maxOffset ?? 9);
  return { offset, strides, length: reach(shape, offset, strides) + slack() };
}

/** True when no two indices of `shape` map to the same element (the check the binding does for outputs). */
export function isNonAliasing(shape: Shape, strides: readonly number[]): boolean {
  if (numel(shape) === 0) return true;
  const dims = [...shape.keys()].filter((d) => shape[d]! > 1).sort((a, b) => strides[a]! - strides[b]!);
  let span = 0;
  for (const d of dims) {
    if (strides[d]! <= span) return false;
    span += (shape[d]! - 1) * strides[d]!;
  }
  return true;
}

// ---- values ----------------------------------------------------------------------------------------

export type DTypeName = 'float32' | 'int32' | 'bool';
export type Arr = Float32Array | Int32Array | Uint8Array;

export function alloc(dtype: DTypeName, n: number): Arr {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

export function dtypeOf(a: Arr): DTypeName {
  return a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : 'bool';
}

export function cloneArray<T extends Arr>(a: T): T {
  return a.slice() as T;
}

/** Floats that break naive kernels: NaN, ±Infinity, ±0, huge (some overflow when squared), tiny, subnormal. */
export const SPECIAL_FLOATS: readonly number[] = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 1e30, -1e30, 3.4e38, -3.4e38, 1e-30, -1e-30, 1e-40, -1e-40, 88.7, -103.9, 1e7, 16777217,
];
export const SPECIAL_INTS: readonly number[] = [0, 1, -1, 2147483647, -2147483648, 1 << 30, -(1 << 30), 65535, 46341];

export interface ValueOptions {
  /** Probability of a special value (default 0.05; 0 for none). */
  special?: number;
  /** The special values to draw from (default SPECIAL_FLOATS / SPECIAL_INTS). */
  specials?: readonly number[];
  /** Scale of the normal part (default 3). */
  scale?: number;
  /** Probability of a small integer in [-3, 3] (ties, exact zeros; default 0.2). */
  tieProb?: number;
  /** Integer range for int32 (default [-50, 50]). */
  intRange?: readonly [number, number];
}

/** Fills `a` with random values of its dtype (bool: 0/1). */
export function fillRandom(rng: Rng, a: Arr, opts: ValueOptions = {}): Arr {
  const special = opts.special ?? 0.05;
  const tie = opts.tieProb ?? 0.2;
  if (a instanceof Float32Array) {
    const scale = opts.scale ?? 3;
    for (let i = 0; i < a.length; i++) {
      a[i] = rng.chance(special) ? rng.pick(opts.specials ?? SPECIAL_FLOATS) : rng.chance(tie) ? rng.int(-3, 3) : rng.normal() * scale;
    }
  } else if (a instanceof Int32Array) {
    const [lo, hi] = opts.intRange ?? [-50, 50];
    for (let i = 0; i < a.length; i++) a[i] = rng.chance(special) ? rng.pick(opts.specials ?? SPECIAL_INTS) : rng.int(lo, hi);
  } else {
    for (let i = 0; i < a.length; i++) a[i] = rng.chance(0.5) ? 1 : 0;
  }
  return a;
}

export function randomArray(rng: Rng, dtype: DTypeName, n: number, opts: ValueOptions = {}): Arr {
  return fillRandom(rng, alloc(dtype, n), opts);
}

/** Garbage an output is pre-filled with, identical for both backends: elements a kernel must not write stay as they are. */
export function garbage(rng: Rng, dtype: DTypeName, n: number): Arr {
  const a = alloc(dtype, n);
  if (a instanceof Float32Array) for (let i = 0; i < n; i++) a[i] = rng.chance(0.3) ? NaN : rng.pick([-7777, 12345.5, Infinity, -0]);
  else if (a instanceof Int32Array) for (let i = 0; i < n; i++) a[i] = rng.pick([-7777, 12345, 2147483647]);
  else for (let i = 0; i < n; i++) a[i] = rng.pick([0, 1, 0xab]);
  return a;
}

/** A short description of case parameters for failure messages (typed arrays summarised). */
export function describeCase(params: Record<string, unknown>): string {
  return JSON.stringify(params, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Arr).length})`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (Object.is(v, -0)) return '-0';
    return v;
  });
}

/**
 * Two independent copies of `arrays` laid out back to back (random order, only the alignment gap each
 * dtype needs) in one fresh ArrayBuffer per copy: disjoint ranges of one buffer, touching at their ends,
 * which a binding must accept (and a kernel must not cross). Same layout in both copies.
 */
export function packTwice(rng: Rng, arrays: readonly Arr[]): [Arr[], Arr[]] {
  const order = rng.shuffle([...arrays.keys()]);
  const offsets = new Array<number>(arrays.length).fill(0);
  let bytes = 0;
  for (const k of order) {
    const a = arrays[k]!;
    bytes = Math.ceil(bytes / a.BYTES_PER_ELEMENT) * a.BYTES_PER_ELEMENT;
    offsets[k] = bytes;
    bytes += a.byteLength;
  }
  const make = (): Arr[] => {
    const buf = new ArrayBuffer(bytes);
    return arrays.map((a, k) => {
      const C = a.constructor as new (b: ArrayBuffer, off: number, n: number) => Arr;
      const v = new C(buf, offsets[k]!, a.length);
      v.set(a);
      return v;
    });
  };
  return [make(), make()];
}
