// Builds and runs the standalone benchmark programs in bench/native/ (W0 peak FMA, the OpenBLAS
// baseline) at bench time, with the system compiler, in a temporary directory removed at exit.
// They are never part of the addon or a runtime dependency; without a compiler their sections say
// why they were skipped.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/native/<name>. */
export function nativeSource(name: string): string {
  return fileURLToPath(new URL(`./native/${name}`, import.meta.url));
}

export interface Compiler {
  command: string;
  /** First line of `--version`. */
  version: string;
  clang: boolean;
}

const compilers = new Map<string, Compiler | string>();

/**
 * The system compiler for `lang`: $CXX / $CC if set, else the first of g++, c++, clang++ (cc, gcc,
 * clang for C) that runs. Returns a reason string when there is none.
 */
export function findCompiler(lang: 'c' | 'c++'): Compiler | string {
  const cached = compilers.get(lang);
  if (cached !== undefined) return cached;
  const fromEnv = process.env[lang === 'c' ? 'CC' : 'CXX'];
  const candidates = fromEnv ? [fromEnv] : lang === 'c' ? ['cc', 'gcc', 'clang'] : ['g++', 'c++', 'clang++'];
  let found: Compiler | string = `no ${lang === 'c' ? 'C' : 'C++'} compiler found (tried ${candidates.join(', ')}; set ${lang === 'c' ? 'CC' : 'CXX'})`;
  for (const command of candidates) {
    try {
      const out = execFileSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
      const version = out.split('\n')[0]?.trim() ?? command;
      found = { command, version, clang: /clang/i.test(out) };
      break;
    } catch {
      // try the next one
    }
  }
  compilers.set(lang, found);
  return found;
}

let tmp: string | null = null;

/** The run's scratch directory for built programs; removed when the process exits. */
export function scratchDir(): string {
  if (!tmp) {
    tmp = mkdtempSync(join(tmpdir(), 'nodegrad-bench-'));
    process.once('exit', removeScratchDir);
  }
  return tmp;
}

/**
 * Removes the scratch directory now (the next build makes a new one). For hosts whose workers may be
 * killed without an 'exit' event, such as test runners.
 */
export function removeScratchDir(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

export type BuildResult = { ok: true; binary: string; command: string[] } | { ok: false; error: string };

/**
 * Compiles one source file into `scratchDir()/<out>`: `cc <flags> -o out source <libs>`. On failure
 * the error holds the first lines of the compiler's message.
 */
export function build(compiler: Compiler, source: string, out: string, flags: string[], libs: string[] = []): BuildResult {
  const binary = join(scratchDir(), out);
  const args = [...flags, '-o', binary, source, ...libs];
  const r = spawnSync(compiler.command, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return { ok: true, binary, command: [compiler.command, ...args] };
  const msg = (r.error?.message ?? r.stderr ?? '').split('\n').filter((l) => /error|fatal|cannot|undefined/i.test(l)).slice(0, 3);
  return { ok: false, error: msg.join(' | ') || `${compiler.command} exited with status ${String(r.status)}` };
}

/** Runs a built program and parses the JSON it prints on stdout; throws with its stderr on failure. */
export function runJson<T>(binary: string, args: (string | number)[], env: Record<string, string> = {}, timeoutMs = 600_000): T {
  const r = spawnSync(binary, args.map(String), {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) {
    throw new Error(`${binary} ${args.join(' ')} failed (${r.error?.message ?? `status ${String(r.status)}`}): ${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout) as T;
}
