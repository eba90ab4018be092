// ResNet (He et al. 2015) as torchvision builds it: a 7x7 stride-2 stem with max pool, four stages of
// BasicBlocks (ResNet-18/34) or Bottlenecks (ResNet-50), each block adding its input (or a 1x1 strided
// projection of it, `downsample`) to its output; global average pool and one Linear. torchvision's init:
// conv kaiming-normal fan_out, BatchNorm 1 / 0, optionally the last BN of each block zeroed.

import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { add, relu } from '../ops/elementwise.js';
import { flatten } from '../ops/layout.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/containers.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Identity, Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { BatchNorm2d } from '../nn/layers/norm.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/layers/pool.js';
import { constant_ } from '../nn/init.js';
import { classifierOptions, flag, initKaimingFanOut, positiveInt, type ClassifierOptions } from './common.js';

/** 3x3 convolution, padding 1, no bias (torchvision's conv3x3). */
const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1, groups = 1): Conv2d =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, groups, bias: false });
/** 1x1 convolution, no bias (torchvision's conv1x1). */
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1): Conv2d => new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

/**
 * The two-convolution residual block of ResNet-18/34: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
 * shortcut = downsample(x) or x. Keys conv1, bn1, conv2, bn2, downsample.{0,1}.
 */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;
  constructor(inplanes: number, planes: number, stride = 1, downsample: Sequential | null = null, groups = 1, baseWidth = 64) {
    super();
    if (groups !== 1 || baseWidth !== 64) throw new ArgumentError('BasicBlock', 'groups', `BasicBlock only supports groups=1 and baseWidth=64, got ${groups} and ${baseWidth}`);
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU();
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
  }
  forward(x: Tensor): Tensor {
    const out = this.bn2.call(this.conv2.call(relu(this.bn1.call(this.conv1.call(x)))));
    return relu(add(out, this.downsample ? this.downsample.call(x) : x));
  }
}

/**
 * The bottleneck block of ResNet-50: 1x1 reduce, 3x3 (the stride sits here, "ResNet v1.5"), 1x1 expand to
 * 4·planes, plus the shortcut. Keys conv1, bn1, conv2, bn2, conv3, bn3, downsample.{0,1}.
 */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu: ReLU;
  readonly downsample: Sequential | null;
  constructor(inplanes: number, planes: number, stride = 1, downsample: Sequential | null = null, groups = 1, baseWidth = 64) {
    super();
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new ReLU();
    this.downsample = downsample;
  }
  forward(x: Tensor): Tensor {
    let out = relu(this.bn1.call(this.conv1.call(x)));
    out = relu(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    return relu(add(out, this.downsample ? this.downsample.call(x) : x));
  }
}

/** A residual block class: BasicBlock or Bottleneck. */
export type ResidualBlock = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions extends ClassifierOptions {
  /** Zero the last BatchNorm weight of every block, so each starts as the identity (default false). */
  zeroInitResidual?: boolean;
  /** Groups of the 3x3 convolutions (Bottleneck only; ResNeXt; default 1). */
  groups?: number;
  /** Channels per group (Bottleneck only; default 64; 128 gives Wide ResNet). */
  widthPerGroup?: number;
  /**
   * Planes of the four stages (default [64, 128, 256, 512], torchvision's; the stem has widths[0]
   * channels). Smaller widths give a small ResNet of the same layout.
   */
  widths?: readonly [number, number, number, number];
}

/**
 * ResNet (torchvision's `ResNet(block, layers, ...)`). `smallInput` (28x28 / 32x32, the CIFAR variant): a
 * 3x3 stride-1 stem without max pool (`maxpool` is an identity), so stage 1 runs at the input size.
 *
 * @example
 * const net = new models.ResNet(models.BasicBlock, [2, 2, 2, 2], { numClasses: 10, inChannels: 1, smallInput: true, widths: [16, 32, 64, 128] });
 * net.call(randn(8, 1, 28, 28)).shape;   // [8, 10]
 */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d | Identity;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Linear;
  private inplanes: number;

  constructor(block: ResidualBlock, layers: readonly [number, number, number, number] | readonly number[], options?: ResNetOptions) {
    super();
    const o = classifierOptions('ResNet', options, ['zeroInitResidual', 'groups', 'widthPerGroup', 'widths'], { numClasses: 1000, inChannels: 3 });
    if (block !== BasicBlock && block !== Bottleneck) throw new ArgumentError('ResNet', 'block', 'must be models.BasicBlock or models.Bottleneck');
    if (!Array.isArray(layers) || layers.length !== 4) throw new ArgumentError('ResNet', 'layers', `must be 4 block counts, got ${JSON.stringify(layers)}`);
    layers.forEach((n) => positiveInt('ResNet', 'layers', n));
    const widths = options?.widths ?? [64, 128, 256, 512];
    if (!Array.isArray(widths) || widths.length !== 4) throw new ArgumentError('ResNet', 'widths', `must be 4 stage widths, got ${JSON.stringify(widths)}`);
    widths.forEach((w) => positiveInt('ResNet', 'widths', w));
    const groups = positiveInt('ResNet', 'groups', options?.groups ?? 1);
    const baseWidth = positiveInt('ResNet', 'widthPerGroup', options?.widthPerGroup ?? 64);
    if (block === BasicBlock && (groups !== 1 || baseWidth !== 64)) throw new ArgumentError('ResNet', 'groups', 'BasicBlock only supports groups=1 and widthPerGroup=64');
    this.inplanes = widths[0];
    this.conv1 = o.smallInput ? conv3x3(o.inChannels, widths[0]) : new Conv2d(o.inChannels, widths[0], 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(widths[0]);
    this.relu = new ReLU();
    this.maxpool = o.smallInput ? new Identity() : new MaxPool2d(3, { stride: 2, padding: 1 });
    const stage = (planes: number, blocks: number, stride: number): Sequential => {
      const e = block.expansion;
      const downsample = stride !== 1 || this.inplanes !== planes * e ? new Sequential(conv1x1(this.inplanes, planes * e, stride), new BatchNorm2d(planes * e)) : null;
      const seq = new Sequential(new block(this.inplanes, planes, stride, downsample, groups, baseWidth));
      this.inplanes = planes * e;
      for (let i = 1; i < blocks; i++) seq.append(new block(this.inplanes, planes, 1, null, groups, baseWidth));
      return seq;
    };
    this.layer1 = stage(widths[0], layers[0]!, 1);
    this.layer2 = stage(widths[1], layers[1]!, 2);
    this.layer3 = stage(widths[2], layers[2]!, 2);
    this.layer4 = stage(widths[3], layers[3]!, 2);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(widths[3] * block.expansion, o.numClasses);
    initKaimingFanOut(this, null);
    if (flag('ResNet', 'zeroInitResidual', options?.zeroInitResidual ?? false)) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) constant_(m.bn3.weight, 0);
        else if (m instanceof BasicBlock && m.bn2.weight) constant_(m.bn2.weight, 0);
      }
    }
  }

  forward(input: Tensor): Tensor {
    let x = this.maxpool.call(relu(this.bn1.call(this.conv1.call(input))));
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    return this.fc.call(flatten(this.avgpool.call(x), 1));
  }
}

type FactoryOptions = Omit<ResNetOptions, 'groups' | 'widthPerGroup'>;

/**
 * ResNet-18 (torchvision's `resnet18()`: BasicBlocks [2, 2, 2, 2], 11,689,512 parameters).
 *
 * @example
 * const net = models.resnet18({ numClasses: 10, smallInput: true });   // CIFAR-10 style
 */
export const resnet18 = (options?: FactoryOptions): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], options);
/** ResNet-34 (BasicBlocks [3, 4, 6, 3], 21,797,672 parameters); see {@link resnet18}. */
export const resnet34 = (options?: FactoryOptions): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], options);
/** ResNet-50 (Bottlenecks [3, 4, 6, 3], 25,557,032 parameters); see {@link resnet18}. */
export const resnet50 = (options?: ResNetOptions): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], options);

