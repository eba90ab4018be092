// Recurrent layers with PyTorch 1.13's equations (RNN tanh/relu, LSTM, GRU): one recorded primitive,
// rnnLayer, runs every direction of one layer over the whole sequence on the fused rnnForward kernel and
// differentiates with rnnBackward (autograd/backward_rnn.ts). The same layer written with public ops
// (rnnLayerComposite) is what gradients of gradients differentiate. Multi-layer stacks, dropout between
// layers and the modules live in nn/layers/rnn.ts; the functional forms F.lstm / F.gru / F.rnn are here.

import { kernelsFor } from '../backend/backend.js';
import { allocArray, type FloatArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { isGradEnabled, record } from '../engine.js';
import { rnnBackwardWorkSize, rnnGates, rnnWorkspaceSize, type RnnGeometry, type RnnMode } from '../kernels/spec.js';
import type { RnnLayerAttrs } from '../primitives.js';
import { Tensor } from '../tensor.js';
import { add, mul, relu, sigmoid, sub, tanh, where } from './elementwise.js';
import { assertTensor, contiguousData, empty } from './helpers.js';
import { cat, chunk, flatten, narrow, reshape, select, stack, transpose, unsqueeze } from './layout.js';
import { linear } from './linalg.js';
import { zeros } from './creation.js';

/** One direction's parameters: wIh [G·H, I], wHh [G·H, H], and both biases [G·H] or neither. */
export interface RnnDirectionWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** Lengths of the sequences of a batch (PyTorch's packed sequences, any order). */
export type RnnLengths = readonly number[] | Int32Array | Tensor<'int32'>;

/** The (contiguous) elements of a tensor and where they start, without copying when possible. */
function dense(t: Tensor): { data: FloatArray; offset: number } {
  if (t.isContiguous()) return { data: t.storage.data as FloatArray, offset: t.offset };
  return { data: contiguousData(t) as FloatArray, offset: 0 };
}

/**
 * Reused scratch (per dtype and purpose, grown on demand): rnnBackward's work array, and the forward's
 * workspace when nothing will be recorded (inference). Fresh multi-megabyte arrays cost more than the
 * kernels' arithmetic would suggest (every page is faulted in and zeroed), so the steady state allocates
 * only what outlives the call. Kernels run synchronously, so one array per purpose is never shared.
 */
const scratchArrays = new Map<string, FloatArray>();
function scratchArray(purpose: string, dtype: 'float32' | 'float64', n: number): FloatArray {
  const key = `${purpose}:${dtype}`;
  let a = scratchArrays.get(key);
  if (a === undefined || a.length < n) {
    a = allocArray(dtype, n) as FloatArray;
    scratchArrays.set(key, a);
  }
  return a;
}
const floatType = (t: Tensor): 'float32' | 'float64' => (t.dtype === 'float64' ? 'float64' : 'float32');

/** Sizes of the flat result of rnnLayer: output, then hN, then (lstm) cN. */
function resultSizes(a: RnnLayerAttrs): { y: number; h: number; total: number } {
  const y = a.T * a.B * a.directions * a.H;
  const h = a.directions * a.B * a.H;
  return { y, h, total: y + h * (a.mode === 'lstm' ? 2 : 1) };
}

function geometry(a: RnnLayerAttrs, reverse: number): RnnGeometry {
  const DH = a.directions * a.H;
  return {
    T: a.T, B: a.B, I: a.I, H: a.H, reverse,
    yStrideT: a.batchFirst ? DH : a.B * DH,
    yStrideB: a.batchFirst ? a.T * DH : DH,
  };
}

/** The input list of the primitive: x, h0, (c0,) then per direction wIh, wHh (, bIh, bHh). */
function primitiveInputs(x: Tensor, h0: Tensor, c0: Tensor | null, weights: readonly RnnDirectionWeights[]): Tensor[] {
  const inputs = [x, h0];
  if (c0 !== null) inputs.push(c0);
  for (const w of weights) {
    inputs.push(w.wIh, w.wHh);
    if (w.bIh !== null && w.bHh !== null) inputs.push(w.bIh, w.bHh);
  }
  return inputs;
}

/** Where direction d's weights sit in the input list. */
function weightIndex(a: RnnLayerAttrs, d: number): number {
  return (a.mode === 'lstm' ? 3 : 2) + d * (a.hasBias ? 4 : 2);
}

/** Splits the flat result (or its gradient) of rnnLayer into output, hN and (lstm) cN views. */
export function splitRnnResult(flat: Tensor, a: RnnLayerAttrs): { output: Tensor; hN: Tensor; cN: Tensor | null } {
  const s = resultSizes(a);
  const DH = a.directions * a.H;
  const output = reshape(narrow(flat, 0, 0, s.y), a.batchFirst ? [a.B, a.T, DH] : [a.T, a.B, DH]);
  const hN = reshape(narrow(flat, 0, s.y, s.h), [a.directions, a.B, a.H]);
  const cN = a.mode === 'lstm' ? reshape(narrow(flat, 0, s.y + s.h, s.h), [a.directions, a.B, a.H]) : null;
  return { output, hN, cN };
}

/**
 * @internal The rnnLayer primitive: every direction of one layer. x is time-major [T, B, I] (any layout),
 * h0 (and c0, lstm) [D, B, H]; the result is split into output ([T, B, D·H], or [B, T, D·H] when
 * batchFirst), hN and cN [D, B, H]. Callers have validated shapes and dtypes.
 */
export function rnnLayer(
  mode: RnnMode, x: Tensor, h0: Tensor, c0: Tensor | null, weights: readonly RnnDirectionWeights[],
  batchFirst: boolean, lengths: Int32Array | null,
): { output: Tensor; hN: Tensor; cN: Tensor | null } {
  const [T, B, I] = x.shape as [number, number, number];
  const H = h0.shape[2]!;
  const attrsBase = { mode, directions: weights.length, hasBias: weights[0]!.bIh !== null, T, B, I, H, batchFirst, lengths };
  const s = resultSizes({ ...attrsBase, workspaces: [] });
  const flat = empty([s.total], x.dtype);
  const out = flat.storage.data as FloatArray;
  const k = kernelsFor(x.dtype);
  const xd = dense(x);
  const hd = dense(h0);
  const cd = c0 === null ? null : dense(c0);
  const workspaces: Tensor[] = [];
  const inputs = primitiveInputs(x, h0, c0, weights);
  const recording = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const wsSize = rnnWorkspaceSize(mode, T, B, H);
  weights.forEach((w, d) => {
    // NOTE: only a recorded node keeps its workspace (for the backward); otherwise the scratch is reused.
    const ws = recording ? empty([wsSize], x.dtype) : null;
    if (ws !== null) workspaces.push(ws);
    const wsData = ws === null ? scratchArray('ws', floatType(x), wsSize) : (ws.storage.data as FloatArray);
    const wi = dense(w.wIh);
    const wh = dense(w.wHh);
    const bi = w.bIh === null ? null : dense(w.bIh);
    const bh = w.bHh === null ? null : dense(w.bHh);
    k.rnnForward(
      mode, geometry({ ...attrsBase, workspaces }, d), xd.data, xd.offset, wi.data, wi.offset, wh.data, wh.offset,
      bi?.data ?? null, bi?.offset ?? 0, bh?.data ?? null, bh?.offset ?? 0, hd.data, hd.offset + d * B * H,
      cd?.data ?? null, (cd?.offset ?? 0) + d * B * H, lengths,
      out, d * H, out, s.y + d * B * H, mode === 'lstm' ? out : null, s.y + s.h + d * B * H, wsData, 0,
    );
  });
  const attrs: RnnLayerAttrs = { ...attrsBase, workspaces };
  record('rnnLayer', inputs, flat, attrs);
  return splitRnnResult(flat, attrs);
}

/**
 * @internal The gradients of every input of an rnnLayer node from the gradient of its flat result, on the
 * fused rnnBackward kernel (not recorded). `needs[i]` says which input wants one; others are null.
 */
export function rnnLayerBackward(grad: Tensor, inputs: readonly Tensor[], a: RnnLayerAttrs, needs: readonly boolean[]): (Tensor | null)[] {
  const { mode, T, B, I, H } = a;
  const D = a.directions;
  const dtype = grad.dtype;
  const k = kernelsFor(dtype);
  const G = rnnGates(mode);
  const s = resultSizes(a);
  const gd = dense(grad);
  const xd = dense(inputs[0]!);
  const lstm = mode === 'lstm';
  const grads: (Tensor | null)[] = inputs.map(() => null);
  const gx = needs[0] ? empty([T, B, I], dtype) : null;
  const gh0 = needs[1] ? empty([D, B, H], dtype) : null;
  const gc0 = lstm && needs[2] ? empty([D, B, H], dtype) : null;
  const gxd = gx === null || D === 1 ? null : empty([T, B, I], dtype);
  const work = scratchArray('work', floatType(grad), rnnBackwardWorkSize(mode, T, B, H));
  for (let d = 0; d < D; d++) {
    const wi = weightIndex(a, d);
    const wIh = dense(inputs[wi]!);
    const wHh = dense(inputs[wi + 1]!);
    const grad = (i: number, shape: number[]): Tensor | null => {
      if (!needs[i]) return null;
      const t = empty(shape, dtype);
      grads[i] = t;
      return t;
    };
    const gwIh = grad(wi, [G * H, I]);
    const gwHh = grad(wi + 1, [G * H, H]);
    const gbIh = a.hasBias ? grad(wi + 2, [G * H]) : null;
    const gbHh = a.hasBias ? grad(wi + 3, [G * H]) : null;
    const sub = (t: Tensor | null): FloatArray | null => (t === null ? null : (t.storage.data as FloatArray).subarray(d * B * H, (d + 1) * B * H));
    // The first direction writes gx, the second its own part, added below.
    const gxOut = gx === null ? null : ((d === 0 ? gx : gxd!).storage.data as FloatArray);
    k.rnnBackward(
      mode, geometry(a, d), xd.data, xd.offset, wIh.data, wIh.offset, wHh.data, wHh.offset, a.lengths,
      a.workspaces[d]!.storage.data as FloatArray, 0, gd.data, gd.offset + d * H,
      gd.data, gd.offset + s.y + d * B * H, lstm ? gd.data : null, gd.offset + s.y + s.h + d * B * H,
      gxOut, sub(gh0), sub(gc0), gwIh?.storage.data as FloatArray ?? null, gwHh?.storage.data as FloatArray ?? null,
      gbIh?.storage.data as FloatArray ?? null, gbHh?.storage.data as FloatArray ?? null, work,
    );
    if (gx !== null && gxd !== null && d === 1) {
      const acc = gx.storage.data as FloatArray;
      const part = gxd.storage.data as FloatArray;
      for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + part[i]!;
    }
  }
  grads[0] = gx;
  grads[1] = gh0;
  if (lstm) grads[2] = gc0;
  return grads;
}

/**
 * @internal The rnnLayer primitive written with public differentiable ops, step by step, returning the
 * same flat result: what gradients of gradients (createGraph) differentiate, and an independent check of
 * the kernels in tests. `inputs` is the primitive's input list.
 */
export function rnnLayerComposite(inputs: readonly Tensor[], a: RnnLayerAttrs): Tensor {
  const { mode, T, B, H } = a;
  const lstm = mode === 'lstm';
  const x = inputs[0]!;
  const h0 = inputs[1]!;
  const c0 = lstm ? inputs[2]! : null;
  const active: Tensor<'bool'>[] = [];
  if (a.lengths !== null) {
    for (let t = 0; t < T; t++) {
      const m = new Uint8Array(B);
      for (let b = 0; b < B; b++) m[b] = t < a.lengths[b]! ? 1 : 0;
      active.push(Tensor.fromData(m, [B, 1], 'bool'));
    }
  }
  const outs: Tensor[] = [];
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let d = 0; d < a.directions; d++) {
    const wi = weightIndex(a, d);
    const [wIh, wHh] = [inputs[wi]!, inputs[wi + 1]!];
    const [bIh, bHh] = a.hasBias ? [inputs[wi + 2]!, inputs[wi + 3]!] : [null, null];
    let h = select(h0, 0, d);
    let c = c0 === null ? null : select(c0, 0, d);
    const ys: Tensor[] = new Array<Tensor>(T);
    for (let s = 0; s < T; s++) {
      const t = d === 1 ? T - 1 - s : s;
      const gi = linear(select(x, 0, t), wIh, bIh);
      const gh = linear(h, wHh, bHh);
      let hNew: Tensor;
      let cNew: Tensor | null = null;
      if (mode === 'lstm') {
        const [i, f, g, o] = chunk(add(gi, gh), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
        cNew = add(mul(sigmoid(f), c!), mul(sigmoid(i), tanh(g)));
        hNew = mul(sigmoid(o), tanh(cNew));
      } else if (mode === 'gru') {
        const [xr, xz, xn] = chunk(gi, 3, 1) as [Tensor, Tensor, Tensor];
        const [hr, hz, hn] = chunk(gh, 3, 1) as [Tensor, Tensor, Tensor];
        const r = sigmoid(add(xr, hr));
        const z = sigmoid(add(xz, hz));
        const n = tanh(add(xn, mul(r, hn)));
        hNew = add(mul(sub(1, z), n), mul(z, h));
      } else {
        const pre = add(gi, gh);
        hNew = mode === 'rnnTanh' ? tanh(pre) : relu(pre);
      }
      if (a.lengths !== null) {
        const m = active[t]!;
        ys[t] = where(m, hNew, 0);
        h = where(m, hNew, h);
        if (c !== null) c = where(m, cNew!, c);
      } else {
        ys[t] = hNew;
        h = hNew;
        c = cNew;
      }
    }
    outs.push(T === 0 ? zeros([0, B, H], { dtype: x.dtype }) : stack(ys, 0));
    hs.push(h);
    if (c !== null) cs.push(c);
  }
  let output = cat(outs, 2);
  if (a.batchFirst) output = transpose(output, 0, 1);
  const parts = [flatten(output), flatten(stack(hs, 0))];
  if (lstm) parts.push(flatten(stack(cs, 0)));
  return cat(parts, 0);
}

// ---- the public functional forms ------------------------------------------------------------------

/** Options of F.lstm / F.gru / F.rnn and of the modules' forward (PyTorch's nn.LSTM arguments). */
export interface RnnOptions {
  /** Stacked layers (default 1); `params` holds numLayers·D directions' weights. */
  numLayers?: number;
  /** Both biases per direction are in `params` (default true). */
  bias?: boolean;
  /** Input and output are [B, T, ·] instead of [T, B, ·] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, when training (default 0). */
  dropout?: number;
  /** Whether dropout is active (default false, as PyTorch's functional form; modules pass their mode). */
  training?: boolean;
  /** Two directions per layer (default false). */
  bidirectional?: boolean;
  /** Valid steps of each batch row (PyTorch's packed sequences, any order): later outputs are 0, hN is each row's last state. */
  lengths?: RnnLengths;
}

/** What validation resolved for a multi-layer call. */
export interface RnnPlan {
  mode: RnnMode;
  numLayers: number;
  D: number;
  hasBias: boolean;
  batchFirst: boolean;
  batched: boolean;
  T: number;
  B: number;
  I: number;
  H: number;
  lengths: Int32Array | null;
}

function checkLengths(op: string, v: RnnLengths, B: number, T: number): Int32Array {
  let arr: ArrayLike<number>;
  if (v instanceof Tensor) {
    if (v.dtype !== 'int32') throw new DTypeError(op, 'lengths', `must be an int32 tensor, got ${v.dtype}`);
    if (v.ndim !== 1) throw new ShapeError(op, 'lengths', `must be 1-D, got ${fmt(v.shape)}`, { lengths: v.shape });
    arr = contiguousData(v);
  } else if (Array.isArray(v) || v instanceof Int32Array) {
    arr = v;
  } else {
    throw new ArgumentError(op, 'lengths', `must be an array of integers, an Int32Array or an int32 tensor, got ${typeof v}`);
  }
  if (arr.length !== B) throw new ShapeError(op, 'lengths', `must have one entry per batch row (${B}), got ${arr.length}`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = arr[b]!;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > T) {
      throw new ArgumentError(op, 'lengths', `must hold integers in [0, ${T}] (the sequence length), got ${String(n)} at ${b}`);
    }
    out[b] = n;
  }
  return out;
}

function checkState(op: string, arg: string, t: unknown, want: readonly number[], batched: boolean, input: Tensor): Tensor {
  assertTensor(op, arg, t);
  if (t.dtype !== input.dtype) throw new DTypeError(op, arg, `must have the input's dtype ${input.dtype}, got ${t.dtype}`);
  const shape = batched ? want : [want[0]!, want[2]!];
  if (t.ndim !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    throw new ShapeError(op, arg, `must have size ${fmt(shape)}, got ${fmt(t.shape)}`, { input: input.shape, [arg]: t.shape });
  }
  return batched ? t : unsqueeze(t, 1);
}

/**
 * Validates a multi-layer call and returns the plan plus the states as [L·D, B, H] tensors (zeros
 * when not given). `params` = per layer and direction wIh, wHh (, bIh, bHh), PyTorch's _flat_weights order.
 */
export function planRnn(
  op: string, mode: RnnMode, input: unknown, hx: unknown, cx: unknown, params: readonly Tensor[], o: RnnOptions | undefined,
): { plan: RnnPlan; h0: Tensor; c0: Tensor | null; x: Tensor } {
  assertTensor(op, 'input', input);
  checkOptions(op, o, ['numLayers', 'bias', 'batchFirst', 'dropout', 'training', 'bidirectional', 'lengths']);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') {
    throw new DTypeError(op, 'input', `must be a floating point tensor (float32 or float64), got ${input.dtype}`, { input: input.shape });
  }
  const numLayers = o?.numLayers ?? 1;
  if (!Number.isSafeInteger(numLayers) || numLayers < 1) throw new ArgumentError(op, 'numLayers', `must be a positive integer, got ${String(numLayers)}`);
  const hasBias = o?.bias ?? true;
  const batchFirst = o?.batchFirst ?? false;
  const D = o?.bidirectional ? 2 : 1;
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ShapeError(op, 'input', `must be 2-D (unbatched [T, I]) or 3-D (${batchFirst ? '[B, T, I]' : '[T, B, I]'}), got ${fmt(input.shape)}`, { input: input.shape });
  }
  const batched = input.ndim === 3;
  const x3 = batched ? input : unsqueeze(input, 1);
  const T = batchFirst && batched ? x3.shape[1]! : x3.shape[0]!;
  const B = batchFirst && batched ? x3.shape[0]! : x3.shape[1]!;
  const I = x3.shape[2]!;
  const perDir = hasBias ? 4 : 2;
  if (params.length !== numLayers * D * perDir) {
    throw new ArgumentError(op, 'params', `must hold ${numLayers * D * perDir} tensors (numLayers·directions·${perDir}), got ${params.length}`);
  }
  const G = rnnGates(mode);
  const w0 = params[0]!;
  assertTensor(op, 'params[0]', w0);
  if (w0.ndim !== 2 || w0.shape[0]! % G !== 0) throw new ShapeError(op, 'weight_ih_l0', `must be [${G}·hiddenSize, inputSize], got ${fmt(w0.shape)}`);
  const H = w0.shape[0]! / G;
  if (w0.shape[1] !== I) {
    throw new ShapeError(op, 'input', `must have ${w0.shape[1]} features (inputSize) in its last dim, got ${fmt(input.shape)}`, { input: input.shape });
  }
  params.forEach((p, k) => {
    assertTensor(op, `params[${k}]`, p);
    const layer = Math.floor(k / (D * perDir));
    const j = k % perDir;
    const inSize = layer === 0 ? I : D * H;
    const want = j === 0 ? [G * H, inSize] : j === 1 ? [G * H, H] : [G * H];
    const name = `${['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'][j]}_l${layer}${Math.floor(k / perDir) % D === 1 ? '_reverse' : ''}`;
    if (p.dtype !== input.dtype) throw new DTypeError(op, name, `must have the input's dtype ${input.dtype}, got ${p.dtype}`);
    if (p.ndim !== want.length || p.shape.some((s, i) => s !== want[i])) {
      throw new ShapeError(op, name, `must have size ${fmt(want)}, got ${fmt(p.shape)}`, { input: input.shape, [name]: p.shape });
    }
  });
  const lengths = o?.lengths === undefined ? null : checkLengths(op, o.lengths, B, T);
  const stateShape = [numLayers * D, B, H];
  const h0 = hx === undefined || hx === null ? zeros(stateShape, { dtype: input.dtype }) : checkState(op, 'hx', hx, stateShape, batched, input);
  let c0: Tensor | null = null;
  if (mode === 'lstm') c0 = cx === undefined || cx === null ? zeros(stateShape, { dtype: input.dtype }) : checkState(op, 'cx', cx, stateShape, batched, input);
  const x = batchFirst && batched ? transpose(x3, 0, 1) : x3;
  return { plan: { mode, numLayers, D, hasBias, batchFirst, batched, T, B, I, H, lengths }, h0, c0, x };
}

/**
 * Runs a validated multi-layer recurrent network: each layer on rnnLayer, dropout (`dropoutFn`, applied
 * when given) between layers. Returns the output in the input's layout and hN, cN [L·D, B, H] (unbatched
 * inputs get unbatched results).
 */
export function runRnn(
  plan: RnnPlan, x: Tensor, h0: Tensor, c0: Tensor | null, params: readonly Tensor[], dropoutFn: ((t: Tensor) => Tensor) | null,
): { output: Tensor; hN: Tensor; cN: Tensor | null } {
  const { numLayers, D, hasBias, batched } = plan;
  const perDir = hasBias ? 4 : 2;
  let layerIn = x;
  const hNs: Tensor[] = [];
  const cNs: Tensor[] = [];
  let output: Tensor | null = null;
  for (let l = 0; l < numLayers; l++) {
    const weights: RnnDirectionWeights[] = [];
    for (let d = 0; d < D; d++) {
      const k = (l * D + d) * perDir;
      weights.push({ wIh: params[k]!, wHh: params[k + 1]!, bIh: hasBias ? params[k + 2]! : null, bHh: hasBias ? params[k + 3]! : null });
    }
    const last = l === numLayers - 1;
    const r = rnnLayer(plan.mode, layerIn, narrow(h0, 0, l * D, D), c0 === null ? null : narrow(c0, 0, l * D, D), weights,
      last && plan.batchFirst && batched, plan.lengths);
    hNs.push(r.hN);
    if (r.cN !== null) cNs.push(r.cN);
    if (last) output = r.output;
    else layerIn = dropoutFn === null ? r.output : dropoutFn(r.output);
  }
  let hN = numLayers === 1 ? hNs[0]! : cat(hNs, 0);
  let cN = c0 === null ? null : numLayers === 1 ? cNs[0]! : cat(cNs, 0);
  if (!batched) {
    output = select(output!, 1, 0);
    hN = select(hN, 1, 0);
    if (cN !== null) cN = select(cN, 1, 0);
  }
  return { output: output!, hN, cN };
}
