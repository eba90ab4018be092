// AlexNet as torchvision builds it (the "one weird trick" variant, 61,100,840 parameters): five
// convolutions, adaptive average pooling to 6x6 and a dropout classifier 9216-4096-4096-classes;
// PyTorch's default initialisation (torchvision adds none). Keys features.{0,3,6,8,10},
// classifier.{1,4,6}.

import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/layout.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/containers.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { Dropout } from '../nn/layers/dropout.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/layers/pool.js';
import { classifierOptions, probability, type ClassifierOptions } from './common.js';

export interface AlexNetOptions extends ClassifierOptions {
  /** Dropout probability of the classifier (default 0.5). */
  dropout?: number;
}

/**
 * AlexNet (torchvision's `AlexNet`). `smallInput` (28x28 / 32x32): the first convolution is 3x3 with
 * stride 1 and padding 1 (instead of 11x11 stride 4), the features are averaged to 1x1 and the
 * classifier is 256-1024-1024-classes.
 *
 * @example
 * const net = models.alexnet({ numClasses: 10, smallInput: true });
 * net.call(randn(8, 3, 32, 32)).shape;   // [8, 10]
 */
export class AlexNet extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  constructor(options?: AlexNetOptions) {
    super();
    const o = classifierOptions('AlexNet', options, ['dropout'], { numClasses: 1000, inChannels: 3 });
    const p = probability('AlexNet', 'dropout', options?.dropout ?? 0.5);
    const stem = o.smallInput ? new Conv2d(o.inChannels, 64, 3, { stride: 1, padding: 1 }) : new Conv2d(o.inChannels, 64, 11, { stride: 4, padding: 2 });
    this.features = new Sequential(
      stem, new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
    );
    const pooled = o.smallInput ? 1 : 6;
    const hidden = o.smallInput ? 1024 : 4096;
    this.avgpool = new AdaptiveAvgPool2d([pooled, pooled]);
    this.classifier = new Sequential(
      new Dropout(p), new Linear(256 * pooled * pooled, hidden), new ReLU(),
      new Dropout(p), new Linear(hidden, hidden), new ReLU(),
      new Linear(hidden, o.numClasses),
    );
  }

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

/** AlexNet (torchvision's `alexnet()`); see {@link AlexNet}. */
export function alexnet(options?: AlexNetOptions): AlexNet {
  return new AlexNet(options);
}
