// `npm run demo:charlm -- --quick` end to end (examples/charlm.ts on the first 60 000 characters of
// Persuasion, a small LSTM, 3 epochs): the printed figures hang together — the bigram model beats the
// unigram baseline, the perplexities are exp(cross-entropy), the LSTM's validation loss falls below both
// count models, clipping reports its norms and counts, samples appear at temperatures 0.5 and 1.0.
// The full demo (several minutes) is not run in the suite.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NUM = '([\\d.]+)';

it('the quick char-level LM demo beats the unigram and bigram baselines and samples text', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/charlm.ts', '--quick'], { cwd: root, timeout: 120_000 });
  expect(stdout).toMatch(/corpus: Persuasion by Jane Austen \(public domain\), 60000 characters \(the first 60000\), vocabulary \d+; train 54000, validation 6000/);
  const ce = (name: string): { ce: number; ppl: number } => {
    const m = new RegExp(`${name} \\(add-k [\\d.]+\\): validation cross-entropy ${NUM} nats/char \\(${NUM} bits/char\\), perplexity ${NUM}`).exec(stdout);
    expect(m, name).not.toBeNull();
    const v = Number(m![1]);
    expect(Number(m![2])).toBeCloseTo(v / Math.LN2, 2);
    expect(Number(m![3])).toBeCloseTo(Math.exp(v), 1);
    return { ce: v, ppl: Number(m![3]) };
  };
  const uni = ce('unigram baseline');
  const bi = ce('bigram Markov model');
  expect(bi.ce).toBeLessThan(uni.ce - 0.3);
  const epochs = [...stdout.matchAll(new RegExp(`epoch (\\d)/3: train loss ${NUM} {2}validation ${NUM} nats/char .*grad norm before clipping: mean ${NUM}, max ${NUM}; clipped (\\d+) of (\\d+) steps`, 'g'))];
  expect(epochs.map((m) => Number(m[1]))).toEqual([1, 2, 3]);
  const val = epochs.map((m) => Number(m[3]));
  expect(val[2]!).toBeLessThan(val[0]!);
  expect(val[2]!).toBeLessThan(bi.ce);
  for (const m of epochs) {
    expect(Number(m[5])).toBeGreaterThanOrEqual(Number(m[4]));
    expect(Number(m[6])).toBeLessThanOrEqual(Number(m[7]));
  }
  // Early, large gradients are clipped; the count is what clipGradNorm_'s returned norms say.
  expect(Number(epochs[0]![6])).toBeGreaterThan(0);
  for (const t of ['0.5', '1.0']) expect(stdout).toMatch(new RegExp(`sample at temperature ${t}: "Anne[^"]{20,}"`));
  const res = new RegExp(`result: LSTM validation ${NUM} nats/char .* below the bigram`).exec(stdout);
  expect(Number(res![1])).toBe(val[2]);
  expect(stderr).toMatch(/train {2}epoch 3\/3 {2}step 52\/52 {2}loss [\d.]+ {2}gradNorm [\d.]+/);
});
