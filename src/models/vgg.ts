// VGG 11/13/16/19 with and without batch norm, as torchvision builds them: `features` from a
// configuration list (3x3 convolutions with padding 1, 'M' = 2x2 max pool), adaptive average pooling to
// 7x7, a dropout classifier 25088-4096-4096-classes; torchvision's init (conv kaiming-normal fan_out,
// Linear N(0, 0.01²), biases 0, BatchNorm 1 / 0). Keys features.<i>.*, classifier.{0,3,6}.*.

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/layout.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/containers.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { Dropout } from '../nn/layers/dropout.js';
import { BatchNorm2d } from '../nn/layers/norm.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/layers/pool.js';
import { classifierOptions, flag, initKaimingFanOut, positiveInt, probability, type ClassifierOptions } from './common.js';

/** A VGG configuration: output channels of each 3x3 convolution, 'M' for a 2x2 max pool. */
export type VGGConfig = readonly (number | 'M')[];

/** torchvision's configurations: A = VGG-11, B = VGG-13, D = VGG-16, E = VGG-19. */
export const vggConfigs: Readonly<Record<'A' | 'B' | 'D' | 'E', VGGConfig>> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/**
 * The feature extractor of a VGG (torchvision's `make_layers`): conv 3x3 pad 1 [+ BatchNorm2d] + ReLU per
 * number, MaxPool2d(2, 2) per 'M'.
 */
export function makeLayers(cfg: VGGConfig, options?: { batchNorm?: boolean; inChannels?: number }): Sequential {
  checkOptions('makeLayers', options, ['batchNorm', 'inChannels']);
  const bn = flag('makeLayers', 'batchNorm', options?.batchNorm ?? false);
  let c = positiveInt('makeLayers', 'inChannels', options?.inChannels ?? 3);
  const layers = new Sequential();
  for (const v of cfg) {
    if (v === 'M') {
      layers.append(new MaxPool2d(2, { stride: 2 }));
    } else {
      positiveInt('makeLayers', 'cfg', v);
      layers.append(new Conv2d(c, v, 3, { padding: 1 }));
      if (bn) layers.append(new BatchNorm2d(v));
      layers.append(new ReLU());
      c = v;
    }
  }
  return layers;
}

export interface VGGOptions {
  numClasses?: number;
  /** torchvision's init (default true); false keeps PyTorch's default Conv2d / Linear init. */
  initWeights?: boolean;
  /** Dropout probability of the classifier (default 0.5). */
  dropout?: number;
  /** Width of the classifier's hidden layers (default 4096). */
  hidden?: number;
  /** Side of the adaptive average pool before the classifier (default 7). */
  pooledSize?: number;
}

/**
 * VGG (torchvision's `VGG(features, ...)`): `features` (from {@link makeLayers}), adaptive average pool to
 * pooledSize², classifier Linear-ReLU-Dropout-Linear-ReLU-Dropout-Linear. The last conv layer must give
 * 512 channels.
 */
export class VGG extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  constructor(features: Sequential, options?: VGGOptions) {
    super();
    checkOptions('VGG', options, ['numClasses', 'initWeights', 'dropout', 'hidden', 'pooledSize']);
    if (!(features instanceof Sequential)) throw new ArgumentError('VGG', 'features', 'must be an nn.Sequential (see makeLayers)');
    const numClasses = positiveInt('VGG', 'numClasses', options?.numClasses ?? 1000);
    const p = probability('VGG', 'dropout', options?.dropout ?? 0.5);
    const hidden = positiveInt('VGG', 'hidden', options?.hidden ?? 4096);
    const s = positiveInt('VGG', 'pooledSize', options?.pooledSize ?? 7);
    this.features = features;
    this.avgpool = new AdaptiveAvgPool2d([s, s]);
    this.classifier = new Sequential(
      new Linear(512 * s * s, hidden), new ReLU(), new Dropout(p),
      new Linear(hidden, hidden), new ReLU(), new Dropout(p),
      new Linear(hidden, numClasses),
    );
    if (flag('VGG', 'initWeights', options?.initWeights ?? true)) initKaimingFanOut(this, 0.01);
  }

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

/** Options of the vgg* factories. */
export interface VGGFactoryOptions extends ClassifierOptions {
  dropout?: number;
  initWeights?: boolean;
}

function vgg(op: string, cfg: VGGConfig, batchNorm: boolean, options: VGGFactoryOptions | undefined): VGG {
  const o = classifierOptions(op, options, ['dropout', 'initWeights'], { numClasses: 1000, inChannels: 3 });
  // smallInput: without the last max pool (32x32 -> 2x2, 28x28 -> 1x1), averaged to 1x1, 512-wide classifier.
  const features = makeLayers(o.smallInput ? cfg.slice(0, -1) : cfg, { batchNorm, inChannels: o.inChannels });
  return new VGG(features, {
    numClasses: o.numClasses,
    ...(options?.dropout === undefined ? {} : { dropout: options.dropout }),
    ...(options?.initWeights === undefined ? {} : { initWeights: options.initWeights }),
    ...(o.smallInput ? { hidden: 512, pooledSize: 1 } : {}),
  });
}

/**
 * VGG-11 (configuration A, torchvision's `vgg11()`, 132,863,336 parameters). `smallInput` (28x28 /
 * 32x32): no final max pool, 1x1 average pool, classifier 512-512-512-classes.
 *
 * @example
 * const net = models.vgg11Bn({ numClasses: 10, smallInput: true });
 * net.call(randn(2, 3, 32, 32)).shape;   // [2, 10]
 */
export const vgg11 = (options?: VGGFactoryOptions): VGG => vgg('vgg11', vggConfigs.A, false, options);
/** VGG-11 with batch norm (torchvision's `vgg11_bn()`); see {@link vgg11}. */
export const vgg11Bn = (options?: VGGFactoryOptions): VGG => vgg('vgg11Bn', vggConfigs.A, true, options);
/** VGG-13 (configuration B); see {@link vgg11}. */
export const vgg13 = (options?: VGGFactoryOptions): VGG => vgg('vgg13', vggConfigs.B, false, options);
/** VGG-13 with batch norm; see {@link vgg11}. */
export const vgg13Bn = (options?: VGGFactoryOptions): VGG => vgg('vgg13Bn', vggConfigs.B, true, options);
/** VGG-16 (configuration D, 138,357,544 parameters); see {@link vgg11}. */
export const vgg16 = (options?: VGGFactoryOptions): VGG => vgg('vgg16', vggConfigs.D, false, options);
/** VGG-16 with batch norm; see {@link vgg11}. */
export const vgg16Bn = (options?: VGGFactoryOptions): VGG => vgg('vgg16Bn', vggConfigs.D, true, options);
/** VGG-19 (configuration E); see {@link vgg11}. */
export const vgg19 = (options?: VGGFactoryOptions): VGG => vgg('vgg19', vggConfigs.E, false, options);
/** VGG-19 with batch norm; see {@link vgg11}. */
export const vgg19Bn = (options?: VGGFactoryOptions): VGG => vgg('vgg19Bn', vggConfigs.E, true, options);
