// Sequence batching for language-model training over one long stream of token ids: a contiguous
// train/validation split, PyTorch word_language_model's batchify (B parallel streams, consecutive batches
// continue each stream, so a recurrent state can be carried across them) and seeded random chunks.
// Every batch is an int32 input and the target shifted by one step.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { Tensor } from '../tensor.js';

export interface LMBatch {
  /** Token ids [B, T] (batchFirst) or [T, B]. */
  input: Tensor<'int32'>;
  /** The next token at every position: input shifted by one, same shape. */
  target: Tensor<'int32'>;
}

export interface SplitOptions {
  /** Fraction of the stream held out at its end for validation (default 0.1). */
  valFraction?: number;
}

function posInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ArgumentError(op, arg, `must be a positive integer, got ${String(v)}`);
  return v;
}

/** Contiguous split: the first (1 − valFraction) of the ids for training, the rest for validation. */
export function trainValSplit(ids: Int32Array, options?: SplitOptions): { train: Int32Array; val: Int32Array } {
  checkOptions('trainValSplit', options, ['valFraction']);
  const f = options?.valFraction ?? 0.1;
  if (typeof f !== 'number' || !(f >= 0 && f < 1)) throw new ArgumentError('trainValSplit', 'valFraction', `must be in [0, 1), got ${String(f)}`);
  const cut = ids.length - Math.round(ids.length * f);
  return { train: ids.subarray(0, cut), val: ids.subarray(cut) };
}

export interface BatchOptions {
  batchSize: number;
  /** Steps per batch (the truncated-backpropagation length). */
  seqLen: number;
  /** [B, T] batches (default true); false gives [T, B] (nn.LSTM's default layout). */
  batchFirst?: boolean;
}

function pack(rows: readonly Int32Array[], T: number, batchFirst: boolean, shift: number): Tensor<'int32'> {
  const B = rows.length;
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const r = rows[b]!;
    for (let t = 0; t < T; t++) out[batchFirst ? b * T + t : t * B + b] = r[t + shift]!;
  }
  return Tensor.fromData(out, batchFirst ? [B, T] : [T, B], 'int32');
}

/**
 * PyTorch word_language_model's batchify + get_batch: the stream is cut into batchSize equal streams
 * (the tail that does not divide is dropped) and walked seqLen steps at a time; the last batch may be
 * shorter. Batch k's row b continues batch k−1's row b, so a model may carry its hidden state (detached).
 */
export function contiguousBatches(ids: Int32Array, options: BatchOptions): LMBatch[] {
  checkOptions('contiguousBatches', options, ['batchSize', 'seqLen', 'batchFirst']);
  const B = posInt('contiguousBatches', 'batchSize', options.batchSize);
  const T = posInt('contiguousBatches', 'seqLen', options.seqLen);
  const per = Math.floor(ids.length / B);
  if (per < 2) throw new ArgumentError('contiguousBatches', 'ids', `has ${ids.length} tokens: too few for batchSize ${B} (each stream needs at least 2)`);
  const streams = Array.from({ length: B }, (_, b) => ids.subarray(b * per, (b + 1) * per));
  const out: LMBatch[] = [];
  for (let s = 0; s + 1 < per; s += T) {
    const len = Math.min(T, per - 1 - s);
    const rows = streams.map((r) => r.subarray(s, s + len + 1));
    out.push({ input: pack(rows, len, options.batchFirst ?? true, 0), target: pack(rows, len, options.batchFirst ?? true, 1) });
  }
  return out;
}

export interface RandomBatchOptions extends BatchOptions {
  generator?: Generator;
}

/** batchSize chunks of seqLen + 1 tokens at uniformly random offsets (seeded): input and shifted target. */
export function randomBatch(ids: Int32Array, options: RandomBatchOptions): LMBatch {
  checkOptions('randomBatch', options, ['batchSize', 'seqLen', 'batchFirst', 'generator']);
  const B = posInt('randomBatch', 'batchSize', options.batchSize);
  const T = posInt('randomBatch', 'seqLen', options.seqLen);
  if (ids.length < T + 1) throw new ArgumentError('randomBatch', 'ids', `has ${ids.length} tokens: needs at least seqLen + 1 = ${T + 1}`);
  const g = options.generator ?? defaultGenerator;
  const rows = Array.from({ length: B }, () => {
    const o = g.nextInt(0, ids.length - T);
    return ids.subarray(o, o + T + 1);
  });
  return { input: pack(rows, T, options.batchFirst ?? true, 0), target: pack(rows, T, options.batchFirst ?? true, 1) };
}
