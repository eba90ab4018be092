// The engine: grad mode (noGrad / enableGrad), anomaly mode and the tape. `record` turns an op
// application into a graph node when grad mode is on and an input requires grad, and (anomaly mode
// only) checks the op's result for NaN/Inf. Kernels themselves are reached through
// backend/backend.ts's kernelsFor(); this file knows nothing about derivative formulas.

import { ArgumentError, AutogradError } from './core/errors.js';
import type { PrimitiveAttrs, PrimitiveName } from './primitives.js';
import type { GradNode, Tensor } from './tensor.js';

let gradEnabled = true;
let nextNodeId = 0;
let anomalyEnabled = false;
/** > 0 while the backward sweep runs: it checks each gradient itself instead of every op inside a rule. */
let anomalyPaused = 0;
/** The forward call site of each node recorded while anomaly mode was on (for backward errors). */
const forwardTraces = new WeakMap<GradNode, Error>();

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function setGradEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new ArgumentError('setGradEnabled', 'enabled', `must be a boolean, got ${typeof enabled}`);
  gradEnabled = enabled;
}

/** Runs synchronous `fn` with a global mode set by `enter` and restored by `leave`, even on throw. */
function withMode<T>(op: string, fn: () => T, enter: () => void, leave: () => void): T {
  if (typeof fn !== 'function') throw new ArgumentError(op, 'fn', `must be a function, got ${typeof fn}`);
  enter();
  try {
    const out = fn();
    if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
      // NOTE: modes are global in JS; an async fn would leak the mode into unrelated code across awaits.
      throw new ArgumentError(op, 'fn', 'must be synchronous (it returned a Promise); wrap the synchronous part only');
    }
    return out;
  } finally {
    leave();
  }
}

function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  return withMode(op, fn, () => { gradEnabled = enabled; }, () => { gradEnabled = prev; });
}

/** Runs `fn` without recording the graph (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with graph recording on, e.g. inside noGrad (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

/** Whether anomaly detection is on (PyTorch's `torch.is_anomaly_enabled()`); off by default. */
export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/**
 * Turns anomaly detection on or off globally (PyTorch's `torch.autograd.set_detect_anomaly`). While on,
 * every op result recorded through the engine and every gradient of the backward sweep is checked for
 * NaN/Inf, and the first offender throws an {@link AnomalyError}; see `autograd.detectAnomaly` for what is
 * covered. It costs a full scan of every result, so use it to debug, not to train.
 */
export function setDetectAnomaly(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new ArgumentError('setDetectAnomaly', 'enabled', `must be a boolean, got ${typeof enabled}`);
  anomalyEnabled = enabled;
}

/**
 * Runs synchronous `fn` with anomaly detection on and restores the previous mode afterwards, also when
 * `fn` throws (PyTorch's `with torch.autograd.detect_anomaly():`). Returns what `fn` returns.
 *
 * What is checked (a NaN anywhere is an anomaly; ±Inf only where an op creates it from finite values,
 * so deliberate infinities such as `where(mask, x, -Infinity)` before a softmax pass):
 * - forward: the result of every recorded primitive (the ops of primitives.ts: arithmetic, exp/log/sqrt...,
 *   reductions, softmax, matmul, copies, gather/scatter), whether or not grad is recorded (noGrad, inputs
 *   without requiresGrad, the computations of in-place ops). Views (reshape, permute, expand, slices)
 *   are not scanned: they cannot create values. Not checked: creation and random ops, comparisons and
 *   other bool/int results, `matmul` with `{ out }`, and the optimizers' fused update kernels;
 * - backward: every gradient a derivative rule returns ("backward of <op>"), every sum of gradients
 *   reaching one tensor, every `.grad` accumulation, and a caller's root gradient (NaN only). The ops
 *   inside a rule are not checked one by one (rules may mask infinite intermediates).
 *
 * The error names the primitive, the input shapes, the first bad index and value, whether the inputs
 * were already non-finite (and where), and for backward errors the forward call site of the op.
 *
 * @example
 * autograd.detectAnomaly(() => {
 *   const y = log(x);      // throws AnomalyError "log: produced NaN at [1] ..." if x[1] < 0
 *   y.sum().backward();
 * });
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomalyEnabled;
  return withMode('detectAnomaly', fn, () => { anomalyEnabled = true; }, () => { anomalyEnabled = prev; });
}

/** @internal Runs `fn` (the backward sweep) without the per-op forward checks of anomaly mode. */
export function withoutForwardAnomalyChecks<T>(fn: () => T): T {
  anomalyPaused++;
  try {
    return fn();
  } finally {
    anomalyPaused--;
  }
}

/** @internal The forward call site of `node` if it was recorded in anomaly mode, else null. */
export function forwardTraceOf(node: GradNode): string | null {
  const e = forwardTraces.get(node);
  return e === undefined ? null : formatCallSite(e);
}

/** A non-finite element: its value and multi-index in the tensor that holds it. */
export interface NonFiniteElement {
  value: number;
  index: readonly number[];
}

/** Where an input of the checked op was already non-finite. */
export interface NonFiniteInput extends NonFiniteElement {
  /** Position of the input in the op's inputs. */
  input: number;
  /** The op that made it ('leaf' for tensors no recorded op made). */
  madeBy: string;
}

/** What an {@link AnomalyError} reports (built by the engine's and the backward sweep's checks). */
export interface AnomalyDetails {
  phase: 'forward' | 'backward';
  primitive: string;
  /** What was checked, e.g. 'its result' or 'the gradient for input 0'. */
  what: string;
  shape: readonly number[];
  bad: NonFiniteElement;
  inputShapes: readonly (readonly number[])[];
  nonFiniteInput: NonFiniteInput | null;
  /** The forward call site (backward errors of ops recorded in anomaly mode). */
  forwardTrace?: string | null;
  /** Replaces the default explanation of the inputs' state. */
  note?: string;
}

const showValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf');
const showIndex = (index: readonly number[]): string => `[${index.join(',')}]`;

/**
 * Anomaly mode found a NaN or an infinity. `op` is the primitive ('log') in the forward pass and
 * 'backward of <primitive>' in the backward sweep; the fields locate the value.
 */
export class AnomalyError extends AutogradError {
  readonly phase: 'forward' | 'backward';
  readonly primitive: string;
  /** The first offending value (NaN, Infinity or -Infinity). */
  readonly value: number;
  /** Its multi-index in the checked tensor. */
  readonly index: readonly number[];
  readonly inputShapes: readonly (readonly number[])[];
  /** Set when an input of the op was already non-finite (the value was passed on, not created here). */
  readonly nonFiniteInput: NonFiniteInput | null;
  /** Where the op was called in the forward pass (backward errors, when recorded in anomaly mode). */
  readonly forwardTrace: string | null;
  constructor(op: string, d: AnomalyDetails) {
    const shapes = d.inputShapes.map((s) => showIndex(s)).join(', ');
    const cause = d.note ?? (d.nonFiniteInput === null
      ? 'from finite inputs'
      : `but input ${d.nonFiniteInput.input} was already non-finite (${showValue(d.nonFiniteInput.value)} at ${showIndex(d.nonFiniteInput.index)}, made by ${d.nonFiniteInput.madeBy === 'leaf' ? 'no recorded op: data, a parameter or an in-place write' : `'${d.nonFiniteInput.madeBy}'`})`);
    const trace = d.forwardTrace ? `\nforward call of '${d.primitive}' (recorded in anomaly mode):\n${d.forwardTrace}` : '';
    super(op, `anomaly detected: produced ${showValue(d.bad.value)} at ${showIndex(d.bad.index)} of ${d.what} (shape ${showIndex(d.shape)}) ${cause}; input shapes: ${shapes || 'none'}${trace}`);
    this.phase = d.phase;
    this.primitive = d.primitive;
    this.value = d.bad.value;
    this.index = d.bad.index;
    this.inputShapes = d.inputShapes;
    this.nonFiniteInput = d.nonFiniteInput;
    this.forwardTrace = d.forwardTrace ?? null;
  }
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    index[d] = flat % s;
    flat = Math.floor(flat / s);
  }
  return index;
}

/** Flat row-major values of a float tensor: a view of the storage when contiguous, else a copy. */
function valuesOf(t: Tensor): ArrayLike<number> {
  const n = t.numel();
  return t.isContiguous() ? (t.storage.data as Float32Array).subarray(t.offset, t.offset + n) : (t.toTypedArray() as ArrayLike<number>);
}

/** The first non-finite element of `t` (only NaN with `nanOnly`) in row-major order, or null. Float tensors only. */
function firstWhere(t: Tensor, nanOnly: boolean): NonFiniteElement | null {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') return null;
  const v = valuesOf(t);
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    // NOTE: x - x is 0 for finite x and NaN for NaN and ±inf.
    if (x - x !== 0 && (!nanOnly || x !== x)) return { value: x, index: unravel(i, t.shape) };
  }
  return null;
}

/** @internal The first NaN/±inf of a float tensor, or null. */
export function firstNonFinite(t: Tensor): NonFiniteElement | null {
  return firstWhere(t, false);
}

/** @internal The first NaN of a float tensor, or null. */
export function firstNaN(t: Tensor): NonFiniteElement | null {
  return firstWhere(t, true);
}

/** @internal The first input (in order) holding a non-finite value, with where and who made it. */
export function firstNonFiniteInput(inputs: readonly Tensor[]): NonFiniteInput | null {
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    const bad = firstNonFinite(t);
    if (bad) return { ...bad, input: i, madeBy: t.gradFn?.op ?? 'leaf' };
  }
  return null;
}

/**
 * @internal Anomaly policy shared by forward and backward: a NaN in `out` is always reported; ±inf only
 * when every source is finite. Returns the details to throw, or null when `out` passes.
 */
export function judgeNonFinite(out: Tensor, sources: readonly Tensor[]): { bad: NonFiniteElement; nonFiniteInput: NonFiniteInput | null } | null {
  const first = firstNonFinite(out);
  if (first === null) return null;
  const nonFiniteInput = firstNonFiniteInput(sources);
  if (Number.isNaN(first.value)) return { bad: first, nonFiniteInput };
  if (nonFiniteInput === null) return { bad: first, nonFiniteInput };
  // An infinity passed on from a non-finite input is not an anomaly; a NaN further on still is.
  const nan = firstNaN(out);
  return nan === null ? null : { bad: nan, nonFiniteInput };
}

function checkForward(op: string, inputs: readonly Tensor[], result: Tensor): void {
  if (anomalyPaused > 0 || (result.dtype !== 'float32' && result.dtype !== 'float64')) return;
  // Views share an input's storage and only rearrange values that input already had.
  for (const t of inputs) if (t.storage === result.storage) return;
  const found = judgeNonFinite(result, inputs);
  if (found === null) return;
  throw new AnomalyError(op, {
    phase: 'forward', primitive: op, what: 'its result', shape: result.shape, bad: found.bad,
    inputShapes: inputs.map((t) => t.shape), nonFiniteInput: found.nonFiniteInput,
  });
}

/** This library's own folder (src/ or dist/), as a URL and as a path: its frames are left out of call sites. */
const OWN_DIR_URL = new URL('.', import.meta.url).href;
const OWN_DIR_PATH = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * Captures the current stack without formatting it: V8 renders `.stack` only when it is first read,
 * so recording costs little and only an error pays for the text (see forwardTraceOf).
 */
function captureCallSite(): Error {
  const limit = Error.stackTraceLimit;
  // NOTE: composite ops nest deeply (crossEntropy → logSoftmax → record); keep enough frames to reach the caller.
  Error.stackTraceLimit = 40;
  const e = new Error('forward call');
  Error.stackTraceLimit = limit;
  return e;
}

/** The caller's frames of a captured stack (this library's own frames dropped), at most 8. */
function formatCallSite(e: Error): string {
  const lines = (e.stack ?? '').split('\n').slice(1);
  const user = lines.filter((l) => !l.includes(OWN_DIR_URL) && !l.includes(OWN_DIR_PATH));
  return (user.length ? user : lines).slice(0, 8).join('\n');
}

/**
 * Records `result = op(inputs; attrs)` on the tape if grad mode is on and any input requires grad.
 * Returns `result` for chaining. Only floating results are recorded. In anomaly mode the result is
 * first checked for NaN/Inf (in any grad mode) and the node keeps its call site.
 */
export function record<K extends PrimitiveName>(op: K, inputs: readonly Tensor[], result: Tensor, attrs: PrimitiveAttrs[K]): Tensor {
  if (anomalyEnabled) checkForward(op, inputs, result);
  if (!gradEnabled) return result;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any || (result.dtype !== 'float32' && result.dtype !== 'float64')) return result;
  const node: GradNode = {
    id: nextNodeId++,
    op,
    inputs,
    inputVersions: inputs.map((t) => t.storage.version),
    inputShapes: inputs.map((t) => t.shape),
    inputDtypes: inputs.map((t) => t.dtype),
    attrs,
    result,
    resultVersion: result.storage.version,
    next: inputs.map((t) => (t.requiresGrad ? (t.gradFn ?? t) : null)),
    retained: null,
  };
  result.setGradFn(node);
  if (anomalyEnabled) forwardTraces.set(node, captureCallSite());
  return result;
}
