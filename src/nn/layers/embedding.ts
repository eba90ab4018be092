// nn.Embedding (PyTorch's torch.nn.Embedding): a lookup table of numEmbeddings rows of size embeddingDim,
// weight ~ N(0, 1) with the paddingIdx row zeroed, stateDict key `weight`. The maths is F.embedding
// (ops/embedding.ts).

import type { FloatDType } from '../../core/dtype.js';
import { ArgumentError, ShapeError, checkOptions } from '../../core/errors.js';
import { noGrad } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../../ops/creation.js';
import { embedding, resolvePaddingIdx } from '../../ops/embedding.js';
import { fill_ } from '../../ops/inplace.js';
import { clone, detach, select } from '../../ops/layout.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normal_, type InitOptions } from '../init.js';

export interface EmbeddingModuleOptions extends InitOptions {
  /** Row that gets no gradient and starts at zero (negative: from the end). Default: none. */
  paddingIdx?: number | null;
  /** Rows looked up with a norm above this are renormalised in place (see F.embedding). */
  maxNorm?: number | null;
  /** The p of the maxNorm norm (default 2). */
  normType?: number;
  /** Scale each row's gradient by 1/(its count in the batch) (default false). */
  scaleGradByFreq?: boolean;
  /** Only false (dense gradients) is supported. */
  sparse?: boolean;
  /** Initial weight [numEmbeddings, embeddingDim] used as is (PyTorch's `_weight`); default N(0, 1). */
  weight?: Tensor;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

export interface FromPretrainedOptions extends Omit<EmbeddingModuleOptions, 'weight' | 'dtype' | 'generator'> {
  /** Keep the weight fixed (requiresGrad false; default true). */
  freeze?: boolean;
}

const KEYS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'] as const;

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The resolved (non-negative) padding row, or null. */
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter<FloatDType>;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingModuleOptions) {
    super();
    checkOptions('Embedding', options, [...KEYS, 'weight', 'dtype', 'generator']);
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new ArgumentError('Embedding', k, `must be a non-negative integer, got ${String(v)}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = resolvePaddingIdx('Embedding', options?.paddingIdx, numEmbeddings);
    this.maxNorm = options?.maxNorm ?? null;
    this.normType = options?.normType ?? 2;
    this.scaleGradByFreq = options?.scaleGradByFreq ?? false;
    this.sparse = options?.sparse ?? false;
    const given = options?.weight;
    if (given !== undefined) {
      if (given.ndim !== 2 || given.shape[0] !== numEmbeddings || given.shape[1] !== embeddingDim) {
        throw new ShapeError('Embedding', 'weight', `must have shape [numEmbeddings, embeddingDim] = [${numEmbeddings}, ${embeddingDim}]`, { weight: given.shape });
      }
      this.weight = new Parameter(detach(given)) as Parameter<FloatDType>;
    } else {
      this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: options?.dtype ?? 'float32' })) as Parameter<FloatDType>;
      this.resetParameters(options);
    }
  }

  /** Builds an Embedding around the given [numEmbeddings, embeddingDim] weight (copied), frozen by default. */
  static fromPretrained(embeddings: Tensor, options?: FromPretrainedOptions): Embedding {
    checkOptions('Embedding.fromPretrained', options, [...KEYS, 'freeze']);
    if (embeddings.ndim !== 2) throw new ShapeError('Embedding.fromPretrained', 'embeddings', 'must be 2-D', { embeddings: embeddings.shape });
    const { freeze, ...rest } = options ?? {};
    const m = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { ...rest, weight: clone(detach(embeddings)) });
    m.weight.requiresGrad = !(freeze ?? true);
    return m;
  }

  /** N(0, 1), then the padding row set to zero (PyTorch's reset_parameters). */
  resetParameters(options?: InitOptions): void {
    normal_(this.weight, 0, 1, options);
    if (this.paddingIdx !== null) noGrad(() => fill_(select(this.weight, 0, this.paddingIdx!), 0));
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, paddingIdx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, maxNorm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, normType=${this.normType}`;
    if (this.scaleGradByFreq) s += ', scaleGradByFreq=true';
    return s;
  }
}
