// nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d: PyTorch's constructor options, default
// initialisation (kaimingUniform_(a = √5) for the weight, U(±1/√fanIn) for the bias, in that order, so
// manualSeed gives torch's parameters) and stateDict keys `weight`, `bias`. The computation is F.conv*.

import type { DType } from '../../core/dtype.js';
import { ArgumentError, NotImplementedError, checkOptions } from '../../core/errors.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../../ops/creation.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvSize } from '../../ops/conv.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_, type InitOptions } from '../init.js';

/** PyTorch's padding_mode values; only 'zeros' is implemented. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Constructor options of nn.Conv1d / nn.Conv2d (PyTorch's keyword arguments, camelCase). */
export interface ConvModuleOptions extends InitOptions {
  stride?: ConvSize;
  padding?: ConvSize | 'same' | 'valid';
  dilation?: ConvSize;
  groups?: number;
  /** Learnable bias (default true). */
  bias?: boolean;
  /** Only 'zeros' (the default); the others throw NotImplementedError. */
  paddingMode?: PaddingMode;
  dtype?: 'float32' | 'float64';
}

/** Constructor options of nn.ConvTranspose1d / nn.ConvTranspose2d. */
export interface ConvTransposeModuleOptions extends InitOptions {
  stride?: ConvSize;
  padding?: ConvSize;
  outputPadding?: ConvSize;
  groups?: number;
  bias?: boolean;
  dilation?: ConvSize;
  /** Only 'zeros' (PyTorch refuses the others for transposed convolutions too). */
  paddingMode?: 'zeros';
  dtype?: 'float32' | 'float64';
}

const MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

function perDim(op: string, name: string, v: unknown, nd: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(nd).fill(v) : Array.isArray(v) ? (v as number[]).slice() : null;
  if (list === null || (list.length !== nd && list.length !== 1) || list.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x))) {
    throw new ArgumentError(op, name, `must be an integer or a list of ${nd} integers, got ${JSON.stringify(v)}`);
  }
  return list.length === 1 ? new Array<number>(nd).fill(list[0]!) : list;
}

function checkCount(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ArgumentError(op, name, `must be a positive integer, got ${String(v)}`);
  return v;
}

/** The shared part of every convolution module: parameters, their PyTorch init and repr. */
abstract class ConvNd extends Module {
  weight: Parameter<'float32' | 'float64'>;
  bias: Parameter<'float32' | 'float64'> | null;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    op: string, readonly inChannels: number, readonly outChannels: number, kernelSize: ConvSize, nd: number, transposed: boolean,
    o: ConvModuleOptions | ConvTransposeModuleOptions | undefined, keys: readonly string[],
  ) {
    super();
    checkOptions(op, o, keys);
    checkCount(op, 'inChannels', inChannels);
    checkCount(op, 'outChannels', outChannels);
    this.kernelSize = perDim(op, 'kernelSize', kernelSize, nd);
    if (this.kernelSize.some((k) => k < 1)) throw new ArgumentError(op, 'kernelSize', `must be positive, got ${JSON.stringify(kernelSize)}`);
    this.stride = perDim(op, 'stride', o?.stride ?? 1, nd);
    this.dilation = perDim(op, 'dilation', o?.dilation ?? 1, nd);
    const groups = o?.groups ?? 1;
    if (typeof groups !== 'number' || !Number.isSafeInteger(groups) || groups < 1) throw new ArgumentError(op, 'groups', `must be a positive integer, got ${String(groups)}`);
    if (inChannels % groups !== 0) throw new ArgumentError(op, 'inChannels', `must be divisible by groups (${groups}), got ${inChannels}`);
    if (outChannels % groups !== 0) throw new ArgumentError(op, 'outChannels', `must be divisible by groups (${groups}), got ${outChannels}`);
    this.groups = groups;
    const mode = o?.paddingMode ?? 'zeros';
    if (!MODES.includes(mode)) throw new ArgumentError(op, 'paddingMode', `must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
    if (mode !== 'zeros') {
      if (transposed) throw new ArgumentError(op, 'paddingMode', `only 'zeros' padding mode is supported for ${op}, got '${mode}'`);
      throw new NotImplementedError(op, `paddingMode '${mode}' is not implemented yet; only 'zeros' is`);
    }
    this.paddingMode = mode;
    const dtype: DType = o?.dtype ?? 'float32';
    const shape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(zeros(shape, { dtype })) as Parameter<'float32' | 'float64'>;
    this.bias = o?.bias === false ? null : (new Parameter(zeros([outChannels], { dtype })) as Parameter<'float32' | 'float64'>);
    this.resetParameters(o);
  }

  /** PyTorch's init: kaimingUniform_(a = √5) for the weight, then U(±1/√fanIn) for the bias. */
  resetParameters(options?: InitOptions): void {
    const gen = options?.generator ? { generator: options.generator } : {};
    kaimingUniform_(this.weight, { a: Math.sqrt(5), ...gen });
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, gen);
    }
  }

  protected reprParts(padding: string, extra: string[]): string {
    const parts = [`${this.inChannels}`, `${this.outChannels}`, `kernelSize=[${this.kernelSize.join(', ')}]`, `stride=[${this.stride.join(', ')}]`];
    if (padding) parts.push(padding);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=[${this.dilation.join(', ')}]`);
    parts.push(...extra);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

abstract class ConvForward extends ConvNd {
  readonly padding: readonly number[] | 'same' | 'valid';
  constructor(op: string, inChannels: number, outChannels: number, kernelSize: ConvSize, nd: number, options: ConvModuleOptions | undefined) {
    super(op, inChannels, outChannels, kernelSize, nd, false, options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype', 'generator']);
    const p = options?.padding ?? 0;
    if (typeof p === 'string') {
      if (p !== 'same' && p !== 'valid') throw new ArgumentError(op, 'padding', `invalid padding string '${p}', should be one of 'valid', 'same'`);
      if (p === 'same' && this.stride.some((s) => s !== 1)) throw new ArgumentError(op, 'padding', "padding='same' is not supported for strided convolutions");
      this.padding = p;
    } else {
      this.padding = perDim(op, 'padding', p, nd);
    }
  }
  protected options(): { stride: readonly number[]; padding: readonly number[] | 'same' | 'valid'; dilation: readonly number[]; groups: number } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }
  override extraRepr(): string {
    const p = typeof this.padding === 'string' ? `padding='${this.padding}'` : this.padding.some((v) => v !== 0) ? `padding=[${this.padding.join(', ')}]` : '';
    return this.reprParts(p, []);
  }
}

/**
 * 2-D convolution layer (PyTorch's `nn.Conv2d`): weight [outChannels, inChannels/groups, kH, kW], bias
 * [outChannels]; input [N, inChannels, H, W] or [inChannels, H, W].
 *
 * @example
 * const conv = new nn.Conv2d(3, 16, 3, { padding: 1 });
 * const y = conv.forward(randn(8, 3, 32, 32)); // [8, 16, 32, 32]
 */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvModuleOptions) {
    super('Conv2d', inChannels, outChannels, kernelSize, 2, options);
  }
  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, this.options());
  }
}

/**
 * 1-D convolution layer (PyTorch's `nn.Conv1d`): weight [outChannels, inChannels/groups, k], bias
 * [outChannels]; input [N, inChannels, L] or [inChannels, L].
 *
 * @example
 * const conv = new nn.Conv1d(4, 8, 5, { padding: 'same' });
 * const y = conv.forward(randn(2, 4, 100)); // [2, 8, 100]
 */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvModuleOptions) {
    super('Conv1d', inChannels, outChannels, kernelSize, 1, options);
  }
  forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, this.options());
  }
}

abstract class ConvTransposeNd extends ConvNd {
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  constructor(private readonly op: string, inChannels: number, outChannels: number, kernelSize: ConvSize, private readonly nd: number,
    options: ConvTransposeModuleOptions | undefined) {
    super(op, inChannels, outChannels, kernelSize, nd, true, options, ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode', 'dtype', 'generator']);
    if (typeof options?.padding === 'string') throw new ArgumentError(op, 'padding', `must be an integer or a list of ${nd} integers, got '${String(options.padding)}'`);
    this.padding = perDim(op, 'padding', options?.padding ?? 0, nd);
    this.outputPadding = perDim(op, 'outputPadding', options?.outputPadding ?? 0, nd);
  }

  /**
   * The outputPadding that makes the output `outputSize` (PyTorch's `_output_padding`): the spatial
   * sizes, or the full shape; must lie between the smallest output and that plus stride − 1.
   */
  protected outputPaddingFor(input: Tensor, outputSize: readonly number[] | undefined): readonly number[] {
    if (outputSize === undefined) return this.outputPadding;
    const nd = this.nd;
    const batched = input.ndim === nd + 2;
    const size = outputSize.length === input.ndim ? outputSize.slice(input.ndim - nd) : outputSize.slice();
    if (size.length !== nd || size.some((s) => !Number.isSafeInteger(s))) {
      throw new ArgumentError(this.op, 'outputSize', `must have ${nd} or ${input.ndim} integers, got ${JSON.stringify(outputSize)}`);
    }
    const spatial = input.shape.slice(batched ? 2 : 1);
    return size.map((want, d) => {
      const min = (spatial[d]! - 1) * this.stride[d]! - 2 * this.padding[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1;
      const max = min + this.stride[d]! - 1;
      if (want < min || want > max) {
        throw new ArgumentError(this.op, 'outputSize', `requested an output size of [${size.join(', ')}], but valid sizes range from [${spatial.map((_, i) => (spatial[i]! - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + 1).join(', ')}] to [${spatial.map((_, i) => (spatial[i]! - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + this.stride[i]!).join(', ')}] (for an input of [${spatial.join(', ')}])`);
      }
      return want - min;
    });
  }

  protected options(outputPadding: readonly number[]): { stride: readonly number[]; padding: readonly number[]; outputPadding: readonly number[]; groups: number; dilation: readonly number[] } {
    return { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation };
  }

  override extraRepr(): string {
    const p = this.padding.some((v) => v !== 0) ? `padding=[${this.padding.join(', ')}]` : '';
    const op = this.outputPadding.some((v) => v !== 0) ? [`outputPadding=[${this.outputPadding.join(', ')}]`] : [];
    return this.reprParts(p, op);
  }
}

/**
 * 2-D transposed convolution layer (PyTorch's `nn.ConvTranspose2d`): weight [inChannels,
 * outChannels/groups, kH, kW], bias [outChannels]. `forward(input, outputSize?)` picks the
 * outputPadding that gives `outputSize` (as PyTorch's `output_size` argument).
 *
 * @example
 * const up = new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * const y = up.forward(randn(1, 16, 8, 8)); // [1, 8, 16, 16]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvTransposeModuleOptions) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, 2, options);
  }
  forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose2d(input, this.weight, this.bias, this.options(this.outputPaddingFor(input, outputSize)));
  }
}

/**
 * 1-D transposed convolution layer (PyTorch's `nn.ConvTranspose1d`): weight [inChannels,
 * outChannels/groups, k], bias [outChannels].
 *
 * @example
 * const up = new nn.ConvTranspose1d(4, 2, 4, { stride: 2, padding: 1 });
 * const y = up.forward(randn(3, 4, 10)); // [3, 2, 20]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvTransposeModuleOptions) {
    super('ConvTranspose1d', inChannels, outChannels, kernelSize, 1, options);
  }
  forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose1d(input, this.weight, this.bias, this.options(this.outputPaddingFor(input, outputSize)));
  }
}
