// Sampling by the inverse transform method: X = F⁻¹(U) with U uniform on (0, 1) has CDF F. From a
// given inverse CDF (inverseTransformSample) or from the empirical distribution of a 1-D sample
// (EmpiricalDistribution: its CDF, inverse CDF and sampler). Seeded through a Generator; nothing here
// is differentiable (samples are data, not graph nodes).

import type { FloatDType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import { checkSize } from '../core/shape.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { cast } from '../ops/layout.js';

/** Options of the samplers: the random source and the samples' dtype. */
export interface SampleOptions<D extends FloatDType = FloatDType> {
  /** Where the uniform draws come from (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
  /** dtype of the samples (default float32; EmpiricalDistribution: the dtype of its data). */
  dtype?: D;
}

function checkGenerator(op: string, g: unknown): Generator {
  if (g === undefined) return defaultGenerator;
  if (!(g instanceof Generator)) throw new ArgumentError(op, 'generator', `must be a Generator, got ${g === null ? 'null' : typeof g}`);
  return g;
}

function checkFloatDType(op: string, d: unknown, fallback: 'float32' | 'float64'): 'float32' | 'float64' {
  if (d === undefined) return fallback;
  if (d !== 'float32' && d !== 'float64') throw new DTypeError(op, 'dtype', `must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
  return d;
}

function sampleShape(op: string, n: unknown): number[] {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(op, 'n', `must be a non-negative integer or a shape, got ${String(n)}`);
    return [n];
  }
  return checkSize(op, n, 'n');
}

/**
 * `numel` uniform draws on the open interval (0, 1), as float64: 53-bit draws k·2⁻⁵³ moved by half a
 * step, (k + ½)·2⁻⁵³, so an inverse CDF never sees 0 or 1 (where −ln(1 − u) or a normal quantile is
 * infinite). NOTE: float64 on purpose: in float32 draws above 1 − 2⁻²⁵ would round to exactly 1.
 */
function openUniform(shape: readonly number[], gen: Generator): Tensor<'float64'> {
  const t = Tensor.zeros(shape, 'float64');
  const out = t.storage.data;
  const d = new Uint32Array(2 * out.length);
  gen.fillUint32(d);
  for (let i = 0; i < out.length; i++) out[i] = ((d[2 * i]! & 0x1fffff) * 4294967296 + d[2 * i + 1]! + 0.5) / 9007199254740992;
  return t;
}

/**
 * Samples by the inverse transform method: draws U uniform on (0, 1) (float64, never exactly 0 or
 * 1) and returns `invCdf(U)`, whose distribution has the CDF that `invCdf` inverts. `invCdf` maps a
 * float64 tensor of probabilities to a tensor of the same shape (it runs without gradients);
 * `n` is the number of samples or a sample shape.
 * @example
 * // Exponential(λ = 2): F⁻¹(u) = −ln(1 − u)/λ
 * const x = data.inverseTransformSample((u) => neg(log1p(neg(u))).div(2), 10000, { generator: new Generator(0) });
 * x.mean().item(); // ≈ 0.5
 */
export function inverseTransformSample<D extends FloatDType = 'float32'>(invCdf: (u: Tensor<'float64'>) => Tensor, n: number | readonly number[], options?: SampleOptions<D>): Tensor<D> {
  const op = 'inverseTransformSample';
  checkOptions(op, options, ['generator', 'dtype']);
  if (typeof invCdf !== 'function') throw new ArgumentError(op, 'invCdf', `must be a function (u: Tensor) => Tensor, got ${invCdf === null ? 'null' : typeof invCdf}`);
  const shape = sampleShape(op, n);
  const gen = checkGenerator(op, options?.generator);
  const dtype = checkFloatDType(op, options?.dtype, 'float32');
  const u = openUniform(shape, gen);
  return noGrad(() => {
    const x = invCdf(u);
    if (!(x instanceof Tensor)) throw new ArgumentError(op, 'invCdf', `must return a Tensor, got ${x === null ? 'null' : typeof x}`);
    if (x.shape.length !== shape.length || x.shape.some((s, i) => s !== shape[i])) {
      throw new ShapeError(op, 'invCdf', 'must return a tensor of the shape of its input', { input: shape, returned: x.shape });
    }
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(op, 'invCdf', `must return a floating point tensor, got ${x.dtype}`);
    const vals = x.toTypedArray() as Float32Array | Float64Array;
    for (let i = 0; i < vals.length; i++) {
      if (Number.isNaN(vals[i]!)) throw new ArgumentError(op, 'invCdf', `returned NaN at element ${i} (u = ${u.storage.data[i]}); is it defined on all of (0, 1)?`);
    }
    return (x.dtype === dtype ? x.detach() : cast(x, dtype)) as Tensor<D>;
  });
}

/** How an EmpiricalDistribution interpolates between observations. */
export interface EmpiricalDistributionOptions {
  /**
   * 'linear' (default): the CDF is piecewise linear through the order statistics, F(x₍ᵢ₎) = (i − 1)/(n − 1)
   * for the sorted sample x₍₁₎ ≤ … ≤ x₍ₙ₎, so the inverse CDF is PyTorch's/NumPy's default 'linear'
   * quantile and samples spread continuously over [min, max]. 'step': the empirical CDF
   * #{xᵢ ≤ x}/n, whose inverse picks observations (sampling = bootstrap resampling).
   */
  interpolation?: 'linear' | 'step';
}

/**
 * The empirical distribution of a 1-D sample: its CDF, inverse CDF (quantile function) and a seeded
 * sampler by the inverse transform method. See `interpolation` for the two definitions.
 *
 * 'linear' (n ≥ 2 distinct points apart): F(x) = 0 below the minimum, 1 from the maximum on, and
 * ((i − 1) + (x − x₍ᵢ₎)/(x₍ᵢ₊₁₎ − x₍ᵢ₎))/(n − 1) for x₍ᵢ₎ ≤ x < x₍ᵢ₊₁₎ (right-continuous at ties);
 * F⁻¹(u) = x₍ₖ₎ + (h − ⌊h⌋)·(x₍ₖ₊₁₎ − x₍ₖ₎) with h = u·(n − 1), k = ⌊h⌋ + 1. A single observation is a
 * point mass in both modes.
 * 'step': F(x) = #{xᵢ ≤ x}/n and F⁻¹(u) = x₍⌈n·u⌉₎ (x₍₁₎ at u = 0), the smallest x with F(x) ≥ u.
 * @example
 * const ed = new data.EmpiricalDistribution(tensor([3, 1, 2]));
 * ed.cdf(1.5);            // 0.25: halfway between x₍₁₎ = 1 (F = 0) and x₍₂₎ = 2 (F = 0.5)
 * ed.icdf(0.75);          // 2.5
 * ed.sample(1000, { generator: new Generator(0) }); // float32 [1000], spread over [1, 3]
 */
export class EmpiricalDistribution {
  /** The observations in ascending order. */
  readonly sorted: Float64Array;
  readonly interpolation: 'linear' | 'step';
  /** The dtype of the data given (samples come out in it unless `dtype` says otherwise). */
  readonly dtype: 'float32' | 'float64';

  constructor(samples: Tensor | ArrayLike<number>, options?: EmpiricalDistributionOptions) {
    const op = 'EmpiricalDistribution';
    checkOptions(op, options, ['interpolation']);
    const interp = options?.interpolation ?? 'linear';
    if (interp !== 'linear' && interp !== 'step') throw new ArgumentError(op, 'interpolation', `must be 'linear' or 'step', got ${JSON.stringify(interp)}`);
    this.interpolation = interp;
    let values: ArrayLike<number>;
    if (samples instanceof Tensor) {
      if (samples.ndim !== 1) throw new ShapeError(op, 'samples', `must be 1-D (one observation per element), got ${samples.ndim}-D`, { samples: samples.shape });
      if (samples.dtype === 'bool') throw new DTypeError(op, 'samples', 'must be a number tensor, got bool');
      values = samples.toTypedArray() as ArrayLike<number>;
      this.dtype = samples.dtype === 'float64' ? 'float64' : 'float32';
    } else if (samples !== null && typeof samples === 'object' && typeof (samples as { length?: unknown }).length === 'number') {
      values = samples;
      this.dtype = samples instanceof Float64Array ? 'float64' : 'float32';
    } else {
      throw new ArgumentError(op, 'samples', `must be a 1-D Tensor or an array of numbers, got ${samples === null ? 'null' : typeof samples}`);
    }
    if (values.length === 0) throw new ArgumentError(op, 'samples', 'must hold at least one observation');
    const sorted = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, 'samples', `must be finite numbers, got ${String(v)} at index ${i}`);
      sorted[i] = v;
    }
    sorted.sort();
    this.sorted = sorted;
  }

  /** The number of observations. */
  get length(): number {
    return this.sorted.length;
  }

  /** The CDF at x: P(X ≤ x) (a number, or a tensor of the same shape, float64). */
  cdf(x: number): number;
  cdf(x: Tensor): Tensor<'float64'>;
  cdf(x: number | Tensor): number | Tensor<'float64'> {
    return this.elementwise('cdf', x, (v) => this.cdfAt(v), false);
  }

  /** The inverse CDF (quantile function) at probabilities u in [0, 1] (a number, or a float64 tensor). */
  icdf(u: number): number;
  icdf(u: Tensor): Tensor<'float64'>;
  icdf(u: number | Tensor): number | Tensor<'float64'> {
    return this.elementwise('icdf', u, (v) => this.icdfAt(v), true);
  }

  /**
   * `n` samples (or a sample shape) by the inverse transform method: icdf(U), U uniform on (0, 1).
   * In 'step' mode this is resampling the observations with replacement, each with probability 1/n.
   */
  sample(n: number | readonly number[], options?: SampleOptions): Tensor<FloatDType> {
    checkOptions('EmpiricalDistribution.sample', options, ['generator', 'dtype']);
    const dtype = checkFloatDType('EmpiricalDistribution.sample', options?.dtype, this.dtype);
    const o: SampleOptions = { dtype };
    if (options?.generator !== undefined) o.generator = options.generator;
    return inverseTransformSample((u) => this.icdf(u), n, o);
  }

  private elementwise(name: string, x: number | Tensor, f: (v: number) => number, probability: boolean): number | Tensor<'float64'> {
    const op = `EmpiricalDistribution.${name}`;
    const check = (v: number): number => {
      if (Number.isNaN(v)) throw new ArgumentError(op, probability ? 'u' : 'x', 'must not be NaN');
      if (probability && !(v >= 0 && v <= 1)) throw new ArgumentError(op, 'u', `must be a probability in [0, 1], got ${v}`);
      return f(v);
    };
    if (typeof x === 'number') return check(x);
    if (!(x instanceof Tensor)) throw new ArgumentError(op, probability ? 'u' : 'x', `must be a number or a Tensor, got ${x === null ? 'null' : typeof x}`);
    if (x.dtype === 'bool') throw new DTypeError(op, probability ? 'u' : 'x', 'must be a number tensor, got bool');
    const src = x.toTypedArray() as ArrayLike<number>;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = check(src[i]!);
    return Tensor.fromData(out, x.shape, 'float64');
  }

  /** Number of observations ≤ v (binary search: the index of the first one > v). */
  private countAtMost(v: number): number {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private cdfAt(v: number): number {
    const n = this.sorted.length;
    const j = this.countAtMost(v);
    if (this.interpolation === 'step' || n === 1) return j / n;
    if (j === 0) return 0;
    if (j === n) return 1;
    // x₍ⱼ₎ ≤ v < x₍ⱼ₊₁₎ (1-based), so the gap is positive.
    const a = this.sorted[j - 1]!;
    const b = this.sorted[j]!;
    return (j - 1 + (v - a) / (b - a)) / (n - 1);
  }

  private icdfAt(u: number): number {
    const s = this.sorted;
    const n = s.length;
    if (this.interpolation === 'step' || n === 1) {
      // The smallest k with k/n ≥ u, compared as cdf() computes k/n (n·u alone may round across k).
      let k = Math.min(n, Math.max(1, Math.ceil(n * u)));
      while (k > 1 && (k - 1) / n >= u) k--;
      while (k < n && k / n < u) k++;
      return s[k - 1]!;
    }
    const h = u * (n - 1);
    const k = Math.min(Math.floor(h), n - 2);
    const frac = h - k;
    return s[k]! + frac * (s[k + 1]! - s[k]!);
  }
}
