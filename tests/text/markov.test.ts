// The text module on tiny corpora with hand-computed values:
// 1. Vocabulary: special symbols, frequency order, unk, minFreq, char/word tokenisation, round trips.
// 2. Batching: the train/validation split, batchify's stream layout, random chunks with shifted targets.
// 3. Unigram and bigram models on Jurafsky & Martin's "I am Sam" corpus: ML and add-1 probabilities,
//    sentence log-probabilities, perplexity, unknown words, stream cross-entropy, seeded sampling.
// 4. The feature-based Markov model (nn.Linear over one-hot features, cross-entropy) converges to the
//    bigram ML table, an independent expectation (counts, not gradients).

import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, manualSeed, tensor, text } from '../../src/index.js';

const SAM = ['I am Sam', 'Sam I am', 'I do not like green eggs and ham'];

describe('Vocabulary', () => {
  it('puts the specials first, then tokens by frequency (ties by first appearance)', () => {
    const v = text.Vocabulary.fromText(SAM, { level: 'word' });
    expect(v.itos.slice(0, 6)).toEqual(['<s>', '</s>', '<unk>', 'I', 'am', 'Sam']);
    expect(v.size).toBe(13);
    expect([v.bosIndex, v.eosIndex, v.unkIndex]).toEqual([0, 1, 2]);
    expect(Array.from(v.encode('Sam I am Bob'))).toEqual([5, 3, 4, 2]);
    expect(Array.from(v.encodeSentence('I am'))).toEqual([0, 3, 4, 1]);
    expect(v.decode(v.encodeSentence('I am'), { skipSpecial: true })).toBe('I am');
  });
  it('character level, minFreq, lower and no specials', () => {
    const v = text.Vocabulary.fromText('abca', { bos: null, eos: null });
    expect(v.itos).toEqual(['<unk>', 'a', 'b', 'c']);
    expect(Array.from(v.encode('cab'))).toEqual([3, 1, 2]);
    expect(v.decode([2, 1])).toBe('ba');
    const m = text.Vocabulary.fromText('aaBb c', { minFreq: 2, lower: true, bos: null, eos: null });
    expect(m.itos).toEqual(['<unk>', 'a', 'b']);
    expect(m.decode(m.encode('Ab c'))).toBe('ab<unk><unk>');
    expect(text.tokenize("Don't stop, Anne!", 'word')).toEqual(["Don't", 'stop', ',', 'Anne', '!']);
    expect(text.splitSentences('One. Two?\nThree!\n\nFour')).toEqual(['One.', 'Two?', 'Three!', 'Four']);
  });
  it('rejects what it cannot encode', () => {
    const v = new text.Vocabulary(['x'], { unk: null, bos: null, eos: null });
    expect(() => v.encode('xy')).toThrow(ArgumentError);
    expect(() => v.decode([5])).toThrow(/Vocabulary.decode: index/);
    expect(() => text.Vocabulary.fromText('aab', { unk: null, minFreq: 2 })).toThrow(/unk/);
  });
});

describe('batching', () => {
  const ids = Int32Array.from({ length: 23 }, (_, i) => i);
  it('splits train and validation contiguously', () => {
    const { train, val } = text.trainValSplit(ids, { valFraction: 0.2 });
    expect(Array.from(val)).toEqual([18, 19, 20, 21, 22]);
    expect(train.length).toBe(18);
  });
  it('batchify: B streams, each batch continuing the previous one, targets shifted by one', () => {
    const b = text.contiguousBatches(ids, { batchSize: 2, seqLen: 4 });
    // 11 tokens per stream: [0..10] and [11..21]; inputs cover positions 0-3, 4-7, 8-9.
    expect(b.map((x) => x.input.shape)).toEqual([[2, 4], [2, 4], [2, 2]]);
    expect(b[0]!.input.tolist()).toEqual([[0, 1, 2, 3], [11, 12, 13, 14]]);
    expect(b[1]!.target.tolist()).toEqual([[5, 6, 7, 8], [16, 17, 18, 19]]);
    expect(b[2]!.target.tolist()).toEqual([[9, 10], [20, 21]]);
    const tb = text.contiguousBatches(ids, { batchSize: 2, seqLen: 4, batchFirst: false });
    expect(tb[0]!.input.tolist()).toEqual([[0, 11], [1, 12], [2, 13], [3, 14]]);
  });
  it('random chunks are seeded and their targets are the next tokens', () => {
    const a = text.randomBatch(ids, { batchSize: 3, seqLen: 5, generator: new Generator(7) });
    const b = text.randomBatch(ids, { batchSize: 3, seqLen: 5, generator: new Generator(7) });
    expect(a.input.tolist()).toEqual(b.input.tolist());
    expect(a.target.tolist()).toEqual((a.input.add(1).tolist()));
    expect(Math.max(...(a.target.toTypedArray() as Int32Array))).toBeLessThanOrEqual(22);
    expect(() => text.randomBatch(ids, { batchSize: 1, seqLen: 23 })).toThrow(ArgumentError);
  });
});

describe('unigram and bigram models ("I am Sam")', () => {
  const v = text.Vocabulary.fromText(SAM, { level: 'word' });
  const bi = new text.BigramModel(v).fit(SAM);
  const uni = new text.UnigramModel(v).fit(SAM);

  it('bigram maximum-likelihood probabilities (Jurafsky & Martin 3.1)', () => {
    expect(bi.prob('I', '<s>')).toBeCloseTo(2 / 3, 12);
    expect(bi.prob('Sam', '<s>')).toBeCloseTo(1 / 3, 12);
    expect(bi.prob('am', 'I')).toBeCloseTo(2 / 3, 12);
    expect(bi.prob('do', 'I')).toBeCloseTo(1 / 3, 12);
    expect(bi.prob('</s>', 'Sam')).toBeCloseTo(1 / 2, 12);
    expect(bi.prob('Sam', 'am')).toBeCloseTo(1 / 2, 12);
    expect(bi.prob('<s>', 'I')).toBe(0);
    const rowSums = [3, 4, 5].map((p) => bi.nextDistribution(p).reduce((a, b) => a + b, 0));
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 12));
  });
  it('sentence probabilities, unknown words and perplexity', () => {
    expect(bi.probability('I am Sam')).toBeCloseTo((2 / 3) * (2 / 3) * (1 / 2) * (1 / 2), 12);
    expect(bi.logProb('Sam I am')).toBeCloseTo(Math.log((1 / 3) * (1 / 2) * (2 / 3) * (1 / 2)), 12);
    expect(bi.logProb('I am Bob')).toBe(-Infinity);
    expect(bi.perplexity(['I am Sam', 'Sam I am'])).toBeCloseTo(Math.exp(-(Math.log(1 / 9) + Math.log(1 / 18)) / 8), 10);
    expect(uni.prob('I')).toBeCloseTo(3 / 17, 12);
    expect(uni.prob('</s>')).toBeCloseTo(3 / 17, 12);
    expect(uni.logProb('I am Sam')).toBeCloseTo(Math.log((3 / 17) * (2 / 17) * (2 / 17) * (3 / 17)), 12);
  });
  it('add-1 smoothing over the 12 predictable symbols', () => {
    const s = new text.BigramModel(v, { k: 1 }).fit(SAM);
    expect(s.prob('am', 'I')).toBeCloseTo(3 / 15, 12);
    expect(s.prob('eggs', 'green')).toBeCloseTo(2 / 13, 12);
    expect(s.prob('<unk>', 'am')).toBeCloseTo(1 / 14, 12);
    expect(s.logProb('I am Bob')).toBeCloseTo(Math.log((3 / 15) * (3 / 15) * (1 / 14) * (1 / 12)), 12);
    const u = new text.UnigramModel(v, { k: 1 }).fit(SAM);
    expect(u.prob('ham')).toBeCloseTo(2 / 29, 12);
    expect(u.distribution().reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('stream cross-entropy of running text (a character model)', () => {
    const cv = text.Vocabulary.fromText('abab', { bos: null, eos: null, unk: null });
    const c = new text.BigramModel(cv).fitStream(cv.encode('abab'));
    expect(c.prob('b', 'a')).toBe(1);
    expect(c.streamCrossEntropy(cv.encode('abab'))).toBe(0);
    const u = new text.UnigramModel(cv).fitStream(cv.encode('aab'));
    expect(u.streamCrossEntropy(cv.encode('ab'))).toBeCloseTo(-(Math.log(2 / 3) + Math.log(1 / 3)) / 2, 12);
  });
  it('samples seeded sentences with the model\'s frequencies', () => {
    const a = bi.sample({ generator: new Generator(3) });
    expect(bi.sample({ generator: new Generator(3) })).toEqual(a);
    expect(bi.probability(a)).toBeGreaterThan(0);
    const g = new Generator(11);
    let firstI = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) if (bi.sample({ generator: g })[0] === 'I') firstI++;
    expect(firstI / n).toBeGreaterThan(2 / 3 - 0.03);
    expect(firstI / n).toBeLessThan(2 / 3 + 0.03);
    expect(uni.sample({ generator: new Generator(1), maxLength: 5 }).length).toBeLessThanOrEqual(5);
    expect(text.sampleIndex([0, 0, 1], new Generator(0))).toBe(2);
  });
});

describe('feature-based Markov model', () => {
  it('softmax over one-hot features, trained by cross-entropy, converges to the bigram ML table', () => {
    manualSeed(0);
    const v = text.Vocabulary.fromText(SAM, { level: 'word' });
    const bi = new text.BigramModel(v).fit(SAM);
    const data = text.contextPairs(SAM.map((s) => v.encodeSentence(s)), 1, v.bosIndex);
    expect(data.context.shape).toEqual([17, 1]);
    const m = new text.FeatureMarkovModel(v.size);
    expect(Object.keys(m.stateDict())).toEqual(['net.0.weight', 'net.0.bias']);
    const losses = text.fitFeatureMarkov(m, data, { epochs: 300, lr: 0.1 });
    // The ML fit's loss is the bigram's training cross-entropy.
    const ce = -SAM.reduce((a, s) => a + bi.logProb(s), 0) / 17;
    expect(losses[losses.length - 1]!).toBeLessThan(ce + 0.01);
    for (const prev of ['<s>', 'I', 'am', 'Sam', 'green']) {
      const p = m.nextDistribution(tensor([[v.indexOf(prev)]], { dtype: 'int32' })).toTypedArray();
      const q = bi.nextDistribution(v.indexOf(prev));
      for (let i = 0; i < v.size; i++) expect(Math.abs(p[i]! - q[i]!), `P(${v.itos[i]} | ${prev})`).toBeLessThan(0.02);
    }
  });
  it('order 2 concatenates two one-hot blocks; hidden layers are tanh', () => {
    const m = new text.FeatureMarkovModel(4, { order: 2, hidden: [3] });
    const x = tensor([[0, 3], [2, 2]], { dtype: 'int32' });
    expect(m.features(x).tolist()).toEqual([[1, 0, 0, 0, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0, 1, 0]]);
    expect(m.call(x).shape).toEqual([2, 4]);
    expect(() => m.call(tensor([[0]], { dtype: 'int32' }))).toThrow(/order=2/);
    const pairs = text.contextPairs([Int32Array.from([0, 1, 2, 3])], 2, null);
    expect(pairs.context.tolist()).toEqual([[0, 1], [1, 2]]);
    expect(pairs.target.tolist()).toEqual([2, 3]);
  });
});
