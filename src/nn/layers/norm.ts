// Normalisation modules (PyTorch's nn.BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm) with PyTorch's
// parameters (weight = 1, bias = 0), buffers and stateDict keys (running_mean, running_var,
// num_batches_tracked), train/eval behaviour and momentum rules. The maths is in ops/norm.ts.

import type { FloatDType } from '../../core/dtype.js';
import { ArgumentError, ShapeError, checkOptions } from '../../core/errors.js';
import { noGrad } from '../../engine.js';
import { Tensor } from '../../tensor.js';
import { ones, zeros } from '../../ops/creation.js';
import { add_, fill_, zero_ } from '../../ops/inplace.js';
import { batchNorm, groupNorm, layerNorm } from '../../ops/norm.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Options of the batch-norm modules (PyTorch's constructor arguments). */
export interface BatchNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Running-average factor (default 0.1); null: a cumulative average over the batches seen. */
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them batch statistics are always used. */
  trackRunningStats?: boolean;
  /** Parameter and buffer dtype (default float32). */
  dtype?: FloatDType;
}

function positiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ArgumentError(op, arg, `must be a positive integer, got ${String(v)}`);
  return v;
}
function finite(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, arg, `must be a finite number, got ${String(v)}`);
  return v;
}
function bool(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(op, arg, `must be a boolean, got ${typeof v}`);
  return v;
}

/**
 * The shared body of BatchNorm1d/2d (PyTorch's _BatchNorm). Buffers: `running_mean` (zeros), `running_var`
 * (ones) and `num_batches_tracked` (a 0-d int32 counter; PyTorch's is int64), all absent without
 * trackRunningStats. Training: batch statistics, running ones updated; eval: running statistics.
 */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  /** null: cumulative moving average (factor 1/numBatchesTracked). */
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter<FloatDType> | null;
  bias: Parameter<FloatDType> | null;

  constructor(numFeatures: number, options?: BatchNormModuleOptions) {
    super();
    const name = new.target.name;
    checkOptions(name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    this.numFeatures = positiveInt(name, 'numFeatures', numFeatures);
    this.eps = options?.eps === undefined ? 1e-5 : finite(name, 'eps', options.eps);
    this.momentum = options?.momentum === undefined ? 0.1 : options.momentum === null ? null : finite(name, 'momentum', options.momentum);
    this.affine = options?.affine === undefined ? true : bool(name, 'affine', options.affine);
    this.trackRunningStats = options?.trackRunningStats === undefined ? true : bool(name, 'trackRunningStats', options.trackRunningStats);
    const dtype = options?.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new ArgumentError(name, 'dtype', `must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? Tensor.zeros([], 'int32') : null);
  }

  /** The running mean buffer (null without trackRunningStats). */
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }
  /** The running (unbiased) variance buffer (null without trackRunningStats). */
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }
  /** Training batches seen (a 0-d int32 tensor; null without trackRunningStats). */
  get numBatchesTracked(): Tensor<'int32'> | null {
    return this.getBuffer('num_batches_tracked') as Tensor<'int32'> | null;
  }

  /** Running statistics back to mean 0, variance 1, no batches (PyTorch's reset_running_stats). */
  resetRunningStats(): void {
    noGrad(() => {
      if (this.runningMean) zero_(this.runningMean);
      if (this.runningVar) fill_(this.runningVar, 1);
      if (this.numBatchesTracked) zero_(this.numBatchesTracked);
    });
  }
  /** Running statistics reset, weight 1, bias 0 (PyTorch's reset_parameters). */
  resetParameters(): void {
    this.resetRunningStats();
    noGrad(() => {
      if (this.weight) fill_(this.weight, 1);
      if (this.bias) zero_(this.bias);
    });
  }

  /** Throws unless the input has a rank this module accepts. */
  protected abstract checkInputDim(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    const counter = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && counter) {
      noGrad(() => add_(counter, 1));
      // NOTE: PyTorch: momentum null averages cumulatively, factor 1/num_batches_tracked.
      if (this.momentum === null) factor = 1 / counter.item();
    }
    const rm = this.runningMean;
    const rv = this.runningVar;
    const useBatch = this.training || (rm === null && rv === null);
    const keep = !this.training || this.trackRunningStats;
    return batchNorm(input, keep ? rm : null, keep ? rv : null, { weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation of (N, C) or (N, C, L) inputs over the batch (and length) (PyTorch's
 * `nn.BatchNorm1d`): weight/bias of `numFeatures` = C, running statistics for evaluation.
 *
 * @example
 * const bn = new nn.BatchNorm1d(16);
 * bn.call(randn(32, 16));            // training: batch statistics, running ones updated
 * bn.eval().call(randn(4, 16));      // evaluation: running statistics
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input?.ndim !== 2 && input?.ndim !== 3) throw new ShapeError('BatchNorm1d', 'input', `must be 2-D or 3-D, got ${input?.ndim}-D`, input ? { input: input.shape } : undefined);
  }
}

/**
 * Batch normalisation of (N, C, H, W) inputs per channel (PyTorch's `nn.BatchNorm2d`). stateDict keys:
 * weight, bias, running_mean, running_var, num_batches_tracked.
 *
 * @example
 * const bn = new nn.BatchNorm2d(64);
 * const y = bn.call(features);       // (N, 64, H, W)
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input?.ndim !== 4) throw new ShapeError('BatchNorm2d', 'input', `must be 4-D, got ${input?.ndim}-D`, input ? { input: input.shape } : undefined);
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormModuleOptions {
  eps?: number;
  /** Learnable elementwise weight (ones) and bias (zeros) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  dtype?: FloatDType;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `nn.LayerNorm`); see {@link layerNorm}.
 *
 * @example
 * const ln = new nn.LayerNorm(512);
 * ln.call(randn(8, 20, 512));
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter<FloatDType> | null;
  bias: Parameter<FloatDType> | null;
  constructor(normalizedShape: number | readonly number[], options?: LayerNormModuleOptions) {
    super();
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'dtype']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? normalizedShape.slice() : null;
    if (shape === null || shape.length === 0 || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
      throw new ArgumentError('LayerNorm', 'normalizedShape', `must be a non-empty list of non-negative integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedShape = shape;
    this.eps = options?.eps === undefined ? 1e-5 : finite('LayerNorm', 'eps', options.eps);
    this.elementwiseAffine = options?.elementwiseAffine === undefined ? true : bool('LayerNorm', 'elementwiseAffine', options.elementwiseAffine);
    const dtype = options?.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(shape, { dtype })) : null;
  }
  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

/** Options of {@link GroupNorm}. */
export interface GroupNormModuleOptions {
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros) (default true). */
  affine?: boolean;
  dtype?: FloatDType;
}

/**
 * Group normalisation (PyTorch's `nn.GroupNorm`): `numChannels` split into `numGroups` groups normalised
 * per sample; see {@link groupNorm}.
 *
 * @example
 * new nn.GroupNorm(4, 32).call(randn(2, 32, 8, 8));
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter<FloatDType> | null;
  bias: Parameter<FloatDType> | null;
  constructor(numGroups: number, numChannels: number, options?: GroupNormModuleOptions) {
    super();
    checkOptions('GroupNorm', options, ['eps', 'affine', 'dtype']);
    this.numGroups = positiveInt('GroupNorm', 'numGroups', numGroups);
    this.numChannels = positiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new ArgumentError('GroupNorm', 'numChannels', `must be divisible by numGroups (${numGroups}), got ${numChannels}`);
    this.eps = options?.eps === undefined ? 1e-5 : finite('GroupNorm', 'eps', options.eps);
    this.affine = options?.affine === undefined ? true : bool('GroupNorm', 'affine', options.affine);
    const dtype = options?.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }
  forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
