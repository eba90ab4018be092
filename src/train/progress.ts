// A training progress display: epoch, step/total, metrics (loss, accuracy, ...), samples/s and ETA.
// On a terminal it draws a cli-progress bar; elsewhere (CI logs, pipes) it prints plain lines at most
// every `intervalMs`, checked on each update(), so a synchronous training loop that never yields to
// the event loop still logs. It knows nothing about models: the fit loop and callbacks feed it numbers.

import cliProgress from 'cli-progress';
import { ArgumentError, checkOptions } from '../core/errors.js';

/** The part of a writable stream used here (process.stderr, a file stream, a test sink). */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: then a bar is drawn in place (cursor control through node:readline). */
  isTTY?: boolean;
}

/** Numbers shown after the step counter, in insertion order. `loss` and `accuracy`/`acc` have set formats. */
export type ProgressMetrics = Record<string, number | undefined>;

export interface ProgressOptions {
  /** Steps in this run (e.g. batches per epoch). */
  total: number;
  /** Current epoch (1-based) and the number of epochs, shown as `epoch 2/3`; omit for no epoch field. */
  epoch?: number;
  epochs?: number;
  /** Where to draw (default process.stderr, so stdout stays clean for results). */
  stream?: ProgressStream;
  /** Print plain lines even on a terminal (default: plain lines only when the stream is not a TTY). */
  plain?: boolean;
  /** Plain-line mode: minimum milliseconds between lines (default 2000; 0 = a line per update). */
  intervalMs?: number;
  /** A prefix such as 'train' or 'eval'. */
  label?: string;
  /** Clock in milliseconds (tests pass a fake one; default performance.now). */
  now?: () => number;
}

/** What one progress line shows. */
export interface ProgressState {
  label?: string | undefined;
  epoch?: number | undefined;
  epochs?: number | undefined;
  step: number;
  total: number;
  metrics: ProgressMetrics;
  /** Samples per second since start, if samples were reported. */
  samplesPerSec?: number | undefined;
  /** Estimated seconds left (null when unknown). */
  etaSec: number | null;
  /** Seconds since start. */
  elapsedSec: number;
}

/** `1m05s`, `12s`, `0.4s`, or `?` when unknown. */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return '?';
  if (sec < 10) return `${sec.toFixed(1)}s`;
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `loss 0.1234`, `acc 97.12%` (accuracy is a fraction in [0, 1]), other names with 4 significant digits. */
export function formatMetrics(metrics: ProgressMetrics): string {
  const parts: string[] = [];
  for (const [name, v] of Object.entries(metrics)) {
    if (v === undefined) continue;
    if (name === 'accuracy' || name === 'acc') parts.push(`acc ${(v * 100).toFixed(2)}%`);
    else if (name === 'loss' || name.endsWith('Loss')) parts.push(`${name} ${v.toFixed(4)}`);
    else parts.push(`${name} ${Number.isInteger(v) ? String(v) : v.toPrecision(4)}`);
  }
  return parts.join('  ');
}

/** One plain progress line: `train epoch 1/3  step 120/469  loss 0.3123  acc 91.20%  5123 samples/s  ETA 12s`. */
export function formatProgressLine(s: ProgressState): string {
  const parts: string[] = [];
  if (s.label) parts.push(s.label);
  if (s.epoch !== undefined) parts.push(`epoch ${s.epoch}${s.epochs !== undefined ? `/${s.epochs}` : ''}`);
  parts.push(`step ${s.step}/${s.total}`);
  const m = formatMetrics(s.metrics);
  if (m) parts.push(m);
  if (s.samplesPerSec !== undefined) parts.push(`${Math.round(s.samplesPerSec)} samples/s`);
  parts.push(s.step >= s.total ? `done in ${formatDuration(s.elapsedSec)}` : `ETA ${formatDuration(s.etaSec)}`);
  return parts.join('  ');
}

/** The slice of cli-progress's SingleBar used here (kept private so published types need no @types). */
interface Bar {
  start(total: number, startValue: number, payload?: object): void;
  update(current: number, payload?: object): void;
  stop(): void;
}

/**
 * Progress of one run of `total` steps.
 * @example
 * const p = new Progress({ total: 469, epoch: 1, epochs: 3 });
 * for (let i = 0; i < 469; i++) { ...; p.update(i + 1, { loss, accuracy }, { samples: (i + 1) * 128 }); }
 * p.stop(); // final line, also returned as a string
 */
export class Progress {
  readonly total: number;
  private readonly options: ProgressOptions;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly startMs: number;
  private readonly intervalMs: number;
  private lastLineMs = Number.NEGATIVE_INFINITY;
  private step = 0;
  private samples: number | undefined;
  private metrics: ProgressMetrics = {};
  private bar: Bar | null = null;
  private stopped = false;

  constructor(options: ProgressOptions) {
    checkOptions('Progress', options, ['total', 'epoch', 'epochs', 'stream', 'plain', 'intervalMs', 'label', 'now']);
    const { total } = options;
    if (!Number.isSafeInteger(total) || total < 0) throw new ArgumentError('Progress', 'total', `must be a non-negative integer, got ${String(total)}`);
    const interval = options.intervalMs ?? 2000;
    if (typeof interval !== 'number' || !(interval >= 0)) throw new ArgumentError('Progress', 'intervalMs', `must be a non-negative number, got ${String(interval)}`);
    this.total = total;
    this.options = options;
    this.intervalMs = interval;
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    const tty = this.stream.isTTY === true;
    if (tty && options.plain !== true) {
      const bar = new cliProgress.SingleBar({
        stream: this.stream as NodeJS.WritableStream, // a TTY stream, which readline can drive
        // Our own text (same as the plain line) around cli-progress's bar.
        format: (opts, params, payload: { text?: string; head?: string }) =>
          `${payload.head ?? ''} [${cliProgress.Format.BarFormat(params.progress, opts)}] ${payload.text ?? ''}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      }) as unknown as Bar;
      bar.start(total, 0, this.payload());
      this.bar = bar;
    }
  }

  /** The current state (what the next line would show). */
  state(): ProgressState {
    const elapsedSec = (this.now() - this.startMs) / 1000;
    const rate = this.samples !== undefined && elapsedSec > 0 ? this.samples / elapsedSec : undefined;
    const etaSec = this.step > 0 && elapsedSec > 0 ? ((this.total - this.step) * elapsedSec) / this.step : null;
    return {
      label: this.options.label,
      epoch: this.options.epoch,
      epochs: this.options.epochs,
      step: this.step,
      total: this.total,
      metrics: { ...this.metrics },
      samplesPerSec: rate,
      etaSec,
      elapsedSec,
    };
  }

  /**
   * Records that `step` steps are done. `metrics` replace the previous values of the same names;
   * `samples` is the number of samples processed since start (for samples/s).
   */
  update(step: number, metrics?: ProgressMetrics, extra?: { samples?: number }): void {
    if (this.stopped) return;
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) throw new ArgumentError('Progress.update', 'step', `must be a non-negative number, got ${String(step)}`);
    this.step = Math.min(step, this.total);
    if (metrics) Object.assign(this.metrics, metrics);
    if (extra?.samples !== undefined) this.samples = extra.samples;
    if (this.bar) {
      this.bar.update(this.step, this.payload());
      return;
    }
    const t = this.now();
    if (this.step < this.total && t - this.lastLineMs < this.intervalMs) return;
    if (this.step >= this.total) return; // the final line comes from stop()
    this.lastLineMs = t;
    this.stream.write(`${formatProgressLine(this.state())}\n`);
  }

  /** Ends the display (prints the final state once) and returns the final line. Idempotent. */
  stop(): string {
    const line = formatProgressLine(this.state());
    if (this.stopped) return line;
    this.stopped = true;
    if (this.bar) {
      this.bar.update(this.step, this.payload());
      this.bar.stop();
    } else {
      this.stream.write(`${line}\n`);
    }
    return line;
  }

  private payload(): { head: string; text: string } {
    const s = this.state();
    const head = [s.label, s.epoch !== undefined ? `epoch ${s.epoch}${s.epochs !== undefined ? `/${s.epochs}` : ''}` : undefined]
      .filter((x) => x !== undefined && x !== '')
      .join(' ');
    const rest = formatProgressLine({ ...s, label: undefined, epoch: undefined });
    return { head, text: rest };
  }
}
