// LeNet-5 (LeCun et al. 1998) as the standard workload W5 builds it: conv 6@5x5 (pad 2 on 28x28, none on
// 32x32), ReLU, max pool 2, conv 16@5x5, ReLU, max pool 2, FC 400-120-84-classes with ReLU. torchvision
// has no LeNet; the keys follow its AlexNet/VGG layout: features.0/3 (convs), classifier.0/2/4 (FCs).

import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/layout.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/containers.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { MaxPool2d } from '../nn/layers/pool.js';
import { classifierOptions, type ClassifierOptions } from './common.js';

/** Options of LeNet-5: 10 classes and 1 channel by default. */
export interface LeNet5Options extends Omit<ClassifierOptions, 'smallInput'> {
  /**
   * 28 (default: MNIST, the first convolution pads by 2) or 32 (LeCun's original 32x32 input, no
   * padding); both give 16x5x5 = 400 features.
   */
  inputSize?: 28 | 32;
}

/**
 * LeNet-5 with ReLU and max pooling (the W5 workload): 61,706 parameters for 10 classes.
 *
 * @example
 * const net = models.lenet5();                       // 1x28x28 -> 10 logits
 * net.call(randn(64, 1, 28, 28)).shape;              // [64, 10]
 */
export class LeNet5 extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;
  readonly inputSize: 28 | 32;

  constructor(options?: LeNet5Options) {
    super();
    const o = classifierOptions('LeNet5', options, ['inputSize'], { numClasses: 10, inChannels: 1 });
    if (o.smallInput !== false) throw new ArgumentError('LeNet5', "option 'smallInput'", 'does not apply: LeNet-5 takes small inputs; use inputSize 28 or 32');
    const size = options?.inputSize ?? 28;
    if (size !== 28 && size !== 32) throw new ArgumentError('LeNet5', 'inputSize', `must be 28 or 32, got ${String(size)}`);
    this.inputSize = size;
    this.features = new Sequential(
      new Conv2d(o.inChannels, 6, 5, { padding: size === 28 ? 2 : 0 }), new ReLU(), new MaxPool2d(2),
      new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    );
    this.classifier = new Sequential(new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, o.numClasses));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.features.call(x), 1));
  }
}

/** LeNet-5 (see {@link LeNet5}); PyTorch's default initialisation of Conv2d and Linear. */
export function lenet5(options?: LeNet5Options): LeNet5 {
  return new LeNet5(options);
}
