// The dependency direction of DESIGN.md, enforced by parsing every import in src/**/*.ts:
//   core ← kernels ← backend/* ← tensor.ts, engine.ts, primitives.ts ← ops ← autograd
//        ← nn, optim, data, io ← train, models, explore, plot, text ← index.ts
// A file may import its own layer or any layer below, never above. backend/reference and
// backend/native never import each other; nothing imports src/index.ts; there are no import cycles
// (type-only imports count for layering, and only type-only cycles among tensor.ts, engine.ts and
// primitives.ts — one layer — are allowed). On the C++ side only native/binding/** includes napi.h.
// A new top-level folder or file under src/ must be given a layer in LAYERS before this test passes.

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'src');
const nativeDir = join(root, 'native');

/** Layer of each top-level module of src/ (a folder, or a file at the top); higher may import lower. */
const LAYERS: Record<string, number> = {
  core: 0,
  kernels: 1,
  backend: 2,
  'tensor.ts': 3, 'engine.ts': 3, 'primitives.ts': 3,
  ops: 4,
  autograd: 5,
  nn: 6, optim: 6, data: 6, io: 6,
  train: 7, models: 7, explore: 7, plot: 7, text: 7,
  'index.ts': 8,
};
/**
 * One layer whose files may import each other's types in a loop (Tensor ↔ engine ↔ primitive types):
 * type-only edges among them are left out of the cycle check (they are erased, so no runtime cycle);
 * value imports among them must still form no cycle.
 */
const TYPE_CYCLE_OK = new Set(['tensor.ts', 'engine.ts', 'primitives.ts']);
/** Folders inside a layer that must not import each other (either direction). */
const APART: readonly [string, string][] = [['backend/reference', 'backend/native']];

interface Import {
  from: string; // path relative to src/, '/'-separated
  to: string; // path relative to src/ (resolved), or the bare specifier for packages
  line: number;
  typeOnly: boolean;
  spec: string;
}

/** Every static import/export-from, side-effect import and dynamic import() in `text`. */
function parseImports(text: string): { spec: string; line: number; typeOnly: boolean }[] {
  const out: { spec: string; line: number; typeOnly: boolean }[] = [];
  const lineOf = (i: number): number => text.slice(0, i).split('\n').length;
  // Statements start a line (so doc-comment examples, whose lines start with '*' or '//', are skipped).
  const stmt = /^[ \t]*(import|export)\s+(type\s+)?(?:[^;'"`]*?\s+from\s*)?(['"])([^'"\n]+)\3/gm;
  for (let m = stmt.exec(text); m; m = stmt.exec(text)) out.push({ spec: m[4]!, line: lineOf(m.index + m[0].search(/\S/)), typeOnly: m[2] !== undefined });
  const dyn = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
  for (let m = dyn.exec(text); m; m = dyn.exec(text)) out.push({ spec: m[2]!, line: lineOf(m.index), typeOnly: false });
  return out;
}

function walk(dir: string, pred: (f: string) => boolean): string[] {
  const files: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files.push(...walk(p, pred));
    else if (pred(p)) files.push(p);
  }
  return files.sort();
}

const rel = (p: string): string => relative(srcDir, p).split(sep).join('/');

/** Resolves a relative specifier of `fromFile` to a .ts file under src/ (NodeNext: './x.js' → './x.ts'). */
function resolveSpec(fromFile: string, spec: string): string | null {
  const base = resolve(dirname(fromFile), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** The top-level module of a src-relative path: its first folder, or the file itself at the top. */
function moduleOf(file: string): string {
  return file.split('/')[0]!;
}

/** The checks, on a list of imports (pure, so the synthetic cases below prove they can fail). */
function violations(files: readonly string[], imports: readonly Import[]): string[] {
  const bad: string[] = [];
  const where = (i: Import): string => `src/${i.from}:${i.line} imports '${i.spec}'`;
  for (const f of files) if (LAYERS[moduleOf(f)] === undefined) bad.push(`src/${f}: its top-level module '${moduleOf(f)}' has no layer in LAYERS`);
  for (const i of imports) {
    if (i.to === 'index.ts' || i.to === 'nodegrad' || i.to.startsWith('nodegrad/')) {
      bad.push(`${where(i)}: nothing may import src/index.ts (the public surface)`);
      continue;
    }
    if (!files.includes(i.to)) continue; // a package or node: builtin
    const lf = LAYERS[moduleOf(i.from)];
    const lt = LAYERS[moduleOf(i.to)];
    if (lf !== undefined && lt !== undefined && lt > lf) {
      bad.push(`${where(i)}: upward import from ${moduleOf(i.from)} (layer ${lf}) to ${moduleOf(i.to)} (layer ${lt})`);
    }
    for (const [a, b] of APART) {
      const inA = (p: string): boolean => p.startsWith(`${a}/`);
      const inB = (p: string): boolean => p.startsWith(`${b}/`);
      if ((inA(i.from) && inB(i.to)) || (inB(i.from) && inA(i.to))) bad.push(`${where(i)}: ${a} and ${b} must not import each other`);
    }
  }
  // Cycles: strongly connected components of the file graph (Tarjan), minus the allowed type-only edges.
  const edges = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const i of imports) {
    if (!edges.has(i.to)) continue;
    if (i.typeOnly && TYPE_CYCLE_OK.has(i.from) && TYPE_CYCLE_OK.has(i.to)) continue;
    edges.get(i.from)?.push(i.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) bad.push(`import cycle: ${comp.sort().map((f) => `src/${f}`).join(' ↔ ')}`);
    }
  };
  for (const f of files) if (!index.has(f)) strong(f);
  return bad;
}

function collect(): { files: string[]; imports: Import[]; unresolved: string[] } {
  const paths = walk(srcDir, (p) => p.endsWith('.ts') && !p.endsWith('.d.ts'));
  const files = paths.map(rel);
  const imports: Import[] = [];
  const unresolved: string[] = [];
  for (const p of paths) {
    for (const { spec, line, typeOnly } of parseImports(readFileSync(p, 'utf8'))) {
      let to = spec;
      if (spec.startsWith('.')) {
        const r = resolveSpec(p, spec);
        if (!r) {
          unresolved.push(`src/${rel(p)}:${line} '${spec}'`);
          continue;
        }
        to = rel(r);
      }
      imports.push({ from: rel(p), to, line, typeOnly, spec });
    }
  }
  return { files, imports, unresolved };
}

describe('TS layering (DESIGN.md dependency direction)', () => {
  const { files, imports, unresolved } = collect();

  it('finds the source files and their imports, and every relative import resolves', () => {
    expect(files).toContain('index.ts');
    expect(files).toContain('kernels/spec.ts');
    expect(imports.length).toBeGreaterThan(50);
    // A multi-line import is parsed (native.ts imports the contract over several lines).
    expect(imports.some((i) => i.from === 'backend/native/native.ts' && i.to === 'kernels/spec.ts')).toBe(true);
    expect(unresolved).toEqual([]);
  });

  it('no upward imports, backends apart, nothing imports index.ts, no cycles', () => {
    expect(violations(files, imports)).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('parses import forms: default, named, multi-line, type-only, export-from, side-effect, dynamic; skips doc examples', () => {
    const text = [
      "import a from './a.js';",
      "import { b,\n  c } from '../b.js';",
      "import type { T } from './t.js';",
      "import { type U, v } from './u.js';",
      "export * from './e.js';",
      "export type { W } from './w.js';",
      "import './side.js';",
      "const m = await import('./dyn.js');",
      '/**',
      " * import { tensor } from './doc.js';",
      ' */',
      "// import x from './commented.js';",
    ].join('\n');
    const got = parseImports(text).map((i) => `${i.spec}${i.typeOnly ? ' (type)' : ''}@${i.line}`);
    expect(got).toEqual(['./a.js@1', '../b.js@2', './t.js (type)@4', './u.js@5', './e.js@6', './w.js (type)@7', './side.js@8', './dyn.js@9']);
  });

  it('reports upward imports, backends importing each other, imports of index.ts, cycles and unknown modules', () => {
    const files = ['core/a.ts', 'ops/x.ts', 'ops/y.ts', 'tensor.ts', 'engine.ts', 'backend/reference/r.ts', 'backend/native/n.ts', 'index.ts', 'mystery/z.ts'];
    const imp = (from: string, to: string, typeOnly = false): Import => ({ from, to, line: 1, typeOnly, spec: to });
    const bad = violations(files, [
      imp('core/a.ts', 'ops/x.ts'), // upward
      imp('backend/reference/r.ts', 'backend/native/n.ts'), // backends apart
      imp('ops/x.ts', 'index.ts'), // public surface
      imp('ops/x.ts', 'ops/y.ts'),
      imp('ops/y.ts', 'ops/x.ts'), // cycle
      imp('tensor.ts', 'engine.ts', true),
      imp('engine.ts', 'tensor.ts', true), // allowed type-only cycle
    ]);
    expect(bad.some((b) => b.includes('upward import from core'))).toBe(true);
    expect(bad.some((b) => b.includes('must not import each other'))).toBe(true);
    expect(bad.some((b) => b.includes('nothing may import src/index.ts'))).toBe(true);
    expect(bad.some((b) => b.includes('import cycle: src/ops/x.ts ↔ src/ops/y.ts'))).toBe(true);
    expect(bad.some((b) => b.includes("'mystery' has no layer"))).toBe(true);
    expect(bad.some((b) => b.includes('tensor.ts ↔'))).toBe(false);
    // A type-only edge breaks the loop at runtime (it is erased), so tensor → engine → type tensor is fine...
    expect(violations(files, [imp('tensor.ts', 'engine.ts'), imp('engine.ts', 'tensor.ts', true)]).filter((b) => b.includes('cycle'))).toEqual([]);
    // ...but value imports both ways are a runtime cycle, and type-only cycles elsewhere still count.
    const bad2 = violations(files, [imp('tensor.ts', 'engine.ts'), imp('engine.ts', 'tensor.ts')]);
    expect(bad2.some((b) => b.includes('import cycle: src/engine.ts ↔ src/tensor.ts'))).toBe(true);
    const bad3 = violations(files, [imp('ops/x.ts', 'ops/y.ts', true), imp('ops/y.ts', 'ops/x.ts', true)]);
    expect(bad3.some((b) => b.includes('import cycle: src/ops/x.ts ↔ src/ops/y.ts'))).toBe(true);
  });
});

describe('native layering', () => {
  const sources = walk(nativeDir, (p) => /\.(cc|cpp|h|hpp)$/.test(p)).map((p) => relative(nativeDir, p).split(sep).join('/'));

  it('only native/binding/** includes napi.h (or any N-API header)', () => {
    const napi = /^\s*#\s*include\s*[<"](?:napi|node_api|js_native_api|node_api_types|js_native_api_types)\.h[>"]/m;
    const offenders = sources.filter((f) => !f.startsWith('binding/') && napi.test(readFileSync(join(nativeDir, f), 'utf8')));
    expect(sources.some((f) => f.startsWith('binding/') && napi.test(readFileSync(join(nativeDir, f), 'utf8')))).toBe(true);
    expect(offenders).toEqual([]);
  });

  it('the kernels, runtime and headers never include binding code', () => {
    const inc = /^\s*#\s*include\s*[<"]([^>"]+)[>"]/gm;
    const offenders: string[] = [];
    for (const f of sources) {
      if (f.startsWith('binding/')) continue;
      const text = readFileSync(join(nativeDir, f), 'utf8');
      for (let m = inc.exec(text); m; m = inc.exec(text)) if (/(^|\/)binding\/|^args\.h$|^async\.h$/.test(m[1]!)) offenders.push(`native/${f}: #include "${m[1]}"`);
    }
    expect(offenders).toEqual([]);
  });
});
