// nn.init: PyTorch's initialisers with its formulas (fan computation, gains, bounds), in place under
// noGrad. Trailing-underscore names are canonical; the plain names are aliases.

import { ArgumentError, ShapeError } from '../core/errors.js';
import type { Generator } from '../core/random.js';
import { noGrad } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fill_, normal_ as tensorNormal_, uniform_ as tensorUniform_ } from '../ops/inplace.js';

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
  return noGrad(() => tensorUniform_(t, a, b, gen(options)));
}
export function normal_(t: Tensor, mean = 0, std = 1, options?: InitOptions): Tensor {
  return noGrad(() => tensorNormal_(t, mean, std, gen(options)));
}
export function constant_(t: Tensor, value: number): Tensor {
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

export const uniform = uniform_;
export const normal = normal_;
export const constant = constant_;
export const xavierUniform = xavierUniform_;
export const xavierNormal = xavierNormal_;
export const kaimingUniform = kaimingUniform_;
export const kaimingNormal = kaimingNormal_;
