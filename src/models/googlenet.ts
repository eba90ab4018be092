// GoogLeNet (Inception v1) as torchvision builds it: BasicConv2d = conv (no bias) + BatchNorm2d(eps 1e-3)
// + ReLU; nine Inception modules with 1x1 bottlenecks before the 3x3 branches and a 1x1 projection after
// the pool branch; optional auxiliary classifiers after inception4a and 4d; truncated-normal init.
// 6,624,904 parameters without the auxiliary classifiers (torchvision's count for its weights).
// NOTE: torchvision's "5x5" branch uses a 3x3 kernel (a bug kept for its pretrained weights); so does this.

import type { Tensor } from '../tensor.js';
import { add, mul, relu } from '../ops/elementwise.js';
import { cat, flatten, narrow } from '../ops/layout.js';
import { adaptiveAvgPool2d } from '../ops/pool.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/containers.js';
import { Conv2d, type ConvModuleOptions } from '../nn/layers/conv.js';
import { Linear, Identity } from '../nn/layers/linear.js';
import { Dropout } from '../nn/layers/dropout.js';
import { BatchNorm2d } from '../nn/layers/norm.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/layers/pool.js';
import { classifierOptions, flag, initTruncNormal, probability, type ClassifierOptions } from './common.js';

/** Conv2d without bias, BatchNorm2d (eps 0.001), ReLU (torchvision's `BasicConv2d`; keys conv.*, bn.*). */
export class BasicConv2d extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Omit<ConvModuleOptions, 'bias'>) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { ...options, bias: false });
    this.bn = new BatchNorm2d(outChannels, { eps: 0.001 });
  }
  forward(x: Tensor): Tensor {
    return relu(this.bn.call(this.conv.call(x)));
  }
}

/**
 * An Inception module: four branches concatenated on channels — 1x1; 1x1 -> 3x3; 1x1 -> 3x3 (torchvision's
 * "5x5"); 3x3 max pool -> 1x1. Output channels ch1x1 + ch3x3 + ch5x5 + poolProj.
 */
export class Inception extends Module {
  readonly branch1: BasicConv2d;
  readonly branch2: Sequential;
  readonly branch3: Sequential;
  readonly branch4: Sequential;
  constructor(inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number) {
    super();
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1);
    this.branch2 = new Sequential(new BasicConv2d(inChannels, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1 }));
    this.branch3 = new Sequential(new BasicConv2d(inChannels, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, { padding: 1 }));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, 1));
  }
  forward(x: Tensor): Tensor {
    return cat([this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)], 1);
  }
}

/** The auxiliary classifier: 4x4 average pool, 1x1 conv to 128, FC 2048-1024-classes with dropout. */
export class InceptionAux extends Module {
  readonly conv: BasicConv2d;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly dropout: Dropout;
  constructor(inChannels: number, numClasses: number, dropout = 0.7) {
    super();
    this.conv = new BasicConv2d(inChannels, 128, 1);
    this.fc1 = new Linear(2048, 1024);
    this.fc2 = new Linear(1024, numClasses);
    this.dropout = new Dropout(dropout);
  }
  forward(x: Tensor): Tensor {
    const h = flatten(this.conv.call(adaptiveAvgPool2d(x, [4, 4])), 1);
    return this.fc2.call(this.dropout.call(relu(this.fc1.call(h))));
  }
}

export interface GoogLeNetOptions extends ClassifierOptions {
  /** Auxiliary classifiers after inception4a and inception4d (default false; torchvision's class defaults to true). */
  auxLogits?: boolean;
  /** Re-normalise ImageNet-normalised inputs to the (x − 0.5)/0.5 scale of the original weights (default false). */
  transformInput?: boolean;
  /** torchvision's init (default true); false keeps PyTorch's default Conv2d / Linear init. */
  initWeights?: boolean;
  /** Dropout before the last Linear (default 0.2). */
  dropout?: number;
  /** Dropout of the auxiliary classifiers (default 0.7). */
  dropoutAux?: number;
}

/** The logits and, in training mode with auxLogits, the two auxiliary outputs (torchvision's GoogLeNetOutputs). */
export interface GoogLeNetOutputs {
  logits: Tensor;
  auxLogits2: Tensor | null;
  auxLogits1: Tensor | null;
}

/**
 * GoogLeNet (torchvision's `GoogLeNet`). `forward` returns the logits; `forwardWithAux` also returns the
 * auxiliary logits (training mode with auxLogits; torchvision's forward returns that tuple in that case).
 * `smallInput` (28x28 / 32x32): the stem is a 3x3 stride-1 BasicConv2d and maxpool1/maxpool2 are
 * identities (32x32 reaches the inception4 stage at 16x16 and inception5 at 8x8).
 *
 * @example
 * const net = models.googlenet({ numClasses: 10, smallInput: true });
 * net.call(randn(2, 3, 32, 32)).shape;   // [2, 10]
 */
export class GoogLeNet extends Module {
  readonly auxLogits: boolean;
  readonly transformInput: boolean;
  readonly conv1: BasicConv2d;
  readonly maxpool1: MaxPool2d | Identity;
  readonly conv2: BasicConv2d;
  readonly conv3: BasicConv2d;
  readonly maxpool2: MaxPool2d | Identity;
  readonly inception3a: Inception;
  readonly inception3b: Inception;
  readonly maxpool3: MaxPool2d;
  readonly inception4a: Inception;
  readonly inception4b: Inception;
  readonly inception4c: Inception;
  readonly inception4d: Inception;
  readonly inception4e: Inception;
  readonly maxpool4: MaxPool2d;
  readonly inception5a: Inception;
  readonly inception5b: Inception;
  readonly aux1: InceptionAux | null;
  readonly aux2: InceptionAux | null;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly dropout: Dropout;
  readonly fc: Linear;

  constructor(options?: GoogLeNetOptions) {
    super();
    const o = classifierOptions('GoogLeNet', options, ['auxLogits', 'transformInput', 'initWeights', 'dropout', 'dropoutAux'], { numClasses: 1000, inChannels: 3 });
    this.auxLogits = flag('GoogLeNet', 'auxLogits', options?.auxLogits ?? false);
    this.transformInput = flag('GoogLeNet', 'transformInput', options?.transformInput ?? false);
    const p = probability('GoogLeNet', 'dropout', options?.dropout ?? 0.2);
    const pAux = probability('GoogLeNet', 'dropoutAux', options?.dropoutAux ?? 0.7);
    const pool = (): MaxPool2d | Identity => (o.smallInput ? new Identity() : new MaxPool2d(3, { stride: 2, ceilMode: true }));
    this.conv1 = o.smallInput ? new BasicConv2d(o.inChannels, 64, 3, { stride: 1, padding: 1 }) : new BasicConv2d(o.inChannels, 64, 7, { stride: 2, padding: 3 });
    this.maxpool1 = pool();
    this.conv2 = new BasicConv2d(64, 64, 1);
    this.conv3 = new BasicConv2d(64, 192, 3, { padding: 1 });
    this.maxpool2 = pool();
    this.inception3a = new Inception(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = new Inception(256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = new MaxPool2d(3, { stride: 2, ceilMode: true });
    this.inception4a = new Inception(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = new Inception(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = new Inception(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = new Inception(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = new Inception(528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = new MaxPool2d(2, { stride: 2, ceilMode: true });
    this.inception5a = new Inception(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = new Inception(832, 384, 192, 384, 48, 128, 128);
    this.aux1 = this.auxLogits ? new InceptionAux(512, o.numClasses, pAux) : null;
    this.aux2 = this.auxLogits ? new InceptionAux(528, o.numClasses, pAux) : null;
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.dropout = new Dropout(p);
    this.fc = new Linear(1024, o.numClasses);
    if (flag('GoogLeNet', 'initWeights', options?.initWeights ?? true)) initTruncNormal(this);
  }

  /** torchvision's _transform_input: ImageNet normalisation -> (x − 0.5) / 0.5 per channel. */
  private transform(x: Tensor): Tensor {
    if (!this.transformInput) return x;
    const std = [0.229, 0.224, 0.225];
    const mean = [0.485, 0.456, 0.406];
    return cat([0, 1, 2].map((c) => add(mul(narrow(x, 1, c, 1), std[c]! / 0.5), (mean[c]! - 0.5) / 0.5)), 1);
  }

  /** The logits and, in training mode with auxLogits, the auxiliary classifiers' logits. */
  forwardWithAux(input: Tensor): GoogLeNetOutputs {
    let x = this.transform(input);
    x = this.maxpool2.call(this.conv3.call(this.conv2.call(this.maxpool1.call(this.conv1.call(x)))));
    x = this.maxpool3.call(this.inception3b.call(this.inception3a.call(x)));
    x = this.inception4a.call(x);
    const aux1 = this.aux1 !== null && this.training ? this.aux1.call(x) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x)));
    const aux2 = this.aux2 !== null && this.training ? this.aux2.call(x) : null;
    x = this.maxpool4.call(this.inception4e.call(x));
    x = this.inception5b.call(this.inception5a.call(x));
    const logits = this.fc.call(this.dropout.call(flatten(this.avgpool.call(x), 1)));
    return { logits, auxLogits2: aux2, auxLogits1: aux1 };
  }

  forward(x: Tensor): Tensor {
    return this.forwardWithAux(x).logits;
  }
}

/** GoogLeNet (torchvision's `googlenet()`, without auxiliary classifiers by default); see {@link GoogLeNet}. */
export function googlenet(options?: GoogLeNetOptions): GoogLeNet {
  return new GoogLeNet(options);
}

