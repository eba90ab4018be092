// Closeness checks for kernel outputs: allclose (NaN positions must match, ±Infinity must match
// exactly, |a - e| <= atol + rtol·|e| elsewhere; `exact` compares with Object.is, so -0 ≠ 0) and
// NMSE (ggml's normalised mean squared error) for long reductions and GEMM, where elementwise
// relative error is meaningless for cancelled sums. `expectClose` throws a message naming the case.

export type Num = ArrayLike<number>;

export interface CloseOptions {
  rtol?: number;
  /** Absolute floor: one number, or one per element (e.g. an error bound from |A|·|B|). */
  atol?: number | Num;
  /** Compare with Object.is (bitwise up to NaN payload): for ints, bools, copies, selections. */
  exact?: boolean;
}

export interface CloseResult {
  ok: boolean;
  mismatches: number;
  /** The first mismatching index, -1 if none. */
  first: number;
  maxAbsErr: number;
  maxRelErr: number;
  message: string;
}

const show = (v: number | undefined): string => (v === undefined ? 'undefined' : Object.is(v, -0) ? '-0' : String(v));

export function allclose(actual: Num, expected: Num, opts: CloseOptions = {}): CloseResult {
  const rtol = opts.rtol ?? 1e-6;
  const atolOpt = opts.atol ?? 0;
  const exact = opts.exact ?? false;
  let mismatches = 0;
  let first = -1;
  let maxAbsErr = 0;
  let maxRelErr = 0;
  const lines: string[] = [];
  if (actual.length !== expected.length) {
    return { ok: false, mismatches: 1, first: 0, maxAbsErr: NaN, maxRelErr: NaN, message: `length ${actual.length} != expected ${expected.length}` };
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let bad: boolean;
    if (exact) bad = !Object.is(a, e);
    else if (Number.isNaN(e) || Number.isNaN(a)) bad = Number.isNaN(e) !== Number.isNaN(a);
    else if (!Number.isFinite(e) || !Number.isFinite(a)) bad = a !== e;
    else {
      const atol = typeof atolOpt === 'number' ? atolOpt : atolOpt[i]!;
      const d = Math.abs(a - e);
      maxAbsErr = Math.max(maxAbsErr, d);
      if (e !== 0) maxRelErr = Math.max(maxRelErr, d / Math.abs(e));
      bad = !(d <= atol + rtol * Math.abs(e));
    }
    if (bad) {
      if (first < 0) first = i;
      mismatches++;
      if (lines.length < 8) lines.push(`  [${i}] got ${show(a)}, expected ${show(e)}`);
    }
  }
  const message = mismatches === 0 ? 'ok' : `${mismatches} of ${expected.length} elements differ (${exact ? 'exact' : `rtol ${rtol}`}):\n${lines.join('\n')}`;
  return { ok: mismatches === 0, mismatches, first, maxAbsErr, maxRelErr, message };
}

/**
 * Σ(a - e)² / Σe² over the elements where both are finite (NaN/Inf positions are allclose's job);
 * the absolute Σ(a - e)² when the expected energy is 0.
 */
export function nmse(actual: Num, expected: Num): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(e)) continue;
    num += (a - e) * (a - e);
    den += e * e;
  }
  return den === 0 ? num : num / den;
}

/** Throws (for vitest) unless allclose holds; `context` says which case failed and how to reproduce it. */
export function expectClose(actual: Num, expected: Num, opts: CloseOptions, context: string): void {
  const r = allclose(actual, expected, opts);
  if (!r.ok) throw new Error(`${context}\n${r.message}`);
}

/** Throws unless NMSE <= maxNmse. */
export function expectNmse(actual: Num, expected: Num, maxNmse: number, context: string): void {
  const e = nmse(actual, expected);
  if (!(e <= maxNmse)) throw new Error(`${context}\nNMSE ${e} > ${maxNmse}`);
}
