// F.embedding (PyTorch's torch.nn.functional.embedding) and F.oneHot. Embedding: rows of a
// [numEmbeddings, embeddingDim] weight picked by an int32 index tensor of any shape; a composite over
// indexSelect (the gather kernel forward, scatterAdd backward), so it needs no derivative entry and is
// differentiable twice. paddingIdx, maxNorm and scaleGradByFreq follow PyTorch 1.13. No kernels or layers here.

import { ArgumentError, DTypeError, IndexError, NotImplementedError, ShapeError, checkOptions } from '../core/errors.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub, where } from './elementwise.js';
import { assertTensor, checkBool, checkFinite, checkInt, contiguousData, requireFloat } from './helpers.js';
import { indexSelect } from './indexing.js';
import { mul_ } from './inplace.js';
import { detach, narrow, reshape } from './layout.js';

export interface EmbeddingOptions {
  /**
   * Entries equal to this index get no gradient (their rows are still read). Negative values count from
   * the end (−1 = numEmbeddings − 1), as in PyTorch. Default: none.
   */
  paddingIdx?: number | null;
  /** Rows referenced by the input whose `normType`-norm exceeds this are rescaled in place to this norm first. */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in this input (default false). */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported: only false is accepted. */
  sparse?: boolean;
}

/** Resolves a (possibly negative) paddingIdx against numEmbeddings; null when absent. */
export function resolvePaddingIdx(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  checkInt(op, 'paddingIdx', paddingIdx);
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    throw new ArgumentError(op, 'paddingIdx', `must be within numEmbeddings (${numEmbeddings}): in [${-numEmbeddings}, ${numEmbeddings - 1}], got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

/** PyTorch's embedding_renorm_: referenced rows with norm > maxNorm are scaled to maxNorm/(norm + 1e-7), in place. */
function renorm(weight: Tensor, indices: Int32Array, maxNorm: number, normType: number): void {
  const D = weight.shape[1]!;
  const w = contiguousData(weight);
  const seen = new Set<number>();
  noGrad(() => {
    for (const r of indices) {
      if (seen.has(r)) continue;
      seen.add(r);
      let norm = 0;
      if (normType === Infinity) for (let j = 0; j < D; j++) norm = Math.max(norm, Math.abs(w[r * D + j]!));
      else {
        for (let j = 0; j < D; j++) norm += Math.abs(w[r * D + j]!) ** normType;
        norm **= 1 / normType;
      }
      if (norm > maxNorm) mul_(narrow(weight, 0, r, 1), maxNorm / (norm + 1e-7));
    }
  });
}

/**
 * Looks up rows of `weight` ([numEmbeddings, embeddingDim], float) at the int32 `input` indices (any
 * shape): the result has shape [...input.shape, embeddingDim]. Differentiable in `weight`.
 *
 * @example
 * const w = tensor([[0, 0], [1, 2], [3, 4]], { requiresGrad: true });
 * const y = F.embedding(tensor([[1, 0], [2, 1]], { dtype: 'int32' }), w, { paddingIdx: 0 });
 * y.sum().backward(); // w.grad = [[0, 0], [2, 2], [1, 1]]: the padding row gets no gradient
 */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  const op = 'embedding';
  checkOptions(op, options, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
  assertTensor(op, 'input', input);
  assertTensor(op, 'weight', weight);
  if (input.dtype !== 'int32') throw new DTypeError(op, 'input', `must be an int32 tensor of indices, got ${input.dtype}`, { input: input.shape });
  requireFloat(op, 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(op, 'weight', `must be 2-D [numEmbeddings, embeddingDim], got ${weight.ndim}-D`, { weight: weight.shape });
  if (options?.sparse !== undefined && checkBool(op, 'sparse', options.sparse)) {
    throw new NotImplementedError(op, 'sparse gradients are not supported; use sparse: false (a dense gradient)');
  }
  const V = weight.shape[0]!;
  const D = weight.shape[1]!;
  const pad = resolvePaddingIdx(op, options?.paddingIdx, V);
  const idx = contiguousData(input) as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= V) throw new IndexError(op, 'input', `index ${v} is out of range for numEmbeddings ${V} (at flat position ${i})`, { input: input.shape, weight: weight.shape });
  }
  const maxNorm = options?.maxNorm ?? null;
  if (maxNorm !== null) {
    checkFinite(op, 'maxNorm', maxNorm);
    const p = options?.normType ?? 2;
    if (typeof p !== 'number' || Number.isNaN(p) || p <= 0) throw new ArgumentError(op, 'normType', `must be a positive number, got ${String(p)}`);
    if (idx.length > 0) renorm(weight, idx, maxNorm, p);
  } else if (options?.normType !== undefined) checkFinite(op, 'normType', options.normType);
  const flatIdx = Tensor.fromData(idx, [idx.length], 'int32');
  let out = indexSelect(weight, 0, flatIdx);
  if (out.requiresGrad && options?.scaleGradByFreq !== undefined && checkBool(op, 'scaleGradByFreq', options.scaleGradByFreq)) {
    // NOTE: PyTorch divides each row's gradient by the count of its index in the input. out + (out − out̄)·k
    // has out's value exactly (out − out̄ = 0) and gradient (1 + k)·grad = grad / count with k = 1/count − 1.
    const count = new Map<number, number>();
    for (const v of idx) count.set(v, (count.get(v) ?? 0) + 1);
    const k = new (weight.dtype === 'float64' ? Float64Array : Float32Array)(idx.length);
    for (let i = 0; i < idx.length; i++) k[i] = 1 / count.get(idx[i]!)! - 1;
    out = add(out, mul(sub(out, detach(out)), Tensor.fromData(k, [idx.length, 1], weight.dtype)));
  }
  if (pad !== null && out.requiresGrad) {
    // NOTE: the padding row is read like any other (its values are whatever the weight holds), but no
    // gradient flows into it from any position (PyTorch's embedding_dense_backward skips it).
    let hits = 0;
    const mask = new Uint8Array(idx.length);
    for (let i = 0; i < idx.length; i++) if (idx[i] === pad) { mask[i] = 1; hits++; }
    if (hits > 0) out = where(Tensor.fromData(mask, [idx.length, 1], 'bool'), detach(out), out);
  }
  return reshape(out, [...input.shape, D]);
}

/**
 * PyTorch's F.one_hot: an int32 tensor of shape [...input.shape, numClasses] with a 1 at each input index
 * (PyTorch returns int64; int32 is this library's index type). numClasses −1 (default): max(input) + 1.
 * Not differentiable (an integer result); cast it to float to feed a layer.
 *
 * @example
 * F.oneHot(tensor([0, 2], { dtype: 'int32' }), 3).tolist(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor<'int32'> {
  const op = 'oneHot';
  assertTensor(op, 'input', input);
  if (input.dtype !== 'int32') throw new DTypeError(op, 'input', `must be an int32 tensor of class indices, got ${input.dtype}`, { input: input.shape });
  checkInt(op, 'numClasses', numClasses, -1);
  const idx = contiguousData(input) as Int32Array;
  let C = numClasses;
  if (C === -1) {
    if (idx.length === 0) throw new ArgumentError(op, 'numClasses', 'cannot be inferred from an empty input; pass it explicitly');
    C = 0;
    for (const v of idx) C = Math.max(C, v + 1);
  }
  const out = Tensor.zeros([...input.shape, C], 'int32');
  const data = out.storage.data;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= C) throw new IndexError(op, 'input', `class ${v} is out of range for numClasses ${C} (at flat position ${i})`, { input: input.shape });
    data[i * C + v] = 1;
  }
  return out;
}
