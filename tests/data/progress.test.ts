// train.Progress: plain lines when the stream is not a TTY (CI logs), a cli-progress bar when it is.
// A fake clock makes rates and ETAs exact.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ArgumentError, train } from '../../src/index.js';

const { Progress, formatDuration, formatMetrics, formatProgressLine } = train;

class Sink extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('plain lines (not a TTY)', () => {
  it('prints epoch, step/total, loss, accuracy, samples/s and ETA', () => {
    const out = new Sink();
    const c = clock();
    const p = new Progress({ total: 4, epoch: 2, epochs: 3, label: 'train', stream: out, intervalMs: 0, now: c.now });
    for (let i = 1; i <= 4; i++) {
      c.advance(500);
      p.update(i, { loss: 1 / i, accuracy: i / 4 }, { samples: 100 * i });
    }
    const last = p.stop();
    const lines = out.lines();
    expect(lines).toEqual([
      'train  epoch 2/3  step 1/4  loss 1.0000  acc 25.00%  200 samples/s  ETA 1.5s',
      'train  epoch 2/3  step 2/4  loss 0.5000  acc 50.00%  200 samples/s  ETA 1.0s',
      'train  epoch 2/3  step 3/4  loss 0.3333  acc 75.00%  200 samples/s  ETA 0.5s',
      'train  epoch 2/3  step 4/4  loss 0.2500  acc 100.00%  200 samples/s  done in 2.0s',
    ]);
    expect(last).toBe(lines[3]);
    expect(out.text).not.toMatch(/\x1b/); // no terminal escapes in logs
  });

  it('prints at most one line per interval, the first and the final one always', () => {
    const out = new Sink();
    const c = clock();
    const p = new Progress({ total: 100, stream: out, intervalMs: 1000, now: c.now });
    for (let i = 1; i <= 100; i++) {
      c.advance(100);
      p.update(i, { loss: 0.5 });
    }
    p.stop();
    p.stop(); // idempotent
    const lines = out.lines();
    // step 1, then every 10 steps (1000 ms), then the final line.
    expect(lines.length).toBe(11);
    expect(lines[0]).toMatch(/^step 1\/100 {2}loss 0\.5000 {2}ETA 9\.9s$/);
    expect(lines[1]).toMatch(/^step 11\/100/);
    expect(lines[10]).toBe('step 100/100  loss 0.5000  done in 10s');
    p.update(50); // after stop: ignored
    expect(out.lines().length).toBe(11);
  });

  it('formats durations, metrics and lines', () => {
    expect(formatDuration(null)).toBe('?');
    expect(formatDuration(3.21)).toBe('3.2s');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7260)).toBe('2h01m');
    expect(formatMetrics({ loss: 0.123456, acc: 0.9, lr: 0.05, valLoss: 2, epochs: 3, skip: undefined })).toBe('loss 0.1235  acc 90.00%  lr 0.05000  valLoss 2.0000  epochs 3');
    expect(formatProgressLine({ step: 0, total: 10, metrics: {}, etaSec: null, elapsedSec: 0 })).toBe('step 0/10  ETA ?');
  });

  it('checks its options', () => {
    expect(() => new Progress({ total: -1 })).toThrow(ArgumentError);
    expect(() => new Progress({ total: 3, intervalMs: Number.NaN })).toThrow(ArgumentError);
    expect(() => new Progress({ total: 3, totl: 4 } as never)).toThrow(/option 'totl' is not a known option/);
    const p = new Progress({ total: 3, stream: new Sink() });
    expect(() => p.update(-1)).toThrow(ArgumentError);
  });
});

describe('bar (TTY)', () => {
  it('draws a cli-progress bar with the same fields', () => {
    const out = new Sink(true);
    const c = clock();
    const p = new Progress({ total: 10, epoch: 1, epochs: 2, stream: out, now: c.now });
    for (let i = 1; i <= 10; i++) {
      c.advance(10);
      p.update(i, { loss: 0.25, accuracy: 0.5 }, { samples: 64 * i });
    }
    const last = p.stop();
    expect(out.text).toMatch(/epoch 1\/2 \[[=-]+\] step 10\/10 {2}loss 0\.2500 {2}acc 50\.00% {2}6400 samples\/s {2}done in 0\.1s/);
    expect(out.text).toMatch(/\x1b\[/); // cursor control: a real bar, redrawn in place
    expect(last).toMatch(/^epoch 1\/2 {2}step 10\/10/);
  });

  it('plain: true prints lines even on a terminal', () => {
    const out = new Sink(true);
    const p = new Progress({ total: 2, stream: out, plain: true, intervalMs: 0 });
    p.update(1, { loss: 1 });
    p.stop();
    expect(out.lines()[0]).toMatch(/^step 1\/2 {2}loss 1\.0000/);
    expect(out.text).not.toMatch(/\x1b/);
  });
});
