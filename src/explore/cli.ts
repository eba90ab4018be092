#!/usr/bin/env node
// The `nodegrad` command (package.json "bin" → dist/explore/cli.js): `nodegrad explore descend|sweep|landscapes`
// runs a descent or a sweep on a built-in landscape from the terminal and writes a picture (and a CSV for
// sweeps). Errors are one clear line on stderr and a non-zero exit code (2: bad usage, 1: failure).
// Only argument handling lives here: the work is explore's and plot's.

import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NodegradError } from '../core/errors.js';
import { descent1d, landscape2d } from '../plot/descent.js';
import { save } from '../plot/render.js';
import { sweep as sweepChart } from '../plot/tables.js';
import { descend, type DescendOptions, type DescentResult, type Schedule } from './descend.js';
import { classify, getLandscape, landscapes, type Landscape } from './landscapes.js';
import { startGrid, sweepEpochs, sweepLr, sweepLrEpochs, sweepRandomStarts, sweepStarts, type SweepTable } from './sweep.js';

/** Where the CLI writes (process.stdout/stderr by default; tests pass collectors). */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

class UsageError extends Error {}

const MAIN_HELP = `Usage: nodegrad <command> [options]

Commands:
  explore descend      gradient descent (or ascent) on a landscape, drawn as a picture
  explore sweep        many descents over starts, learning rates or epochs: a picture and a CSV table
  explore landscapes   list the built-in landscapes

Run 'nodegrad explore <command> --help' for the options of a command.
`;

const DESCEND_HELP = `Usage: nodegrad explore descend --landscape NAME --x0 X [options]

Runs gradient descent from each --x0 and writes one picture with every path.

Options:
  --landscape NAME   ${Object.keys(landscapes).join(', ')} (default poly6)
  --x0 X             start point: a number (1-D) or x,y (2-D); repeat for several runs (default 0.5 or 0.5,0.5)
  --lr R             learning rate (default 0.01)
  --epochs N         most steps (default 200)
  --schedule S       fixed | time:DECAY | gradient:normalized | gradient:proportional (default fixed)
  --ascent           climb instead: x <- x + lr*grad f
  --tolerance T      converged when |grad f| < T (default 1e-6)
  --out FILE         the picture, .png or .svg (default descent.png)
  --width W --height H --scale S   picture size in CSS pixels, PNG pixels per CSS pixel (default 800 520 2)
  -h, --help         this help
`;

const SWEEP_HELP = `Usage: nodegrad explore sweep --landscape NAME --what KIND [options]

Runs many descents and writes DIR/sweep-KIND.png (or .svg) and DIR/sweep-KIND.csv.

Options:
  --landscape NAME   ${Object.keys(landscapes).join(', ')} (default poly6)
  --what KIND        starts | random | lr | epochs | lr-epochs
  --starts LIST      starts: ';'-separated points (e.g. -2;-1;0;1;2 or 0,1;1,-1); default a grid over the domain
  --grid N           starts: N evenly spaced starts per dimension when --starts is not given (default 21 in 1-D, 9 in 2-D)
  --n N --seed S     random: N starts drawn over the domain with seed S (default 40, 0)
  --x0 X             lr, epochs, lr-epochs: the start point (default 0.5 or 0.5,0.5)
  --lrs LIST         lr, lr-epochs: comma-separated rates (default 0.0001,0.001,0.01,0.05,0.1)
  --epochs-list LIST epochs, lr-epochs: comma-separated epoch counts (default 10,50,100,500)
  --lr R --epochs N  the rate and epochs kept fixed (default 0.01, 200)
  --schedule S --ascent --tolerance T   as for descend
  --format F         png | svg (default png)
  --out DIR          the folder to write into (default .)
  --width W --height H --scale S   picture size (default 800 560 2)
  -h, --help         this help
`;

function num(flag: string, v: string | undefined, fallback: number, ok: (x: number) => boolean = Number.isFinite, expectation = 'a number'): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v.trim() === '' || !ok(x)) throw new UsageError(`${flag} must be ${expectation}, got '${v}'`);
  return x;
}
const isInt = (x: number): boolean => Number.isInteger(x) && x >= 0;
const isPos = (x: number): boolean => Number.isInteger(x) && x > 0;

function point(flag: string, v: string, dims: number): number | number[] {
  const parts = v.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((s) => s === '') || xs.some((x) => !Number.isFinite(x))) throw new UsageError(`${flag} must be ${dims === 1 ? 'a number' : 'x,y'}, got '${v}'`);
  if (xs.length !== dims) throw new UsageError(`${flag} '${v}' has ${xs.length} coordinate(s); the landscape is ${dims}-D`);
  return dims === 1 ? xs[0]! : xs;
}

function list(flag: string, v: string, ok: (x: number) => boolean, expectation: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((s) => s === '') || !xs.every(ok)) throw new UsageError(`${flag} must be a comma-separated list of ${expectation}, got '${v}'`);
  return xs;
}

function schedule(v: string | undefined): Schedule {
  if (v === undefined || v === 'fixed') return 'fixed';
  const m = /^(time|gradient):(.+)$/.exec(v);
  if (m?.[1] === 'time') return { kind: 'timeBased', decay: num('--schedule time:DECAY', m[2], 0, (x) => x >= 0 && Number.isFinite(x), 'a number >= 0') };
  if (m?.[1] === 'gradient' && (m[2] === 'normalized' || m[2] === 'proportional')) return { kind: 'gradient', mode: m[2] };
  throw new UsageError(`--schedule must be fixed, time:DECAY, gradient:normalized or gradient:proportional, got '${v}'`);
}

function landscapeOf(v: string | undefined): Landscape {
  try {
    return getLandscape(v ?? 'poly6');
  } catch {
    throw new UsageError(`--landscape must be one of ${Object.keys(landscapes).join(', ')}, got '${v}'`);
  }
}

const SIZE = { width: { type: 'string' }, height: { type: 'string' }, scale: { type: 'string' } } as const;
const COMMON = {
  landscape: { type: 'string' }, lr: { type: 'string' }, epochs: { type: 'string' }, schedule: { type: 'string' },
  ascent: { type: 'boolean' }, tolerance: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...SIZE,
} as const;

function size(values: { width?: string | undefined; height?: string | undefined; scale?: string | undefined }, w: number, h: number): { width: number; height: number; scale: number } {
  return {
    width: num('--width', values.width, w, (x) => Number.isInteger(x) && x >= 100, 'an integer >= 100'),
    height: num('--height', values.height, h, (x) => Number.isInteger(x) && x >= 80, 'an integer >= 80'),
    scale: num('--scale', values.scale, 2, (x) => x > 0 && x <= 10, 'a number in (0, 10]'),
  };
}

function descendOptions(values: { lr?: string | undefined; epochs?: string | undefined; schedule?: string | undefined; ascent?: boolean | undefined; tolerance?: string | undefined }): DescendOptions {
  return {
    lr: num('--lr', values.lr, 0.01, (x) => x >= 0 && Number.isFinite(x), 'a number >= 0'),
    epochs: num('--epochs', values.epochs, 200, isInt, 'a non-negative integer'),
    schedule: schedule(values.schedule),
    ascent: values.ascent ?? false,
    tolerance: num('--tolerance', values.tolerance, 1e-6, (x) => x >= 0, 'a number >= 0'),
  };
}

/** `--x0 -2` → `--x0=-2`: parseArgs takes a value starting with '-' for a flag; here it is a negative number. */
function negativesJoined(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (/^--[a-z][a-z0-9-]*$/.test(a) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v));

async function runDescend(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: negativesJoined(args), options: { ...COMMON, x0: { type: 'string', multiple: true } }, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout(DESCEND_HELP);
    return 0;
  }
  const L = landscapeOf(values.landscape);
  const opts = descendOptions(values);
  const starts = (values.x0 ?? [L.dims === 1 ? '0.5' : '0.5,0.5']).map((v) => point('--x0', v, L.dims));
  const out = values.out ?? 'descent.png';
  if (!/\.(png|svg)$/i.test(out)) throw new UsageError(`--out must name a .png or .svg file, got '${out}'`);
  const sz = size(values, 800, 520);
  const runs: DescentResult[] = starts.map((s) => descend(L, s, opts));
  for (const r of runs) {
    const reached = r.stoppedBecause === 'diverged' ? 'diverged' : classify(r.final, L.critical, 1e-2);
    io.stdout(`x0=${r.points[0]!.map(fmt).join(',')}: ${r.stoppedBecause} after ${r.steps} steps at x=${r.final.map(fmt).join(',')}, f=${fmt(r.finalValue)} (${reached})\n`);
  }
  const chart = L.dims === 1 ? descent1d(L, runs) : landscape2d(L, runs);
  const path = await save(chart, out, sz);
  io.stdout(`wrote ${path}\n`);
  return 0;
}

async function runSweep(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: negativesJoined(args),
    options: {
      ...COMMON, what: { type: 'string' }, starts: { type: 'string' }, grid: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' },
      x0: { type: 'string' }, lrs: { type: 'string' }, 'epochs-list': { type: 'string' }, format: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout(SWEEP_HELP);
    return 0;
  }
  const L = landscapeOf(values.landscape);
  const opts = descendOptions(values);
  const what = values.what;
  const format = values.format ?? 'png';
  if (format !== 'png' && format !== 'svg') throw new UsageError(`--format must be png or svg, got '${format}'`);
  const x0 = point('--x0', values.x0 ?? (L.dims === 1 ? '0.5' : '0.5,0.5'), L.dims);
  const lrs = () => list('--lrs', values.lrs ?? '0.0001,0.001,0.01,0.05,0.1', (x) => x >= 0 && Number.isFinite(x), 'numbers >= 0');
  const epochsList = () => list('--epochs-list', values['epochs-list'] ?? '10,50,100,500', isInt, 'non-negative integers');
  let table: SweepTable;
  switch (what) {
    case 'starts': {
      const starts = values.starts !== undefined
        ? values.starts.split(';').map((s) => point('--starts', s, L.dims))
        : startGrid(L.domain, num('--grid', values.grid, L.dims === 1 ? 21 : 9, isPos, 'a positive integer'));
      table = sweepStarts(L, starts, opts);
      break;
    }
    case 'random':
      table = sweepRandomStarts(L, num('--n', values.n, 40, isPos, 'a positive integer'), { ...opts, seed: num('--seed', values.seed, 0, isInt, 'a non-negative integer') });
      break;
    case 'lr':
      table = sweepLr(L, x0, lrs(), opts);
      break;
    case 'epochs':
      table = sweepEpochs(L, x0, epochsList(), opts);
      break;
    case 'lr-epochs':
      table = sweepLrEpochs(L, x0, lrs(), epochsList(), opts);
      break;
    default:
      throw new UsageError(`--what must be starts, random, lr, epochs or lr-epochs, got ${what === undefined ? 'nothing' : `'${what}'`}`);
  }
  const dir = values.out ?? '.';
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `sweep-${what}.csv`);
  writeFileSync(csv, table.toCSV());
  const picture = await save(sweepChart(table), join(dir, `sweep-${what}.${format}`), size(values, 800, 560));
  const counts = Object.entries(table.counts()).map(([k, n]) => `${k}: ${n}`).join(', ');
  io.stdout(`${table.rows.length} runs on ${L.name}: ${counts}\nwrote ${picture}\nwrote ${csv}\n`);
  return 0;
}

/**
 * Runs the command line `args` (without node and the script), e.g. `['explore', 'descend', '--x0', '1']`.
 * Resolves to the exit code: 0 done, 1 failed, 2 bad usage (the message names the flag).
 */
export async function main(args: readonly string[], io: CliIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const [cmd, sub, ...rest] = args;
  try {
    if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
      io.stdout(MAIN_HELP);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd !== 'explore') throw new UsageError(`unknown command '${cmd}'`);
    if (sub === undefined || sub === '-h' || sub === '--help') {
      io.stdout(MAIN_HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'descend') return await runDescend(rest, io);
    if (sub === 'sweep') return await runSweep(rest, io);
    if (sub === 'landscapes') {
      for (const l of Object.values(landscapes)) io.stdout(`${l.name.padEnd(11)} ${l.dims}-D on ${l.domain.map(([a, b]) => `[${a}, ${b}]`).join(' x ')}  ${l.description}\n`);
      return 0;
    }
    throw new UsageError(`unknown explore command '${sub}' (descend, sweep, landscapes)`);
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`nodegrad: ${msg}\n${usage ? "Run 'nodegrad explore --help' for usage.\n" : ''}`);
    return usage ? 2 : e instanceof NodegradError ? 2 : 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
