// Convolution ops with PyTorch's rules: F.conv1d, F.conv2d (stride, padding as int/tuple/'same'/'valid',
// dilation, groups incl. depthwise), F.convTranspose1d/2d (outputPadding), NCHW, unbatched inputs too.
// The public functions validate and resolve the geometry; three recorded primitives do the work:
// conv2d, conv2dBackwardInput (also the transposed convolution) and conv2dBackwardWeight, whose
// derivatives are again these three (autograd/derivatives.ts), so gradients of any order work.
// conv1d runs as conv2d with H = 1.

import { kernelsFor } from '../backend/backend.js';
import type { FloatArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import type { Conv2dGeometry } from '../kernels/spec.js';
import { record } from '../engine.js';
import type { Conv2dAttrs } from '../primitives.js';
import { Tensor } from '../tensor.js';
import { assertTensor, contiguousData, empty } from './helpers.js';
import { reshape, squeeze, unsqueeze } from './layout.js';
import { add } from './elementwise.js';

/** One value for every spatial dim, or one per dim (PyTorch also takes a 1-element list). */
export type ConvSize = number | readonly number[];

/** Options of F.conv1d / F.conv2d (PyTorch's keyword arguments). */
export interface ConvOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: ConvSize;
  /**
   * Zeros added on both sides of each spatial dim (default 0); 'valid' is 0 and 'same' pads so the
   * output has the input's size (stride 1 only; an even dilated kernel pads one more at the end).
   */
  padding?: ConvSize | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: ConvSize;
  /** Input and output channels are split into this many independent groups (default 1). */
  groups?: number;
}

/** Options of F.convTranspose1d / F.convTranspose2d (PyTorch's keyword arguments). */
export interface ConvTransposeOptions {
  stride?: ConvSize;
  /** dilation·(kernelSize − 1) − padding zeros are added on both sides of the input (default 0). */
  padding?: ConvSize;
  /** Extra size added to one side of the output (default 0); must be smaller than stride or dilation. */
  outputPadding?: ConvSize;
  groups?: number;
  dilation?: ConvSize;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;
const CONV_TRANSPOSE_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

const show = (s: readonly number[]): string => `[${s.join(', ')}]`;
/** PyTorch's "(8 x 8)" spelling of per-dim sizes. */
const dims = (v: readonly number[]): string => `(${v.join(' x ')})`;

/** Resolves an int or a list of 1 or `nd` ints to `nd` ints, each >= `min`, with PyTorch's messages. */
function sizes(op: string, name: string, v: unknown, nd: number, min: number, what: string): number[] {
  let list: number[];
  if (typeof v === 'number') list = [v];
  else if (Array.isArray(v)) list = v as number[];
  else throw new ArgumentError(op, name, `must be an integer or a list of ${nd} integers, got ${v === null ? 'null' : typeof v}`);
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new ArgumentError(op, name, `must hold integers, got ${String(x)}`);
  }
  if (list.length !== 1 && list.length !== nd) {
    throw new ArgumentError(op, name, `expected a single integer value or a list of ${nd} values to match the convolution dimensions, but got ${name}=${show(list)}`);
  }
  const out = list.length === 1 ? new Array<number>(nd).fill(list[0]!) : list.slice();
  if (out.some((x) => x < min)) throw new ArgumentError(op, name, `${what} is not supported, got ${show(out)}`);
  return out;
}

function checkGroups(op: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isSafeInteger(groups)) throw new ArgumentError(op, 'groups', `must be an integer, got ${String(groups)}`);
  if (groups < 1) throw new ArgumentError(op, 'groups', `non-positive groups is not supported, got ${groups}`);
  return groups;
}

/** Input, weight and bias must be floating point tensors of one dtype (PyTorch refuses mixes). */
function checkDtypes(op: string, x: Tensor, w: Tensor, b: Tensor | null): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(op, 'input', `must be a floating point tensor (float32 or float64), got ${x.dtype}`, { input: x.shape });
  }
  if (w.dtype !== x.dtype) throw new DTypeError(op, 'weight', `must have the input's dtype ${x.dtype}, got ${w.dtype}`, { input: x.shape, weight: w.shape });
  if (b !== null && b.dtype !== x.dtype) throw new DTypeError(op, 'bias', `must have the input's dtype ${x.dtype}, got ${b.dtype}`, { input: x.shape, bias: b.shape });
}

/** Splits (bias?, options?) and (options) call forms. */
function splitArgs<O>(op: string, a: Tensor | null | O | undefined, b: O | undefined): [Tensor | null, O | undefined] {
  if (a === undefined || a === null) return [null, b];
  if (a instanceof Tensor) return [a, b];
  if (typeof a === 'object' && b === undefined) return [null, a];
  throw new ArgumentError(op, 'bias', `must be a Tensor or null, got ${typeof a}`);
}

/** The (contiguous) elements of a tensor and the offset where they start, without copying when possible. */
function dense(t: Tensor): { data: FloatArray; offset: number } {
  if (t.isContiguous()) return { data: t.storage.data as FloatArray, offset: t.offset };
  return { data: contiguousData(t) as FloatArray, offset: 0 };
}

function geometry(a: Conv2dAttrs, N: number, Cin: number, H: number, W: number, Cout: number, Ho: number, Wo: number, kh: number, kw: number): Conv2dGeometry {
  return {
    N, Cin, H, W, Cout, Ho, Wo, kh, kw, strideH: a.stride[0], strideW: a.stride[1], padH: a.padding[0], padW: a.padding[1],
    dilationH: a.dilation[0], dilationW: a.dilation[1], groups: a.groups,
  };
}

function convAttrs(a: Conv2dAttrs): Conv2dAttrs {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups };
}

// ---- the three primitives (4-D operands; callers have validated the shapes) -----------------------

/**
 * @internal The conv2d primitive: x [N, Cin, H, W], w [Cout, Cin/groups, kh, kw], bias [Cout] or null,
 * output [N, Cout, ...outSize] (rows outside the input read zeros). Recorded for autograd.
 */
export function conv2dPrimitive(x: Tensor, w: Tensor, bias: Tensor | null, attrs: Conv2dAttrs & { outSize: readonly [number, number] }): Tensor {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [Cout, , kh, kw] = w.shape as [number, number, number, number];
  const [Ho, Wo] = attrs.outSize;
  const out = empty([N, Cout, Ho, Wo], x.dtype);
  if (out.numel() > 0) {
    const wd = dense(w);
    const bd = bias === null ? null : dense(bias);
    kernelsFor(x.dtype).conv2d(geometry(attrs, N, Cin, H, W, Cout, Ho, Wo, kh, kw), x.storage.data as FloatArray, x.offset, x.strides,
      wd.data, wd.offset, bd === null ? null : bd.data, bd === null ? 0 : bd.offset, out.storage.data as FloatArray);
  }
  const attrsOut = { ...convAttrs(attrs), outSize: attrs.outSize };
  return record('conv2d', bias === null ? [x, w] : [x, w, bias], out, attrsOut);
}

/**
 * @internal The input gradient of conv2d (and the transposed convolution): gy [N, Cout, Ho, Wo],
 * w [Cout, Cin/groups, kh, kw] → [N, Cin, ...inputSize]. Recorded for autograd.
 */
export function conv2dBackwardInput(gy: Tensor, w: Tensor, attrs: Conv2dAttrs & { inputSize: readonly [number, number] }): Tensor {
  const [N, Cout, Ho, Wo] = gy.shape as [number, number, number, number];
  const [, cinG, kh, kw] = w.shape as [number, number, number, number];
  const Cin = cinG * attrs.groups;
  const [H, W] = attrs.inputSize;
  const out = empty([N, Cin, H, W], gy.dtype);
  if (out.numel() > 0) {
    const gd = dense(gy);
    const wd = dense(w);
    kernelsFor(gy.dtype).conv2dBackwardInput(geometry(attrs, N, Cin, H, W, Cout, Ho, Wo, kh, kw), gd.data, gd.offset, wd.data, wd.offset,
      out.storage.data as FloatArray);
  }
  return record('conv2dBackwardInput', [gy, w], out, { ...convAttrs(attrs), inputSize: attrs.inputSize });
}

/**
 * @internal The weight gradient of conv2d: x [N, Cin, H, W], gy [N, Cout, Ho, Wo] →
 * [Cout, Cin/groups, ...kernelSize]. Recorded for autograd.
 */
export function conv2dBackwardWeight(x: Tensor, gy: Tensor, attrs: Conv2dAttrs & { kernelSize: readonly [number, number] }): Tensor {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [, Cout, Ho, Wo] = gy.shape as [number, number, number, number];
  const [kh, kw] = attrs.kernelSize;
  const out = empty([Cout, Cin / attrs.groups, kh, kw], x.dtype);
  if (out.numel() > 0) {
    const gd = dense(gy);
    kernelsFor(x.dtype).conv2dBackwardWeight(geometry(attrs, N, Cin, H, W, Cout, Ho, Wo, kh, kw), x.storage.data as FloatArray, x.offset, x.strides,
      gd.data, gd.offset, out.storage.data as FloatArray);
  }
  return record('conv2dBackwardWeight', [x, gy], out, { ...convAttrs(attrs), kernelSize: attrs.kernelSize });
}

// ---- validation shared by the public ops ---------------------------------------------------------

/** What a public op resolved: the 2-D attrs (conv1d lifted to H = 1) and the output's spatial size. */
interface Resolved {
  attrs: Conv2dAttrs;
  outSize: [number, number];
}

/** Lifts nd (1 or 2) per-dim values to the 2-D kernel's (H, W): conv1d is H = 1 with `fill1`. */
const lift = (v: readonly number[], fill1: number): [number, number] => (v.length === 1 ? [fill1, v[0]!] : [v[0]!, v[1]!]);

/** Checks the rank of input (batched or not) and weight; returns whether the input is batched. */
function checkRanks(op: string, x: Tensor, w: Tensor, nd: number): boolean {
  const batched = x.ndim === nd + 2;
  if (x.ndim !== nd + 1 && !batched) {
    throw new ShapeError(op, 'input', `must be ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched), but got input of size: ${show(x.shape)}`, { input: x.shape });
  }
  if (w.ndim !== nd + 2) {
    throw new ShapeError(op, 'weight', `must be ${nd + 2}-D [${op.startsWith('convTranspose') ? 'inChannels, outChannels/groups' : 'outChannels, inChannels/groups'}, ...kernelSize], got size ${show(w.shape)}`, { input: x.shape, weight: w.shape });
  }
  return batched;
}

function checkBias(op: string, wShape: readonly number[], b: Tensor | null, n: number, transposed: boolean): void {
  if (b === null) return;
  if (b.ndim !== 1 || b.shape[0] !== n) {
    throw new ShapeError(op, 'bias', `${transposed ? 'given transposed=1, ' : ''}given weight of size ${show(wShape)}, expected bias to be 1-dimensional with ${n} elements, but got bias of size ${show(b.shape)} instead`, { weight: wShape, bias: b.shape });
  }
}

/** Geometry of a (non-transposed) convolution of batched x [N, C, ...spatial] with PyTorch's checks. */
function resolveConv(op: string, xShape: readonly number[], wShape: readonly number[], b: Tensor | null, o: ConvOptions | undefined, nd: number): Resolved {
  checkOptions(op, o, CONV_KEYS);
  const stride = sizes(op, 'stride', o?.stride ?? 1, nd, 1, 'non-positive stride');
  const dilation = sizes(op, 'dilation', o?.dilation ?? 1, nd, 1, 'non-positive dilation');
  const groups = checkGroups(op, o?.groups ?? 1);
  const p = o?.padding ?? 0;
  const ks = wShape.slice(2);
  const inSize = xShape.slice(2);
  const Cout = wShape[0]!;
  if (Cout === 0) throw new ShapeError(op, 'weight', `given groups=${groups}, expected weight to be at least 1 at dimension 0, but got weight of size ${show(wShape)} instead`, { weight: wShape });
  if (Cout % groups !== 0) throw new ShapeError(op, 'weight', `given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${show(wShape)} instead`, { weight: wShape });
  if (wShape[1]! * groups !== xShape[1]) {
    throw new ShapeError(op, 'input', `given groups=${groups}, weight of size ${show(wShape)}, expected input${show(xShape)} to have ${wShape[1]! * groups} channels, but got ${xShape[1]} channels instead`, { input: xShape, weight: wShape });
  }
  checkBias(op, wShape, b, Cout, false);
  const eff = ks.map((k, i) => dilation[i]! * (k - 1) + 1);
  let before: number[];
  let total: number[];
  if (p === 'valid') {
    before = new Array<number>(nd).fill(0);
    total = before.slice();
  } else if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(op, 'padding', "padding='same' is not supported for strided convolutions");
    // NOTE: PyTorch puts the odd zero of an even dilated kernel at the end (bottom/right).
    total = eff.map((e) => e - 1);
    before = total.map((t) => Math.floor(t / 2));
  } else if (typeof p === 'string') {
    throw new ArgumentError(op, 'padding', `invalid padding string: '${p}', should be one of 'valid', 'same'`);
  } else {
    before = sizes(op, 'padding', p, nd, 0, 'negative padding');
    total = before.map((v) => 2 * v);
  }
  const padded = inSize.map((s, i) => s + total[i]!);
  if (padded.some((s, i) => s < eff[i]!)) {
    throw new ShapeError(op, 'input', `calculated padded input size per channel: ${dims(padded)}. Kernel size: ${dims(eff)}. Kernel size can't be greater than actual input size`, { input: xShape, weight: wShape });
  }
  const out = padded.map((s, i) => Math.floor((s - eff[i]!) / stride[i]!) + 1);
  return {
    attrs: { stride: lift(stride, 1), padding: lift(before, 0), dilation: lift(dilation, 1), groups },
    outSize: lift(out, 1),
  };
}

/** Geometry of a transposed convolution of batched x [N, Cin, ...spatial] with PyTorch's checks. */
function resolveConvTranspose(op: string, x: Tensor, w: Tensor, b: Tensor | null, o: ConvTransposeOptions | undefined, nd: number): Resolved {
  checkOptions(op, o, CONV_TRANSPOSE_KEYS);
  const stride = sizes(op, 'stride', o?.stride ?? 1, nd, 1, 'non-positive stride');
  const dilation = sizes(op, 'dilation', o?.dilation ?? 1, nd, 1, 'non-positive dilation');
  if (typeof o?.padding === 'string') throw new ArgumentError(op, 'padding', `must be an integer or a list of ${nd} integers ('same' and 'valid' are for conv), got '${o.padding}'`);
  const padding = sizes(op, 'padding', o?.padding ?? 0, nd, 0, 'negative padding');
  const outputPadding = sizes(op, 'outputPadding', o?.outputPadding ?? 0, nd, 0, 'negative outputPadding');
  const groups = checkGroups(op, o?.groups ?? 1);
  const Cin = w.shape[0]!;
  if (Cin === 0) throw new ShapeError(op, 'weight', `given transposed=1, expected weight to be at least 1 at dimension 0, but got weight of size ${show(w.shape)} instead`, { weight: w.shape });
  if (Cin % groups !== 0) throw new ShapeError(op, 'weight', `given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${show(w.shape)} instead`, { weight: w.shape });
  if (x.shape[1] !== Cin) {
    throw new ShapeError(op, 'input', `given transposed=1, weight of size ${show(w.shape)}, expected input${show(x.shape)} to have ${Cin} channels, but got ${x.shape[1]} channels instead`, { input: x.shape, weight: w.shape });
  }
  checkBias(op, w.shape, b, w.shape[1]! * groups, true);
  if (outputPadding.some((v, i) => v >= stride[i]! && v >= dilation[i]!)) {
    const per = (name: string, v: readonly number[]): string => (nd === 1 ? `${name}: ${v[0]}` : `${name}_height: ${v[0]} ${name}_width: ${v[1]}`);
    throw new ArgumentError(op, 'outputPadding', `output padding must be smaller than either stride or dilation, but got ${per('output_padding', outputPadding)} ${per('stride', stride)} ${per('dilation', dilation)}`);
  }
  const inSize = x.shape.slice(2);
  const ks = w.shape.slice(2);
  const out = inSize.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (ks[i]! - 1) + outputPadding[i]! + 1);
  if (out.some((s) => s <= 0)) {
    throw new ShapeError(op, 'input', `given input size per channel: ${dims(inSize)}. Calculated output size per channel: ${dims(out)}. Output size is too small`, { input: x.shape, weight: w.shape });
  }
  return {
    attrs: { stride: lift(stride, 1), padding: lift(padding, 0), dilation: lift(dilation, 1), groups },
    outSize: lift(out, 1),
  };
}

/** x [N, C, L] → [N, C, 1, L] for conv1d (weights alike); 2-D ops pass through. */
const to2d = (t: Tensor, nd: number): Tensor => (nd === 1 ? unsqueeze(t, -2) : t);
const from2d = (t: Tensor, nd: number): Tensor => (nd === 1 ? squeeze(t, -2) : t);

function convNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions | undefined): Tensor {
  assertTensor(op, 'input', input);
  assertTensor(op, 'weight', weight);
  if (bias !== null) assertTensor(op, 'bias', bias);
  const batched = checkRanks(op, input, weight, nd);
  checkDtypes(op, input, weight, bias);
  const x = batched ? input : unsqueeze(input, 0);
  const r = resolveConv(op, x.shape, weight.shape, bias, options, nd);
  const y = conv2dPrimitive(to2d(x, nd), to2d(weight, nd), bias, { ...r.attrs, outSize: r.outSize });
  const out = from2d(y, nd);
  return batched ? out : squeeze(out, 0);
}

function convTransposeNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTransposeOptions | undefined): Tensor {
  assertTensor(op, 'input', input);
  assertTensor(op, 'weight', weight);
  if (bias !== null) assertTensor(op, 'bias', bias);
  const batched = checkRanks(op, input, weight, nd);
  checkDtypes(op, input, weight, bias);
  const x = batched ? input : unsqueeze(input, 0);
  const r = resolveConvTranspose(op, x, weight, bias, options, nd);
  let y = conv2dBackwardInput(to2d(x, nd), to2d(weight, nd), { ...r.attrs, inputSize: r.outSize });
  if (bias !== null) y = add(y, reshape(bias, [1, bias.shape[0]!, 1, 1]));
  const out = from2d(y, nd);
  return batched ? out : squeeze(out, 0);
}

// ---- public ops ------------------------------------------------------------------------------------

/**
 * 2-D convolution over NCHW input (PyTorch's `F.conv2d`): input [N, Cin, H, W] or unbatched [Cin, H, W],
 * weight [Cout, Cin/groups, kH, kW], optional bias [Cout]. Output [N, Cout, Ho, Wo] with
 * Ho = floor((H + 2·padding − dilation·(kH − 1) − 1) / stride) + 1. Differentiable in input, weight and
 * bias, to any order. Options go last, or in place of the bias.
 *
 * @example
 * const x = randn(8, 3, 32, 32);
 * const w = randn(16, 3, 3, 3);
 * const y = F.conv2d(x, w, null, { padding: 1 });          // [8, 16, 32, 32]
 * const z = F.conv2d(x, randn(3, 1, 5, 5), { padding: 'same', groups: 3 }); // depthwise, [8, 3, 32, 32]
 */
export function conv2d<T extends Tensor>(input: T, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): T;
export function conv2d<T extends Tensor>(input: T, weight: Tensor, options: ConvOptions): T;
export function conv2d(input: Tensor, weight: Tensor, biasOrOptions?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  const [bias, o] = splitArgs('conv2d', biasOrOptions, options);
  return convNd('conv2d', 2, input, weight, bias, o);
}

/**
 * 1-D convolution (PyTorch's `F.conv1d`): input [N, Cin, L] or [Cin, L], weight [Cout, Cin/groups, k],
 * optional bias [Cout]; output [N, Cout, Lo]. Same options as conv2d with one value per option.
 *
 * @example
 * const y = F.conv1d(randn(4, 2, 100), randn(8, 2, 5), null, { stride: 2, padding: 2 }); // [4, 8, 50]
 */
export function conv1d<T extends Tensor>(input: T, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): T;
export function conv1d<T extends Tensor>(input: T, weight: Tensor, options: ConvOptions): T;
export function conv1d(input: Tensor, weight: Tensor, biasOrOptions?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  const [bias, o] = splitArgs('conv1d', biasOrOptions, options);
  return convNd('conv1d', 1, input, weight, bias, o);
}

/**
 * 2-D transposed convolution (PyTorch's `F.conv_transpose2d`, the gradient of conv2d with respect to
 * its input): input [N, Cin, H, W] or [Cin, H, W], weight [Cin, Cout/groups, kH, kW], optional bias
 * [Cout]. Output [N, Cout, Ho, Wo] with Ho = (H − 1)·stride − 2·padding + dilation·(kH − 1) +
 * outputPadding + 1.
 *
 * @example
 * const up = F.convTranspose2d(randn(1, 16, 8, 8), randn(16, 8, 3, 3), null, { stride: 2, padding: 1, outputPadding: 1 }); // [1, 8, 16, 16]
 */
export function convTranspose2d<T extends Tensor>(input: T, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): T;
export function convTranspose2d<T extends Tensor>(input: T, weight: Tensor, options: ConvTransposeOptions): T;
export function convTranspose2d(input: Tensor, weight: Tensor, biasOrOptions?: Tensor | null | ConvTransposeOptions, options?: ConvTransposeOptions): Tensor {
  const [bias, o] = splitArgs('convTranspose2d', biasOrOptions, options);
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, o);
}

/**
 * 1-D transposed convolution (PyTorch's `F.conv_transpose1d`): input [N, Cin, L] or [Cin, L], weight
 * [Cin, Cout/groups, k], optional bias [Cout].
 *
 * @example
 * const y = F.convTranspose1d(randn(2, 4, 10), randn(4, 3, 4), null, { stride: 2 }); // [2, 3, 22]
 */
export function convTranspose1d<T extends Tensor>(input: T, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): T;
export function convTranspose1d<T extends Tensor>(input: T, weight: Tensor, options: ConvTransposeOptions): T;
export function convTranspose1d(input: Tensor, weight: Tensor, biasOrOptions?: Tensor | null | ConvTransposeOptions, options?: ConvTransposeOptions): Tensor {
  const [bias, o] = splitArgs('convTranspose1d', biasOrOptions, options);
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, o);
}

// ---- PyTorch's torch.nn.grad: the two gradients of a convolution as functions --------------------

/** Spatial sizes from `size`: the full [N, C, ...spatial] shape or just the spatial dims. */
function sizeArg(op: string, name: string, size: unknown, nd: number): number[] {
  if (!Array.isArray(size) || (size.length !== nd && size.length !== nd + 2) || size.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new ArgumentError(op, name, `must list ${nd + 2} (or ${nd} spatial) non-negative integers, got ${JSON.stringify(size)}`);
  }
  return size as number[];
}

function checkGradOutput(op: string, gy: Tensor, want: readonly number[]): void {
  if (gy.ndim !== want.length || gy.shape.some((s, i) => s !== want[i])) {
    throw new ShapeError(op, 'gradOutput', `must have the convolution's output shape ${show(want)}, got ${show(gy.shape)}`, { gradOutput: gy.shape });
  }
}

function gradInputNd(op: string, nd: number, inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options: ConvOptions | undefined): Tensor {
  assertTensor(op, 'weight', weight);
  assertTensor(op, 'gradOutput', gradOutput);
  const size = sizeArg(op, 'inputSize', inputSize, nd);
  if (weight.ndim !== nd + 2) throw new ShapeError(op, 'weight', `must be ${nd + 2}-D, got size ${show(weight.shape)}`, { weight: weight.shape });
  if (gradOutput.ndim !== nd + 2) throw new ShapeError(op, 'gradOutput', `must be ${nd + 2}-D (batched), got size ${show(gradOutput.shape)}`, { gradOutput: gradOutput.shape });
  checkDtypes(op, gradOutput, weight, null);
  const groups = options?.groups ?? 1;
  const xShape = size.length === nd ? [gradOutput.shape[0]!, weight.shape[1]! * (typeof groups === 'number' ? groups : 1), ...size] : size;
  const r = resolveConv(op, xShape, weight.shape, null, options, nd);
  checkGradOutput(op, gradOutput, [xShape[0]!, weight.shape[0]!, ...r.outSize.slice(2 - nd)]);
  const gx = conv2dBackwardInput(to2d(gradOutput, nd), to2d(weight, nd), { ...r.attrs, inputSize: lift(xShape.slice(2), 1) });
  return from2d(gx, nd);
}

function gradWeightNd(op: string, nd: number, input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options: ConvOptions | undefined): Tensor {
  assertTensor(op, 'input', input);
  assertTensor(op, 'gradOutput', gradOutput);
  const wShape = sizeArg(op, 'weightSize', weightSize, nd);
  if (wShape.length !== nd + 2) throw new ArgumentError(op, 'weightSize', `must list all ${nd + 2} dims of the weight, got ${JSON.stringify(weightSize)}`);
  if (input.ndim !== nd + 2) throw new ShapeError(op, 'input', `must be ${nd + 2}-D (batched), got size ${show(input.shape)}`, { input: input.shape });
  checkDtypes(op, input, gradOutput, null);
  const r = resolveConv(op, input.shape, wShape, null, options, nd);
  checkGradOutput(op, gradOutput, [input.shape[0]!, wShape[0]!, ...r.outSize.slice(2 - nd)]);
  const gw = conv2dBackwardWeight(to2d(input, nd), to2d(gradOutput, nd), { ...r.attrs, kernelSize: lift(wShape.slice(2), 1) });
  return from2d(gw, nd);
}

/**
 * The gradient of conv2d with respect to its input (PyTorch's `torch.nn.grad.conv2d_input`): `inputSize`
 * is the input's [N, C, H, W] (or [H, W]), `gradOutput` the gradient of the output; same options as
 * F.conv2d. Differentiable.
 *
 * @example
 * const gx = nn.grad.conv2dInput([2, 3, 8, 8], w, gy, { padding: 1 });
 */
export function conv2dInput(inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options?: ConvOptions): Tensor {
  return gradInputNd('conv2dInput', 2, inputSize, weight, gradOutput, options);
}

/**
 * The gradient of conv2d with respect to its weight (PyTorch's `torch.nn.grad.conv2d_weight`):
 * `weightSize` is the weight's [Cout, Cin/groups, kH, kW]; same options as F.conv2d. Differentiable.
 *
 * @example
 * const gw = nn.grad.conv2dWeight(x, [16, 3, 3, 3], gy, { padding: 1 });
 */
export function conv2dWeight(input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options?: ConvOptions): Tensor {
  return gradWeightNd('conv2dWeight', 2, input, weightSize, gradOutput, options);
}

/** conv2dInput for conv1d (PyTorch's `torch.nn.grad.conv1d_input`). */
export function conv1dInput(inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options?: ConvOptions): Tensor {
  return gradInputNd('conv1dInput', 1, inputSize, weight, gradOutput, options);
}

/** conv2dWeight for conv1d (PyTorch's `torch.nn.grad.conv1d_weight`). */
export function conv1dWeight(input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options?: ConvOptions): Tensor {
  return gradWeightNd('conv1dWeight', 1, input, weightSize, gradOutput, options);
}
