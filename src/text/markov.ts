// Count-based language models: the unigram baseline and the bigram Markov model, by maximum likelihood
// with optional add-k smoothing, over a Vocabulary's ids. Sentences are wrapped in the begin/end symbols
// (the end symbol is predicted, the begin symbol only conditions); running text (a character stream) is
// modelled without them. Probabilities are exact doubles; logs are natural (nats).

import { ArgumentError, checkOptions } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import type { Vocabulary } from './vocabulary.js';

export interface CountModelOptions {
  /** Add-k (Lidstone) smoothing: k added to every count over the predictable tokens (default 0: maximum likelihood). */
  k?: number;
}

export interface SampleOptions {
  generator?: Generator;
  /** Stop after this many tokens even without the end symbol (default 100). */
  maxLength?: number;
}

type Sentence = string | readonly string[];

/** Draws an index from a discrete distribution (weights summing to ~1) with one uniform draw. */
export function sampleIndex(probs: ArrayLike<number>, generator: Generator = defaultGenerator): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i]!;
  if (!(total > 0)) throw new ArgumentError('sampleIndex', 'probs', `must have a positive sum, got ${total}`);
  const u = generator.nextFloat53() * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    acc += probs[i]!;
    last = i;
    if (u < acc) return i;
  }
  return last;
}

function checkK(op: string, options: CountModelOptions | undefined): number {
  checkOptions(op, options, ['k']);
  const k = options?.k ?? 0;
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) throw new ArgumentError(op, 'k', `must be a finite number >= 0, got ${String(k)}`);
  return k;
}

/** The shared part: vocabulary, which ids can be predicted (all but bos), sentence encoding. */
abstract class CountModel {
  readonly k: number;
  /** predictable[i]: id i can be a next token (every id except the begin symbol). */
  protected readonly predictable: Uint8Array;
  protected readonly numPredictable: number;

  constructor(readonly vocab: Vocabulary, op: string, options?: CountModelOptions) {
    this.k = checkK(op, options);
    this.predictable = new Uint8Array(vocab.size).fill(1);
    if (vocab.bosIndex !== null) this.predictable[vocab.bosIndex] = 0;
    this.numPredictable = vocab.size - (vocab.bosIndex === null ? 0 : 1);
  }

  /** [bos?, ...tokens, eos] ids of a sentence (the symbols the vocabulary has). */
  protected wrap(op: string, s: Sentence): Int32Array {
    if (this.vocab.eosIndex === null) throw new ArgumentError(op, 'vocab', 'has no end-of-sentence symbol: use the stream methods for running text');
    return this.vocab.encodeSentence(s);
  }

  /** Natural log of the probability of a sentence, its end symbol included (−Infinity if impossible). */
  abstract logProb(sentence: Sentence): number;

  /** Probability of a sentence, its end symbol included. */
  probability(sentence: Sentence): number {
    return Math.exp(this.logProb(sentence));
  }

  /** exp(−Σ log P / number of predicted tokens) over sentences (each predicts its tokens and the end symbol). */
  perplexity(sentences: readonly Sentence[]): number {
    let lp = 0;
    let n = 0;
    for (const s of sentences) {
      lp += this.logProb(s);
      n += this.vocab.encode(s).length + 1;
    }
    if (n === 0) throw new ArgumentError(`${this.constructor.name}.perplexity`, 'sentences', 'must not be empty');
    return Math.exp(-lp / n);
  }
}

/**
 * The unigram model: P(w) = (c(w) + k) / (N + k·|V'|), with N the number of counted tokens (end symbols
 * included for sentences) and V' the predictable ids (all but the begin symbol).
 */
export class UnigramModel extends CountModel {
  readonly counts: Float64Array;
  total = 0;

  constructor(vocab: Vocabulary, options?: CountModelOptions) {
    super(vocab, 'UnigramModel', options);
    this.counts = new Float64Array(vocab.size);
  }

  /** Counts the tokens and the end symbol of each sentence. */
  fit(sentences: readonly Sentence[]): this {
    const bos = this.vocab.bosIndex;
    for (const s of sentences) for (const id of this.wrap('UnigramModel.fit', s)) if (id !== bos) this.add(id);
    return this;
  }
  /** Counts every id of a stream of running text. */
  fitStream(ids: ArrayLike<number>): this {
    for (let i = 0; i < ids.length; i++) this.add(ids[i]!);
    return this;
  }
  private add(id: number): void {
    this.counts[id]!++;
    this.total++;
  }

  /** P(id). */
  probOf(id: number): number {
    if (!this.predictable[id]) return 0;
    const den = this.total + this.k * this.numPredictable;
    return den === 0 ? 0 : (this.counts[id]! + this.k) / den;
  }
  /** P(token). */
  prob(token: string): number {
    return this.probOf(this.vocab.indexOf(token));
  }
  /** The distribution over every id. */
  distribution(): Float64Array {
    return Float64Array.from(this.counts, (_, i) => this.probOf(i));
  }

  logProb(sentence: Sentence): number {
    const bos = this.vocab.bosIndex;
    let lp = 0;
    for (const id of this.wrap('UnigramModel.logProb', sentence)) if (id !== bos) lp += Math.log(this.probOf(id));
    return lp;
  }
  /** Mean −log P(id) over a stream (nats per token); its exp is the perplexity. */
  streamCrossEntropy(ids: ArrayLike<number>): number {
    if (ids.length === 0) throw new ArgumentError('UnigramModel.streamCrossEntropy', 'ids', 'must not be empty');
    let s = 0;
    for (let i = 0; i < ids.length; i++) s -= Math.log(this.probOf(ids[i]!));
    return s / ids.length;
  }
  /** Tokens drawn independently until the end symbol (not included) or maxLength. */
  sample(options?: SampleOptions): string[] {
    checkOptions('UnigramModel.sample', options, ['generator', 'maxLength']);
    const p = this.distribution();
    const out: string[] = [];
    const max = options?.maxLength ?? 100;
    while (out.length < max) {
      const id = sampleIndex(p, options?.generator);
      if (id === this.vocab.eosIndex) break;
      out.push(this.vocab.tokenOf(id));
    }
    return out;
  }
}

/**
 * The bigram Markov model: P(w | v) = (c(v, w) + k) / (c(v, ·) + k·|V'|). Sentences are read as
 * <s> w1 … wn </s>; a context never seen (c(v, ·) = 0) has no maximum-likelihood distribution, so with
 * k = 0 its probabilities are 0 (and log-probabilities −Infinity), as for an unseen pair.
 *
 * @example
 * const v = new text.Vocabulary(['a', 'b'], { level: 'word' });
 * const m = new text.BigramModel(v).fit(['a b', 'a a b']);
 * m.prob('a', '<s>'); // 1: every sentence starts with a
 * m.prob('b', 'a');   // 2/3
 */
export class BigramModel extends CountModel {
  /** counts[prev · V + next]. */
  readonly counts: Float64Array;
  /** contextCounts[prev] = Σ_next counts[prev, next]. */
  readonly contextCounts: Float64Array;

  constructor(vocab: Vocabulary, options?: CountModelOptions) {
    super(vocab, 'BigramModel', options);
    this.counts = new Float64Array(vocab.size * vocab.size);
    this.contextCounts = new Float64Array(vocab.size);
  }

  /** Counts the pairs of each sentence, begin and end symbols included. */
  fit(sentences: readonly Sentence[]): this {
    for (const s of sentences) this.fitStream(this.wrap('BigramModel.fit', s));
    return this;
  }
  /** Counts every adjacent pair of a stream of running text. */
  fitStream(ids: ArrayLike<number>): this {
    const V = this.vocab.size;
    for (let i = 1; i < ids.length; i++) {
      this.counts[ids[i - 1]! * V + ids[i]!]!++;
      this.contextCounts[ids[i - 1]!]!++;
    }
    return this;
  }

  /** P(next | prev) by id. */
  probOf(next: number, prev: number): number {
    if (!this.predictable[next]) return 0;
    const den = this.contextCounts[prev]! + this.k * this.numPredictable;
    return den === 0 ? 0 : (this.counts[prev * this.vocab.size + next]! + this.k) / den;
  }
  /** P(next | prev) by token. */
  prob(next: string, prev: string): number {
    return this.probOf(this.vocab.indexOf(next), this.vocab.indexOf(prev));
  }
  /** P(· | prev) over every id. */
  nextDistribution(prev: number): Float64Array {
    const out = new Float64Array(this.vocab.size);
    for (let i = 0; i < out.length; i++) out[i] = this.probOf(i, prev);
    return out;
  }
  /** The full [V, V] table P(next | prev), row = prev. */
  table(): Float64Array {
    const V = this.vocab.size;
    const out = new Float64Array(V * V);
    for (let p = 0; p < V; p++) out.set(this.nextDistribution(p), p * V);
    return out;
  }

  logProb(sentence: Sentence): number {
    const ids = this.wrap('BigramModel.logProb', sentence);
    if (this.vocab.bosIndex === null) throw new ArgumentError('BigramModel.logProb', 'vocab', 'has no begin-of-sentence symbol to condition the first token on');
    let lp = 0;
    for (let i = 1; i < ids.length; i++) lp += Math.log(this.probOf(ids[i]!, ids[i - 1]!));
    return lp;
  }
  /** Mean −log P(ids[t] | ids[t−1]) over t >= 1 of a stream (nats per token). */
  streamCrossEntropy(ids: ArrayLike<number>): number {
    if (ids.length < 2) throw new ArgumentError('BigramModel.streamCrossEntropy', 'ids', 'needs at least 2 tokens');
    let s = 0;
    for (let i = 1; i < ids.length; i++) s -= Math.log(this.probOf(ids[i]!, ids[i - 1]!));
    return s / (ids.length - 1);
  }
  /** A sentence drawn token by token from <s> until </s> (neither included) or maxLength. */
  sample(options?: SampleOptions): string[] {
    checkOptions('BigramModel.sample', options, ['generator', 'maxLength']);
    const bos = this.vocab.bosIndex;
    if (bos === null) throw new ArgumentError('BigramModel.sample', 'vocab', 'has no begin-of-sentence symbol; use sampleStream');
    return this.sampleFrom(bos, options).map((i) => this.vocab.tokenOf(i));
  }
  /** `length` ids continuing from `start` (a stream model: no end symbol needed). */
  sampleStream(start: number, length: number, options?: { generator?: Generator }): Int32Array {
    const ids = this.sampleFrom(start, { ...options, maxLength: length });
    return Int32Array.from(ids);
  }
  private sampleFrom(start: number, options?: SampleOptions): number[] {
    const out: number[] = [];
    const max = options?.maxLength ?? 100;
    let prev = start;
    while (out.length < max) {
      const p = this.nextDistribution(prev);
      if (!p.some((v) => v > 0)) break;
      const id = sampleIndex(p, options?.generator);
      if (id === this.vocab.eosIndex) break;
      out.push(id);
      prev = id;
    }
    return out;
  }
}

/**
 * Picks add-k for a count model by held-out cross-entropy: the k of `candidates` whose model, fitted by
 * `fit`, has the lowest `score` (e.g. validation cross-entropy). Returns the model and its k.
 */
export function chooseK<M>(candidates: readonly number[], make: (k: number) => M, score: (m: M) => number): { k: number; model: M; score: number } {
  if (candidates.length === 0) throw new ArgumentError('chooseK', 'candidates', 'must not be empty');
  let best: { k: number; model: M; score: number } | null = null;
  for (const k of candidates) {
    const model = make(k);
    const s = score(model);
    if (best === null || s < best.score) best = { k, model, score: s };
  }
  return best!;
}
