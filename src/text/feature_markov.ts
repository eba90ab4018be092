// The feature-based Markov model: the previous `order` tokens, each one-hot encoded and concatenated, go
// through a feed-forward network (nn.Linear, optionally with tanh hidden layers) to softmax logits over
// the next token. Trained with cross-entropy, a single linear layer over one previous token can represent
// any bigram table, and its maximum-likelihood fit is the bigram model's counts.

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Generator } from '../core/random.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { Tanh } from '../nn/layers/activation.js';
import { Sequential } from '../nn/layers/containers.js';
import { Adam } from '../optim/adam.js';
import { cast, reshape } from '../ops/layout.js';
import { oneHot } from '../ops/embedding.js';
import { softmax } from '../ops/reduce.js';
import { crossEntropy } from '../ops/loss.js';
import { randperm } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';

export interface FeatureMarkovOptions {
  /** How many previous tokens are features (default 1: the bigram model's context). */
  order?: number;
  /** Sizes of tanh hidden layers between the one-hot input and the softmax (default []: one nn.Linear). */
  hidden?: readonly number[];
  generator?: Generator;
}

/**
 * logits = net(concat_j oneHot(context[:, j])), net = Linear(order·V → …) [→ tanh → Linear …] → V.
 *
 * @example
 * const m = new text.FeatureMarkovModel(5);                  // bigram features over 5 tokens
 * const p = m.nextDistribution(tensor([[2]], { dtype: 'int32' })); // [1, 5], rows sum to 1
 */
export class FeatureMarkovModel extends Module {
  readonly order: number;
  readonly net: Sequential;

  constructor(readonly vocabSize: number, options?: FeatureMarkovOptions) {
    super();
    checkOptions('FeatureMarkovModel', options, ['order', 'hidden', 'generator']);
    if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) throw new ArgumentError('FeatureMarkovModel', 'vocabSize', `must be a positive integer, got ${String(vocabSize)}`);
    this.order = options?.order ?? 1;
    if (!Number.isSafeInteger(this.order) || this.order < 1) throw new ArgumentError('FeatureMarkovModel', 'order', `must be a positive integer, got ${String(this.order)}`);
    const sizes = [this.order * vocabSize, ...(options?.hidden ?? []), vocabSize];
    const layers: Module[] = [];
    const init = options?.generator ? { generator: options.generator } : {};
    for (let i = 0; i + 1 < sizes.length; i++) {
      if (i > 0) layers.push(new Tanh());
      layers.push(new Linear(sizes[i]!, sizes[i + 1]!, init));
    }
    this.net = new Sequential(...layers);
  }

  /** The one-hot features of contexts [N, order] (int32 ids): float32 [N, order·V]. */
  features(context: Tensor): Tensor {
    if (context.ndim !== 2 || context.shape[1] !== this.order) {
      throw new ArgumentError('FeatureMarkovModel', 'context', `must be [N, order=${this.order}] token ids, got [${context.shape.join(', ')}]`);
    }
    return cast(reshape(oneHot(context, this.vocabSize), [context.shape[0]!, this.order * this.vocabSize]), 'float32');
  }

  /** Logits [N, V] of the next token. */
  forward(context: Tensor): Tensor {
    return this.net.call(this.features(context));
  }

  /** Softmax probabilities [N, V] (no graph). */
  nextDistribution(context: Tensor): Tensor {
    return noGrad(() => softmax(this.forward(context), -1));
  }
}

/**
 * (context, next) pairs for a model of this order: from sentences given as id arrays already wrapped as
 * [bos, …, eos] (the first context is padded with bos), or from a stream (contexts start at position
 * `order`). Returns contexts [N, order] and targets [N] as int32 tensors.
 */
export function contextPairs(sequences: readonly ArrayLike<number>[], order: number, pad: number | null): { context: Tensor<'int32'>; target: Tensor<'int32'> } {
  const ctx: number[] = [];
  const tgt: number[] = [];
  for (const s of sequences) {
    for (let t = 1; t < s.length; t++) {
      if (pad === null && t < order) continue;
      for (let j = order; j >= 1; j--) ctx.push(t - j >= 0 ? s[t - j]! : pad!);
      tgt.push(s[t]!);
    }
  }
  return {
    context: Tensor.fromData(Int32Array.from(ctx), [tgt.length, order], 'int32'),
    target: Tensor.fromData(Int32Array.from(tgt), [tgt.length], 'int32'),
  };
}

export interface FitFeatureMarkovOptions {
  epochs?: number;
  /** Adam's learning rate (default 0.1). */
  lr?: number;
  /** Minibatch size (default: the whole data set in one batch). */
  batchSize?: number;
  generator?: Generator;
}

/** Trains with cross-entropy and Adam; returns the mean training loss of each epoch. */
export function fitFeatureMarkov(model: FeatureMarkovModel, data: { context: Tensor<'int32'>; target: Tensor<'int32'> }, options?: FitFeatureMarkovOptions): number[] {
  checkOptions('fitFeatureMarkov', options, ['epochs', 'lr', 'batchSize', 'generator']);
  const epochs = options?.epochs ?? 100;
  const N = data.target.shape[0]!;
  const B = options?.batchSize ?? N;
  const opt = new Adam(model.parameters(), { lr: options?.lr ?? 0.1 });
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const order = B >= N ? null : (randperm(N, options?.generator ? { generator: options.generator } : {}) as Tensor<'int32'>);
    let sum = 0;
    for (let s = 0; s < N; s += B) {
      const idx = order === null ? null : order.narrow(0, s, Math.min(B, N - s)) as Tensor<'int32'>;
      const ctx = idx === null ? data.context : indexSelect(data.context, 0, idx);
      const tgt = idx === null ? data.target : indexSelect(data.target, 0, idx);
      opt.zeroGrad();
      const loss = crossEntropy(model.call(ctx), tgt);
      loss.backward();
      opt.step();
      sum += loss.item() * tgt.shape[0]!;
    }
    losses.push(sum / N);
  }
  return losses;
}
