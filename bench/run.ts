// `npm run bench`: prints the standard workload tables (../shared/bench/WORKLOADS.md) with the CPU,
// backend, ISA and thread counts in use. Only orchestration lives here: each workload is a module
// with a run<W>(ctx) that prints its table and returns its JSON section.
//
//   --quick          skip the largest shapes (W1 2048)
//   --only w0,w1     run only these sections (w0, w1, w2, w3, w4, w5, w6, elementwise) (`npm run bench:gemm` = --only w0,w1)
//   --threads N      the "all threads" count (default: the library's, i.e. physical cores or NODEGRAD_NUM_THREADS)
//   --json out.json  also write every result, with raw samples, for notes and regression tracking
//   --smoke          tiny shapes and few samples (tests/bench.test.ts); figures are meaningless
//   --no-tfjs        leave out the TensorFlow.js baselines (minutes per section; their tables say "skipped")

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { getBackend, getNumThreads, nativeInfo } from '../src/index.js';
import { makeContext } from './lib.js';
import { skipTfjs } from './tfjs.js';
import { runW0 } from './w0_peak.js';
import { runW1 } from './w1_gemm.js';
import { runW4 } from './w4_mlp.js';
import { runElementwise } from './elementwise.js';
import { runW2 } from './w2_conv.js';
import { runW5 } from './w5_lenet.js';
import { runW3 } from './w3_rnn.js';
import { runW6 } from './w6_charlm.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'string' },
    'no-tfjs': { type: 'boolean', default: false },
  },
});
if (args['no-tfjs']) skipTfjs();
const only = args.only?.split(',').map((s) => s.trim().toLowerCase());
const allThreads = args.threads === undefined ? getNumThreads() : Number(args.threads);
if (!Number.isSafeInteger(allThreads) || allThreads < 1) throw new Error(`--threads must be a positive integer, got ${String(args.threads)}`);

const ctx = makeContext({ quick: args.quick, smoke: args.smoke, allThreads });
const info = nativeInfo();
const commit = (() => {
  try {
    const git = (...a: string[]): string => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const sha = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
})();
const started = performance.now();
console.log(`nodegrad bench  ${new Date().toISOString()}  commit ${commit}  node ${process.version}${ctx.smoke ? '  (SMOKE: figures meaningless)' : ''}`);
const loadStart = loadavg()[0]!;
console.log(`CPU: ${ctx.machine.cpuModel} (${ctx.machine.arch}, ${ctx.machine.logicalCpus} logical CPUs${info.available ? `, ${info.physicalCores} physical cores` : ''})`);
console.log(info.available
  ? `backend: ${getBackend()}, ISA: ${info.isa} (available: ${info.isaAvailable.join(', ')}), threads: ${ctx.threads.join(' and ')}`
  : `backend: ${getBackend()} (native addon unavailable: ${info.error}), threads: ${ctx.threads.join(' and ')}`);

const results: Record<string, unknown> = {};
/** Runs a section unless --only leaves it out; records its result for --json. */
function section<T>(id: string, run: () => T): T | undefined {
  if (only && !only.includes(id)) return undefined;
  const r = run();
  results[id] = r;
  return r;
}

const w0 = section('w0', () => runW0(ctx));
section('w1', () => runW1(ctx, w0));
section('w4', () => runW4(ctx));
section('elementwise', () => runElementwise(ctx));
section('w2', () => runW2(ctx));
section('w3', () => runW3(ctx, w0));
section('w5', () => runW5(ctx, w0));
section('w6', () => runW6(ctx, w0));

const seconds = (performance.now() - started) / 1000;
const loadEnd = loadavg()[0]!;
console.log(`\nbench time: ${seconds.toFixed(1)} s; 1-min load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end (${ctx.machine.logicalCpus} CPUs; the bench itself adds up to ${ctx.allThreads})`);
if (args.json) {
  const out = {
    schema: 'nodegrad-bench/1',
    date: new Date().toISOString(),
    commit,
    args: process.argv.slice(2),
    node: process.version,
    machine: ctx.machine,
    native: info,
    backend: getBackend(),
    threads: ctx.threads,
    seconds,
    loadAverage: { start: loadStart, end: loadEnd },
    results,
  };
  writeFileSync(args.json, `${JSON.stringify(out, null, 1)}\n`);
  console.log(`results written to ${args.json}`);
}
