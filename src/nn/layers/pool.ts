// Pooling modules (PyTorch's nn.MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d):
// each stores its arguments and calls the functional op in forward. No parameters, no buffers. Arguments
// are checked when the module runs, as in PyTorch, except for unknown option names.

import { checkOptions } from '../../core/errors.js';
import type { Tensor } from '../../tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AvgPool1dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type MaxPool2dOptions, type OutputSize1, type OutputSize2,
  type Size1, type Size2,
} from '../../ops/pool.js';
import { Module } from '../module.js';

/** What a max pool returns: values, or [values, indices] when built with returnIndices: true. */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor<'int32'>] : Tensor;

const show = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/**
 * 2-d max pooling (PyTorch's `nn.MaxPool2d`): see {@link maxPool2d} for the arguments. With
 * `returnIndices: true` the module returns `[values, indices]`.
 *
 * @example
 * const pool = new nn.MaxPool2d(2);                       // stride defaults to the kernel size
 * pool.call(randn(1, 3, 8, 8)).shape;                     // [1, 3, 4, 4]
 * const [y, idx] = new nn.MaxPool2d(3, { stride: 2, returnIndices: true }).call(x);
 */
export class MaxPool2d<R extends boolean = false> extends Module<[Tensor], PoolResult<R>> {
  readonly kernelSize: Size2;
  readonly options: Readonly<MaxPool2dOptions>;
  constructor(kernelSize: Size2, options?: MaxPool2dOptions & { returnIndices?: R }) {
    super();
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }
  forward(input: Tensor): PoolResult<R> {
    return maxPool2d(input, this.kernelSize, this.options) as PoolResult<R>;
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${show(this.kernelSize)}, stride=${show(o.stride ?? this.kernelSize)}, padding=${show(o.padding ?? 0)}, dilation=${show(o.dilation ?? 1)}, ceilMode=${o.ceilMode ?? false}`;
  }
}

/**
 * 1-d max pooling of (N, C, L) or (C, L) inputs (PyTorch's `nn.MaxPool1d`); see {@link maxPool1d}.
 *
 * @example
 * new nn.MaxPool1d(3, { stride: 2 }).call(randn(4, 8, 100)).shape;   // [4, 8, 49]
 */
export class MaxPool1d<R extends boolean = false> extends Module<[Tensor], PoolResult<R>> {
  readonly kernelSize: Size1;
  readonly options: Readonly<MaxPool1dOptions>;
  constructor(kernelSize: Size1, options?: MaxPool1dOptions & { returnIndices?: R }) {
    super();
    checkOptions('MaxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }
  forward(input: Tensor): PoolResult<R> {
    return maxPool1d(input, this.kernelSize, this.options) as PoolResult<R>;
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${show(this.kernelSize)}, stride=${show(o.stride ?? this.kernelSize)}, padding=${show(o.padding ?? 0)}, dilation=${show(o.dilation ?? 1)}, ceilMode=${o.ceilMode ?? false}`;
  }
}

/**
 * 2-d average pooling (PyTorch's `nn.AvgPool2d`); see {@link avgPool2d}.
 *
 * @example
 * new nn.AvgPool2d(2).call(x);
 * new nn.AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }).call(x);
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Size2;
  readonly options: Readonly<AvgPool2dOptions>;
  constructor(kernelSize: Size2, options?: AvgPool2dOptions) {
    super();
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }
  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${show(this.kernelSize)}, stride=${show(o.stride ?? this.kernelSize)}, padding=${show(o.padding ?? 0)}`;
  }
}

/**
 * 1-d average pooling (PyTorch's `nn.AvgPool1d`); see {@link avgPool1d}.
 *
 * @example
 * new nn.AvgPool1d(2).call(tensor([[[1, 2, 3, 4]]]));   // [[[1.5, 3.5]]]
 */
export class AvgPool1d extends Module {
  readonly kernelSize: Size1;
  readonly options: Readonly<AvgPool1dOptions>;
  constructor(kernelSize: Size1, options?: AvgPool1dOptions) {
    super();
    checkOptions('AvgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }
  forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${show(this.kernelSize)}, stride=${show(o.stride ?? this.kernelSize)}, padding=${show(o.padding ?? 0)}`;
  }
}

/**
 * Adaptive 2-d average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`); see
 * {@link adaptiveAvgPool2d}. `new nn.AdaptiveAvgPool2d(1)` is global average pooling.
 *
 * @example
 * new nn.AdaptiveAvgPool2d([7, 7]).call(randn(2, 512, 14, 14)).shape;   // [2, 512, 7, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: OutputSize2) {
    super();
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/**
 * Adaptive 1-d average pooling (PyTorch's `nn.AdaptiveAvgPool1d`); see {@link adaptiveAvgPool1d}.
 *
 * @example
 * new nn.AdaptiveAvgPool1d(1).call(randn(4, 16, 50)).shape;   // [4, 16, 1]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: OutputSize1) {
    super();
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/**
 * Adaptive 2-d max pooling (PyTorch's `nn.AdaptiveMaxPool2d`); see {@link adaptiveMaxPool2d}.
 *
 * @example
 * new nn.AdaptiveMaxPool2d([2, 2]).call(x);
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<[Tensor], PoolResult<R>> {
  readonly returnIndices: R;
  constructor(readonly outputSize: OutputSize2, options?: { returnIndices?: R }) {
    super();
    checkOptions('AdaptiveMaxPool2d', options, ['returnIndices']);
    this.returnIndices = (options?.returnIndices ?? false) as R;
  }
  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/**
 * Adaptive 1-d max pooling (PyTorch's `nn.AdaptiveMaxPool1d`); see {@link adaptiveMaxPool1d}.
 *
 * @example
 * new nn.AdaptiveMaxPool1d(1).call(randn(4, 16, 50)).shape;   // [4, 16, 1]
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module<[Tensor], PoolResult<R>> {
  readonly returnIndices: R;
  constructor(readonly outputSize: OutputSize1, options?: { returnIndices?: R }) {
    super();
    checkOptions('AdaptiveMaxPool1d', options, ['returnIndices']);
    this.returnIndices = (options?.returnIndices ?? false) as R;
  }
  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}
