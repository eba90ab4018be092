// `npm run demo:charlm`: language models of one public-domain novel (Jane Austen's Persuasion,
// examples/data/), from counts to a recurrent network. It prints the validation cross-entropy of the
// unigram baseline and of the bigram Markov model (add-k smoothing, k picked on validation, which
// flatters them), then trains a character-level LSTM language model (Embedding → nn.LSTM → Linear, the W6
// sizes: embedding 64, LSTM 256, sequences of 64, batches of 32) with Adam and gradient-norm clipping
// (the norm before clipping and how often it clipped are printed), shows its validation loss and
// perplexity after every epoch, and samples text at temperatures 0.5 and 1.0.
// `--quick`: a smoke run on the first 60 000 characters with a small LSTM (tests/text/demo_charlm.test.ts).
// `--epochs N`, `--threads N`. Imports the public API only.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import {
  F, Generator, Tensor, detach, getBackend, manualSeed, nativeInfo, nn, noGrad, optim, setNumThreads, softmax, tensor, text, train,
} from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    threads: { type: 'string' },
  },
});
const quick = args.quick;
if (args.threads !== undefined) setNumThreads(Number(args.threads));
const t0 = performance.now();
const info = nativeInfo();
console.log(`nodegrad demo:charlm — backend ${getBackend()}${'isa' in info ? ` (${info.isa}, ${info.threads} threads)` : ''}`);

// ---- the corpus -----------------------------------------------------------------------------------
const full = gunzipSync(readFileSync(new URL('./data/persuasion.txt.gz', import.meta.url))).toString('utf8');
const corpus = quick ? full.slice(0, 60_000) : full;
const vocab = text.Vocabulary.fromText(corpus, { bos: null, eos: null, unk: null });
const ids = vocab.encode(corpus);
const { train: trainIds, val: valIds } = text.trainValSplit(ids, { valFraction: 0.1 });
const V = vocab.size;
console.log(`corpus: Persuasion by Jane Austen (public domain), ${corpus.length} characters${quick ? ' (the first 60000)' : ''}, ` +
  `vocabulary ${V}; train ${trainIds.length}, validation ${valIds.length} (the last 10%)`);

// ---- count-based baselines ------------------------------------------------------------------------
const fmtCE = (ce: number): string => `${ce.toFixed(4)} nats/char (${(ce / Math.LN2).toFixed(3)} bits/char), perplexity ${Math.exp(ce).toFixed(2)}`;
const K = [0.001, 0.01, 0.1, 0.5, 1];
const uni = text.chooseK(K, (k) => new text.UnigramModel(vocab, { k }).fitStream(trainIds), (m) => m.streamCrossEntropy(valIds));
const bi = text.chooseK(K, (k) => new text.BigramModel(vocab, { k }).fitStream(trainIds), (m) => m.streamCrossEntropy(valIds));
console.log(`unigram baseline (add-k ${uni.k}): validation cross-entropy ${fmtCE(uni.score)}`);
console.log(`bigram Markov model (add-k ${bi.k}): validation cross-entropy ${fmtCE(bi.score)}`);
const biSample = vocab.decode(bi.model.sampleStream(vocab.indexOf('\n'), 160, { generator: new Generator(1) }));
console.log(`bigram sample: ${JSON.stringify(biSample)}`);

// ---- the character-level LSTM ---------------------------------------------------------------------
type State = [Tensor, Tensor];
class CharLM extends nn.Module<[Tensor, (State | null)?], [Tensor, State]> {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number) {
    super();
    this.embed = new nn.Embedding(vocabSize, embeddingDim);
    this.lstm = new nn.LSTM(embeddingDim, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, vocabSize);
  }
  /** x [B, T] ids → logits [B, T, V] and the last (h, c). */
  forward(x: Tensor, state?: State | null): [Tensor, State] {
    const [out, next] = this.lstm.forward(this.embed.call(x), state ?? null);
    return [this.head.call(out), next];
  }
}

const E = quick ? 16 : 64;
const H = quick ? 64 : 256;
const B = 32;
const T = quick ? 32 : 64;
const epochs = args.epochs !== undefined ? Number(args.epochs) : quick ? 3 : 5;
const maxNorm = 0.5;
const lr = quick ? 1e-2 : 2e-3;
manualSeed(0);
const model = new CharLM(V, E, H);
const params = model.parameters();
const nParams = params.reduce((a, p) => a + p.numel(), 0);
console.log(`model: Embedding(${V}, ${E}) -> nn.LSTM(${E}, ${H}) -> Linear(${H}, ${V}), ${nParams} parameters; ` +
  `batches of ${B} x ${T} characters, Adam lr ${lr} (cosine to ${lr / 10}), clipGradNorm_ maxNorm ${maxNorm}`);
const opt = new optim.Adam(params, { lr });
const sched = new optim.CosineAnnealingLR(opt, { tMax: epochs, etaMin: lr / 10 });

/** Mean cross-entropy (nats/char) over a stream, read in B parallel streams carrying the state. */
function evaluate(stream: Int32Array): number {
  return noGrad(() => {
    let sum = 0;
    let n = 0;
    let state: State | null = null;
    for (const b of text.contiguousBatches(stream, { batchSize: B, seqLen: T })) {
      const [logits, next] = model.forward(b.input, state);
      state = next;
      sum += F.crossEntropy(logits.reshape([-1, V]), b.target.reshape([-1]), { reduction: 'sum' }).item();
      n += b.target.numel();
    }
    return sum / n;
  });
}

const gen = new Generator(2);
let lastVal = Infinity;
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  // A random start offset per epoch moves the chunk boundaries; the state is carried (detached) between
  // consecutive batches, whose rows continue each other (truncated backpropagation through time).
  const offset = gen.nextInt(0, T);
  const batches = text.contiguousBatches(trainIds.subarray(offset), { batchSize: B, seqLen: T }).filter((b) => b.input.shape[1] === T);
  const bar = new train.Progress({ total: batches.length, epoch, epochs, label: 'train', intervalMs: quick ? 0 : 5000 });
  let state: State | null = null;
  let lossSum = 0;
  let clipped = 0;
  let normSum = 0;
  let normMax = 0;
  const te = performance.now();
  batches.forEach((b, i) => {
    opt.zeroGrad();
    const [logits, next] = model.forward(b.input, state);
    state = [detach(next[0]), detach(next[1])];
    const loss = F.crossEntropy(logits.reshape([-1, V]), b.target.reshape([-1]));
    loss.backward();
    // clipGradNorm_ returns the total norm before clipping; it rescales when that exceeds maxNorm.
    const norm = nn.utils.clipGradNorm_(params, maxNorm).item() as number;
    if (norm > maxNorm) clipped++;
    normSum += norm;
    normMax = Math.max(normMax, norm);
    opt.step();
    lossSum += loss.item();
    bar.update(i + 1, { loss: lossSum / (i + 1), gradNorm: norm }, { samples: (i + 1) * B * T });
  });
  bar.stop();
  sched.step();
  model.eval();
  lastVal = evaluate(valIds);
  console.log(`epoch ${epoch}/${epochs}: train loss ${(lossSum / batches.length).toFixed(4)}  validation ${fmtCE(lastVal)}  ` +
    `grad norm before clipping: mean ${(normSum / batches.length).toFixed(3)}, max ${normMax.toFixed(3)}; clipped ${clipped} of ${batches.length} steps  ` +
    `(${((performance.now() - te) / 1000).toFixed(1)} s)`);
}

// ---- sampling -------------------------------------------------------------------------------------
/** `length` characters after `prime`, drawn from softmax(logits / temperature), seeded. */
function sample(prime: string, length: number, temperature: number, seed: number): string {
  const g = new Generator(seed);
  return noGrad(() => {
    let [logits, state] = model.forward(tensor([Array.from(vocab.encode(prime))], { dtype: 'int32' }));
    let out = '';
    for (let i = 0; i < length; i++) {
      const last = logits.index(0, -1);
      const p = softmax(last.div(temperature), -1).toTypedArray();
      const id = text.sampleIndex(p, g);
      out += vocab.tokenOf(id);
      [logits, state] = model.forward(tensor([[id]], { dtype: 'int32' }), state);
    }
    return out;
  });
}
for (const temp of [0.5, 1.0]) {
  console.log(`sample at temperature ${temp.toFixed(1)}: ${JSON.stringify(`Anne${sample('Anne', quick ? 80 : 300, temp, 7)}`)}`);
}

const beats = lastVal < bi.score;
console.log(`result: LSTM validation ${lastVal.toFixed(4)} nats/char (perplexity ${Math.exp(lastVal).toFixed(2)}) vs bigram ${bi.score.toFixed(4)} ` +
  `(${Math.exp(bi.score).toFixed(2)}) and unigram ${uni.score.toFixed(4)} (${Math.exp(uni.score).toFixed(2)}): ` +
  `${beats ? `${(bi.score - lastVal).toFixed(4)} nats/char below the bigram` : 'NOT below the bigram'}`);
console.log(`wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (!quick && !beats) process.exitCode = 1;
