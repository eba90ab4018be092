// nn.init: PyTorch's initialisers with its formulas (fan computation, gains, bounds), in place under
// noGrad. Trailing-underscore names are canonical; the plain names are aliases.

import { ArgumentError, ShapeError } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { noGrad } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fill_, normal_ as tensorNormal_, uniform_ as tensorUniform_ } from '../ops/inplace.js';
import { erf } from '../backend/reference/elementwise.js';

let skipping = 0;

/**
 * Runs `fn` with every initialiser of this module turned into a no-op, so modules built inside keep
 * the values their constructors allocate (zeros; BatchNorm weight 1): PyTorch's
 * `torch.nn.utils.skip_init`, for building a model only to load weights into it or to count its
 * parameters (VGG-19's 143M parameters cost seconds of random draws otherwise).
 *
 * @example
 * const model = nn.init.skipInit(() => models.vgg16());   // no random draws
 * model.loadStateDict(io.load('vgg16.safetensors').tensors);
 */
export function skipInit<T>(fn: () => T): T {
  skipping++;
  try {
    return fn();
  } finally {
    skipping--;
  }
}

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

/** PyTorch's recommended gain for a nonlinearity (leaky_relu uses `param` as its slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope)) throw new ArgumentError('calculateGain', 'param', `must be a number, got ${String(param)}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ArgumentError('calculateGain', 'nonlinearity', `unsupported: ${JSON.stringify(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] for a weight [out, in, ...kernel] (PyTorch's _calculate_fan_in_and_fan_out). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ShapeError('calculateFanInAndFanOut', 'tensor', 'must have at least 2 dims to compute fan in and fan out', { tensor: t.shape });
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fi, fo] = calculateFanInAndFanOut(t);
  if (mode === 'fan_in' || mode === 'fanIn') return fi;
  if (mode === 'fan_out' || mode === 'fanOut') return fo;
  throw new ArgumentError('kaiming', 'mode', `must be 'fan_in' or 'fan_out', got ${JSON.stringify(mode)}`);
}

export interface InitOptions {
  generator?: Generator;
}
const gen = (o?: InitOptions): { generator?: Generator } => (o?.generator ? { generator: o.generator } : {});

export function uniform_(t: Tensor, a = 0, b = 1, options?: InitOptions): Tensor {
  if (skipping > 0) return t;
  return noGrad(() => tensorUniform_(t, a, b, gen(options)));
}
export function normal_(t: Tensor, mean = 0, std = 1, options?: InitOptions): Tensor {
  if (skipping > 0) return t;
  return noGrad(() => tensorNormal_(t, mean, std, gen(options)));
}
export function constant_(t: Tensor, value: number): Tensor {
  if (skipping > 0) return t;
  return noGrad(() => fill_(t, value));
}
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** U(−a, a) with a = gain·sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export function xavierUniform_(t: Tensor, gain = 1, options?: InitOptions): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fi + fo));
  const a = Math.sqrt(3) * std;
  return uniform_(t, -a, a, options);
}
/** N(0, std²) with std = gain·sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, options?: InitOptions): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}
/** U(−bound, bound), bound = gain·sqrt(3 / fan) (He et al. 2015); defaults as PyTorch (a=0, fan_in, leaky_relu). */
export function kaimingUniform_(t: Tensor, options?: KaimingOptions): Tensor {
  const f = fan(t, options?.mode ?? 'fan_in');
  if (f === 0) return t;
  const gain = calculateGain(options?.nonlinearity ?? 'leaky_relu', options?.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(f));
  return uniform_(t, -bound, bound, options);
}
/** N(0, std²), std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options?: KaimingOptions): Tensor {
  const f = fan(t, options?.mode ?? 'fan_in');
  if (f === 0) return t;
  const gain = calculateGain(options?.nonlinearity ?? 'leaky_relu', options?.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(f), options);
}
/** U(−1/sqrt(fanIn), 1/sqrt(fanIn)): the 1/√fan_in scaling PyTorch uses for Linear and Conv defaults. */
export function uniformFanIn_(t: Tensor, options?: InitOptions): Tensor {
  const [fi] = calculateFanInAndFanOut(t);
  const bound = fi > 0 ? 1 / Math.sqrt(fi) : 0;
  return uniform_(t, -bound, bound, options);
}
/** N(0, 1/fanIn) (LeCun normal). */
export function lecunNormal_(t: Tensor, options?: InitOptions): Tensor {
  const [fi] = calculateFanInAndFanOut(t);
  return normal_(t, 0, fi > 0 ? 1 / Math.sqrt(fi) : 0, options);
}

/**
 * PyTorch's erfinv (its float rational approximation refined by two Newton steps); y in [−1, 1].
 */
export function erfinv(y: number): number {
  const ay = Math.abs(y);
  if (ay > 1 || Number.isNaN(y)) return NaN;
  if (ay === 1) return y * Infinity;
  let x: number;
  if (ay <= 0.7) {
    const z = y * y;
    const num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
    const dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1;
    x = (y * num) / dem;
  } else {
    const z = Math.sqrt(-Math.log((1 - ay) / 2));
    const num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
    const dem = (1.6370678 * z + 3.5438892) * z + 1;
    x = Math.sign(y) * (num / dem);
  }
  const k = 2 / Math.sqrt(Math.PI);
  x -= (erf(x) - y) / (k * Math.exp(-x * x));
  x -= (erf(x) - y) / (k * Math.exp(-x * x));
  return x;
}

/**
 * N(mean, std²) truncated to [a, b] (PyTorch's trunc_normal_; the same distribution). When [a, b] holds
 * at least half the mass (the usual case: torchvision's ±2 around std 0.01), normal draws outside it are
 * drawn again; otherwise PyTorch's inverse-CDF method: a uniform draw in [2·Φ(a') − 1, 2·Φ(b') − 1]
 * through erfinv, clamped to [a, b].
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options?: InitOptions): Tensor {
  if (skipping > 0) return t;
  for (const [k, v] of [['mean', mean], ['std', std], ['a', a], ['b', b]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError('truncNormal_', k, `must be a number, got ${String(v)}`);
  }
  if (!(std > 0) || !(a < b)) throw new ArgumentError('truncNormal_', 'std', `must be > 0 with a < b, got std=${std}, a=${a}, b=${b}`);
  if (!t.isContiguous()) throw new ArgumentError('truncNormal_', 'tensor', 'must be contiguous');
  const cdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  const l = cdf((a - mean) / std);
  const u = cdf((b - mean) / std);
  const g = options?.generator ?? defaultGenerator;
  return noGrad(() => {
    const data = t.storage.data.subarray(t.offset, t.offset + t.numel()) as Float32Array | Float64Array;
    if (u - l >= 0.5) {
      g.fillNormal(data, mean, std);
      for (let i = 0; i < data.length; i++) {
        let v = data[i]!;
        while (!(v >= a && v <= b)) v = g.nextNormal() * std + mean;
        data[i] = v;
      }
    } else {
      g.fillUniform(data, 2 * l - 1, 2 * u - 1);
      const s = std * Math.SQRT2;
      for (let i = 0; i < data.length; i++) data[i] = Math.min(b, Math.max(a, erfinv(data[i]!) * s + mean));
    }
    t.storage.version++;
    return t;
  });
}

export const uniform = uniform_;
export const normal = normal_;
export const constant = constant_;
export const xavierUniform = xavierUniform_;
export const xavierNormal = xavierNormal_;
export const kaimingUniform = kaimingUniform_;
export const kaimingNormal = kaimingNormal_;
export const truncNormal = truncNormal_;
