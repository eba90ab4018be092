// Vocabulary: the token <-> index table of a language model, at character or word level, with optional
// begin-of-sentence, end-of-sentence and unknown symbols. Tokenisation is deliberately simple (characters,
// or words and punctuation split on whitespace); no model code lives here.

import { ArgumentError, checkOptions } from '../core/errors.js';

export type TokenLevel = 'char' | 'word';

export interface VocabularyOptions {
  /** 'char': every character is a token; 'word': words and punctuation marks (default 'char'). */
  level?: TokenLevel;
  /** Begin-of-sentence symbol, or null for none (default '<s>'). */
  bos?: string | null;
  /** End-of-sentence symbol, or null for none (default '</s>'). */
  eos?: string | null;
  /** Unknown-token symbol, or null for none: then encoding an unseen token throws (default '<unk>'). */
  unk?: string | null;
  /** Tokens seen fewer times than this map to unk (default 1: keep every token; needs unk when > 1). */
  minFreq?: number;
  /** Keep at most this many regular tokens, the most frequent first (default: all). */
  maxSize?: number;
  /** Lower-case before counting and encoding (default false). */
  lower?: boolean;
}

const WORD = /[A-Za-z0-9]+(?:['’][A-Za-z]+)*|[^\sA-Za-z0-9]/gu;

/** Splits text into tokens: characters, or words (letters/digits with inner apostrophes) and single punctuation marks. */
export function tokenize(text: string, level: TokenLevel = 'char'): string[] {
  if (level === 'char') return Array.from(text);
  if (level === 'word') return text.match(WORD) ?? [];
  throw new ArgumentError('tokenize', 'level', `must be 'char' or 'word', got ${JSON.stringify(level)}`);
}

/**
 * A token table. Indices: the special symbols first (bos, eos, unk, those present, in that order), then the
 * regular tokens by decreasing frequency (ties in order of first appearance), so a vocabulary built from
 * the same text is always the same.
 *
 * @example
 * const v = text.Vocabulary.fromText('abca', { bos: null, eos: null });
 * v.encode('cab'); // [3, 1, 2] (0 is '<unk>', then 'a' (2 times), 'b', 'c')
 * v.decode([2, 1]); // 'ba'
 */
export class Vocabulary {
  readonly level: TokenLevel;
  readonly lower: boolean;
  readonly bos: string | null;
  readonly eos: string | null;
  readonly unk: string | null;
  /** Index -> token. */
  readonly itos: readonly string[];
  private readonly stoi: Map<string, number>;

  /** A vocabulary over exactly these regular tokens (in this order, after the specials). */
  constructor(tokens: Iterable<string>, options?: Omit<VocabularyOptions, 'minFreq' | 'maxSize'>) {
    checkOptions('Vocabulary', options, ['level', 'bos', 'eos', 'unk', 'lower']);
    this.level = options?.level ?? 'char';
    if (this.level !== 'char' && this.level !== 'word') throw new ArgumentError('Vocabulary', 'level', `must be 'char' or 'word', got ${JSON.stringify(this.level)}`);
    this.lower = options?.lower ?? false;
    this.bos = options?.bos === undefined ? '<s>' : options.bos;
    this.eos = options?.eos === undefined ? '</s>' : options.eos;
    this.unk = options?.unk === undefined ? '<unk>' : options.unk;
    const specials = [this.bos, this.eos, this.unk].filter((s): s is string => s !== null);
    if (new Set(specials).size !== specials.length) throw new ArgumentError('Vocabulary', 'specials', `must be distinct, got ${JSON.stringify(specials)}`);
    const itos = [...specials];
    this.stoi = new Map(specials.map((s, i) => [s, i]));
    for (const t of tokens) {
      if (typeof t !== 'string') throw new ArgumentError('Vocabulary', 'tokens', `must be strings, got ${typeof t}`);
      if (this.stoi.has(t)) {
        if (specials.includes(t)) throw new ArgumentError('Vocabulary', 'tokens', `contain the special symbol ${JSON.stringify(t)}`);
        continue;
      }
      this.stoi.set(t, itos.length);
      itos.push(t);
    }
    this.itos = itos;
  }

  /** Counts the tokens of `text` (or of several texts) and keeps them by frequency (see VocabularyOptions). */
  static fromText(text: string | readonly string[], options?: VocabularyOptions): Vocabulary {
    checkOptions('Vocabulary.fromText', options, ['level', 'bos', 'eos', 'unk', 'lower', 'minFreq', 'maxSize']);
    const { minFreq = 1, maxSize = Infinity, ...rest } = options ?? {};
    if (!Number.isSafeInteger(minFreq) || minFreq < 1) throw new ArgumentError('Vocabulary.fromText', 'minFreq', `must be a positive integer, got ${String(minFreq)}`);
    if (maxSize !== Infinity && (!Number.isSafeInteger(maxSize) || maxSize < 0)) throw new ArgumentError('Vocabulary.fromText', 'maxSize', `must be a non-negative integer, got ${String(maxSize)}`);
    const counts = new Map<string, number>();
    const level = rest.level ?? 'char';
    for (const t of typeof text === 'string' ? [text] : text) {
      for (const tok of tokenize(rest.lower ? t.toLowerCase() : t, level)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
    // Map keeps first-appearance order, and Array.prototype.sort is stable: ties stay in that order.
    let kept = [...counts].filter(([, c]) => c >= minFreq).sort((a, b) => b[1] - a[1]).map(([t]) => t);
    if (kept.length > maxSize) kept = kept.slice(0, maxSize);
    if (kept.length < counts.size && (rest.unk === null)) {
      throw new ArgumentError('Vocabulary.fromText', 'unk', 'is null but minFreq/maxSize drop tokens: they would have no index');
    }
    const specials = new Set([rest.bos === undefined ? '<s>' : rest.bos, rest.eos === undefined ? '</s>' : rest.eos, rest.unk === undefined ? '<unk>' : rest.unk]);
    return new Vocabulary(kept.filter((t) => !specials.has(t)), rest);
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.itos.length;
  }
  get bosIndex(): number | null {
    return this.bos === null ? null : this.stoi.get(this.bos)!;
  }
  get eosIndex(): number | null {
    return this.eos === null ? null : this.stoi.get(this.eos)!;
  }
  get unkIndex(): number | null {
    return this.unk === null ? null : this.stoi.get(this.unk)!;
  }

  has(token: string): boolean {
    return this.stoi.has(token);
  }
  /** The index of one token (unk's for an unknown one; throws without unk). */
  indexOf(token: string): number {
    const i = this.stoi.get(token);
    if (i !== undefined) return i;
    if (this.unk === null) throw new ArgumentError('Vocabulary.encode', 'token', `${JSON.stringify(token)} is not in the vocabulary and there is no unknown symbol`);
    return this.stoi.get(this.unk)!;
  }
  /** The token at an index. */
  tokenOf(index: number): string {
    const t = Number.isSafeInteger(index) ? this.itos[index] : undefined;
    if (t === undefined) throw new ArgumentError('Vocabulary.decode', 'index', `must be an integer in [0, ${this.size - 1}], got ${String(index)}`);
    return t;
  }

  /** The tokens of a text at this vocabulary's level (lower-cased if the vocabulary is). */
  tokenize(text: string): string[] {
    return tokenize(this.lower ? text.toLowerCase() : text, this.level);
  }

  /** Indices of a text (tokenised) or of a token list; unknown tokens become unk. */
  encode(input: string | readonly string[]): Int32Array {
    const toks = typeof input === 'string' ? this.tokenize(input) : input;
    const out = new Int32Array(toks.length);
    for (let i = 0; i < toks.length; i++) out[i] = this.indexOf(toks[i]!);
    return out;
  }

  /** [bos, ...encode(sentence), eos]: the ids a sentence-level model reads (only the symbols the vocabulary has). */
  encodeSentence(sentence: string | readonly string[]): Int32Array {
    const body = this.encode(sentence);
    const bos = this.bosIndex;
    const eos = this.eosIndex;
    const out = new Int32Array(body.length + (bos === null ? 0 : 1) + (eos === null ? 0 : 1));
    if (bos !== null) out[0] = bos;
    out.set(body, bos === null ? 0 : 1);
    if (eos !== null) out[out.length - 1] = eos;
    return out;
  }

  /** Tokens joined back into text ('' between characters, ' ' between words); `skipSpecial` drops bos/eos. */
  decode(ids: ArrayLike<number> | Iterable<number>, options?: { skipSpecial?: boolean }): string {
    const skip = options?.skipSpecial ?? false;
    const parts: string[] = [];
    for (const i of Array.from(ids as ArrayLike<number>)) {
      const t = this.tokenOf(i);
      if (skip && (t === this.bos || t === this.eos)) continue;
      parts.push(t);
    }
    return parts.join(this.level === 'char' ? '' : ' ');
  }
}

/**
 * Splits running text into sentences for sentence-level models: at '.', '!' or '?' followed by whitespace,
 * and at blank lines; newlines inside a sentence become spaces; empty pieces are dropped.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .flatMap((para) => para.replace(/\s+/g, ' ').trim().split(/(?<=[.!?]["'’”)]?)\s+/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
