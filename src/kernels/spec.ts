// THE kernel contract: every compute kernel with its exact signature. The reference backend
// implements all of them in plain TypeScript (the executable spec); the native backend forwards
// each to the addon or marks it 'reference'. Kernels trust nothing about dtype promotion or
// broadcasting rules (ops/ resolves those) but must honour the layout described for each one.
//
// Conventions for every kernel:
// - Strides and offsets are in ELEMENTS, never bytes. Strides are >= 0 (0 = broadcast dim).
// - A "strided operand" is (array, offset, strides) read over the iteration `shape`.
// - Outputs are written, never read (except gemm with beta != 0 and scatterAdd, which accumulate, and
//   optimStep, which updates its parameter and state arrays in place).
// - Arrays of one call never overlap unless stated.
// - Every kernel accepts float64 arrays (gradcheck runs in double on the reference backend).

import type { AnyTypedArray, FloatArray } from '../core/dtype.js';

export type Dims = readonly number[];

/** Elementwise unary ops (contiguous in, contiguous out, same dtype). `alpha`/`beta` parametrise some. */
export const UNARY_OPS = [
  'neg', // int32 too
  'abs', // int32 too
  'sign', // int32 too. NOTE: sign(NaN) = 0 (PyTorch)
  'exp',
  'log',
  'log1p',
  'sqrt',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu', // int32 too. NOTE: NaN stays NaN (PyTorch)
  'erf',
  'leakyRelu', // alpha = negative slope
  'elu', // alpha
  'clamp', // alpha = min, beta = max (use -Infinity/Infinity for "none"); NaN stays NaN; min > max gives max (PyTorch)
  'powScalar', // alpha = exponent
  'heaviside', // alpha = value at 0; 1 for x > 0, 0 for x < 0 and for NaN (PyTorch)
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];
/** Unary ops the kernels also run on int32 arrays. */
export const INT_UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'relu', 'clamp'];

/** Elementwise binary ops. Arithmetic ops write `a`'s dtype; comparisons and logical ops write bool (Uint8Array). */
export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum', // NOTE: NaN propagates (PyTorch)
  'minimum',
  'reluBackward', // a where b > 0 (or b is NaN), else 0: a = the output gradient, b = relu's result (PyTorch's threshold_backward)
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];
export const COMPARISON_OPS: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'];

/** Reductions over the middle axis of a contiguous [outer, size, inner] array. */
export const REDUCE_OPS = ['sum', 'mean', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const ARG_REDUCE_OPS = ['max', 'min'] as const;
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

export const SOFTMAX_OPS = ['softmax', 'logSoftmax'] as const;
export type SoftmaxOp = (typeof SOFTMAX_OPS)[number];

/**
 * Fused optimizer updates for optimStep: PyTorch 1.13's single-tensor formulas, one element at a time,
 * in the order PyTorch applies its ops (g = ±grad; g += weightDecay·p; ...). h[0..9] per kind (flags
 * are 0/1; the host folds step-dependent factors into them):
 * - sgd:      lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep. s0 = momentum buffer (momentum != 0).
 * - adam:     lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, stepSize = lr/(1-beta1^t),
 *             bc2Sqrt = sqrt(1-beta2^t), decoupled (AdamW: p *= 1 - lr·weightDecay first).
 *             s0 = expAvg, s1 = expAvgSq, s2 = maxExpAvgSq (amsgrad).
 * - adagrad:  clr = lr/(1+(t-1)·lrDecay), weightDecay, eps, maximize. s0 = sum.
 * - rmsprop:  lr, alpha, eps, weightDecay, momentum, centered, maximize. s0 = squareAvg,
 *             s1 = momentum buffer (momentum > 0), s2 = gradAvg (centered).
 * - adadelta: lr, rho, eps, weightDecay, maximize. s0 = squareAvg, s1 = accDelta.
 */
export const OPTIM_OPS = ['sgd', 'adam', 'adagrad', 'rmsprop', 'adadelta'] as const;
export type OptimOp = (typeof OPTIM_OPS)[number];

/** Which state arrays optimStep reads and writes for a kind and its hyper-parameters (others may be empty). */
export function optimStateUse(op: OptimOp, h: readonly number[]): [boolean, boolean, boolean] {
  switch (op) {
    case 'sgd': return [h[1] !== 0, false, false];
    case 'adam': return [true, true, h[5] !== 0];
    case 'adagrad': return [true, false, false];
    case 'rmsprop': return [true, h[4]! > 0, h[5] !== 0];
    case 'adadelta': return [true, true, false];
  }
}

/**
 * The pooling geometry shared by maxPool, avgPool and avgPoolBackward. `geom` = [N, C, H, W, OH, OW, dilationH,
 * dilationW] (NCHW planes; 1-d pooling has H = OH = 1). `windows` (int32) = [hStart(OH), hCount(OH), hDiv(OH),
 * wStart(OW), wCount(OW), wDiv(OW)] back to back: output (oh, ow) reads rows hStart[oh] + i·dilationH for
 * i < hCount[oh] and columns wStart[ow] + j·dilationW for j < wCount[ow], all inside the plane (ops/ applies
 * PyTorch's output-size, padding and ceil-mode formulas and clips the padding away). A count may be 0 (an
 * empty window). hDiv[oh]·wDiv[ow] (each >= 1) is avgPool's divisor; maxPool ignores it.
 */
export const POOL_GEOM = ['N', 'C', 'H', 'W', 'OH', 'OW', 'dilationH', 'dilationW'] as const;

export interface Kernels {
  /**
   * dst[dstOffset + Σ i_d·dstStrides_d] = cast(src[srcOffset + Σ i_d·srcStrides_d]) for every index i of
   * `shape`. Converts between any two dtypes (float→int truncates toward zero; →bool is x != 0).
   * dst must not overlap src and must not alias itself (no 0 strides in dst unless that dim has size 1).
   */
  copy(shape: Dims, src: AnyTypedArray, srcOffset: number, srcStrides: Dims, dst: AnyTypedArray, dstOffset: number, dstStrides: Dims): void;

  /** out[i] = op(x[i], alpha, beta) for i < n. x and out have the same dtype; may be the same array (in place). */
  unary(op: UnaryOp, x: AnyTypedArray, out: AnyTypedArray, n: number, alpha: number, beta: number): void;

  /**
   * out[i] = op(a[...], b[...]) over `shape`, out contiguous row-major. a and b have the same dtype
   * (float32/float64/int32, or bool for logical ops); out has that dtype for arithmetic ops and
   * bool for comparisons. Integer division is not a kernel case (ops promote it to float).
   */
  binary(op: BinaryOp, shape: Dims, a: AnyTypedArray, aOffset: number, aStrides: Dims, b: AnyTypedArray, bOffset: number, bStrides: Dims, out: AnyTypedArray): void;

  /** out[i] = cond[...] ? a[...] : b[...] over `shape`, out contiguous; cond is bool; a, b, out share a dtype. */
  where(shape: Dims, cond: Uint8Array, cOffset: number, cStrides: Dims, a: AnyTypedArray, aOffset: number, aStrides: Dims, b: AnyTypedArray, bOffset: number, bStrides: Dims, out: AnyTypedArray): void;

  /**
   * x is contiguous [outer, size, inner]; out[o, j] = op over k < size of x[o, k, j]. Same dtype in and out
   * (mean only for floats). size = 0: sum → 0, mean → NaN; max/min with size 0 are rejected by ops.
   * NOTE: max/min propagate NaN (PyTorch).
   */
  reduce(op: ReduceOp, x: AnyTypedArray, outer: number, size: number, inner: number, out: AnyTypedArray): void;

  /**
   * Like reduce with max/min, also writing the int32 index along the axis. Ties take the first index;
   * NaN counts as the extreme and the first NaN wins (PyTorch). size must be > 0.
   */
  argReduce(op: ArgReduceOp, x: AnyTypedArray, outer: number, size: number, inner: number, values: AnyTypedArray, indices: Int32Array): void;

  /** Softmax or log-softmax over the middle axis of contiguous [outer, size, inner] floats, max-shifted. */
  softmax(op: SoftmaxOp, x: FloatArray, outer: number, size: number, inner: number, out: FloatArray): void;

  /**
   * Batched C_b = alpha·op(A_b)·op(B_b) + beta·C_b for b < batch, row-major. op(A) is M×K: A_b starts at
   * aOffset + b·strideA with row stride lda (or, transposed, A is stored K×M). Same for B (K×N) and C (M×N,
   * row stride ldc). strideA/strideB may be 0 (shared operand). beta = 0 ignores C's old contents (NaN too);
   * alpha = 0 does not read A or B (BLAS), so NaN there does not reach C.
   * Floats only; A, B, C share a dtype; C does not overlap A or B.
   */
  gemm(
    batch: number, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: FloatArray, aOffset: number, strideA: number, lda: number,
    B: FloatArray, bOffset: number, strideB: number, ldb: number,
    beta: number, C: FloatArray, cOffset: number, strideC: number, ldc: number,
  ): void;

  /**
   * out[i] = x[i with i_dim replaced by index[i]] for i over `shape` (the index shape), out contiguous.
   * x is strided (xOffset, xStrides) with xDimSize entries along `dim`; index is contiguous int32.
   * An index outside [0, xDimSize) raises IndexError (PyTorch's gather does not wrap negative indices).
   */
  gather(shape: Dims, x: AnyTypedArray, xOffset: number, xStrides: Dims, dim: number, xDimSize: number, index: Int32Array, out: AnyTypedArray): void;

  /**
   * out[i with i_dim replaced by index[i]] += src[i] for i over `shape` (the index/src shape, both contiguous).
   * out is contiguous with `outStrides` and outDimSize entries along `dim`. Index out of range → IndexError.
   */
  scatterAdd(shape: Dims, out: AnyTypedArray, outStrides: Dims, dim: number, outDimSize: number, index: Int32Array, src: AnyTypedArray): void;

  /**
   * One optimizer update of n contiguous elements, in place (see OPTIM_OPS for h and the state arrays):
   * param and the used state arrays are read and written, grad is read. Used arrays hold >= n elements
   * and do not overlap; unused state arrays are ignored (pass empty ones). h has 10 entries.
   */
  optimStep(op: OptimOp, n: number, param: FloatArray, grad: FloatArray, s0: FloatArray, s1: FloatArray, s2: FloatArray, h: readonly number[]): void;

  /**
   * 2-D convolution (PyTorch's cross-correlation) over NCHW, with groups:
   *   out[n, co, oh, ow] = bias[co] + Σ_{ci < Cin/groups, ki < kh, kj < kw} w[co, ci, ki, kj] · X(n, g·Cin/groups + ci, ih, iw)
   * where g = floor(co / (Cout/groups)), ih = oh·strideH − padH + ki·dilationH, iw = ow·strideW − padW +
   * kj·dilationW, and X is x inside [0, H) × [0, W) and 0 outside (see Conv2dGeometry). x is strided (xOffset,
   * xStrides over [N, Cin, H, W]); w is contiguous [Cout, Cin/groups, kh, kw] from wOffset; bias (null: none) is
   * contiguous [Cout] from bOffset; out is contiguous [N, Cout, Ho, Wo]. An empty sum (Cin = 0) gives bias or 0.
   * NOTE: a non-finite weight against padding is unspecified (the reference skips padded positions, im2col
   * kernels multiply zeros: ∞·0 = NaN, as PyTorch's); NaN/∞ in x propagate alike everywhere.
   */
  conv2d(g: Conv2dGeometry, x: FloatArray, xOffset: number, xStrides: Dims, w: FloatArray, wOffset: number, bias: FloatArray | null, bOffset: number, out: FloatArray): void;

  /**
   * The adjoint of conv2d with respect to its input (also the transposed convolution):
   *   gx[n, c, ih, iw] = Σ w[co, ci, ki, kj] · gy[n, co, oh, ow] over every (co, ki, kj, oh, ow) of the group of
   *   c (ci = c mod Cin/groups) with oh·strideH − padH + ki·dilationH = ih and ow·strideW − padW + kj·dilationW = iw.
   * gy is contiguous [N, Cout, Ho, Wo] from gyOffset, w as in conv2d, gx contiguous [N, Cin, H, W] (positions
   * nothing reaches get 0).
   */
  conv2dBackwardInput(g: Conv2dGeometry, gy: FloatArray, gyOffset: number, w: FloatArray, wOffset: number, gx: FloatArray): void;

  /**
   * The gradient of conv2d with respect to its weight:
   *   gw[co, ci, ki, kj] = Σ_{n, oh, ow} gy[n, co, oh, ow] · X(n, g·Cin/groups + ci, ih, iw)   (ih, iw as in conv2d)
   * x strided as in conv2d, gy contiguous [N, Cout, Ho, Wo] from gyOffset, gw contiguous [Cout, Cin/groups, kh, kw]
   * (0 when the sum is empty).
   */
  conv2dBackwardWeight(g: Conv2dGeometry, x: FloatArray, xOffset: number, xStrides: Dims, gy: FloatArray, gyOffset: number, gw: FloatArray): void;
  // ---- pooling (see POOL_GEOM for `geom` and `windows`) ------------------------------------------------

  /**
   * Max pooling of NCHW planes: out[n, c, oh, ow] = max of x[n, c, ih, iw] over the window of (oh, ow); x is
   * strided (xOffset, 4 element strides), out contiguous [N, C, OH, OW]. PyTorch's scan defines ties and NaN:
   * the window is walked row-major from a running maximum of -Infinity whose index is the window's first
   * position, and an element replaces it when it is greater or NaN. So ties keep the first index, a NaN wins
   * (the last NaN's index is kept), and an empty or all -Infinity window gives -Infinity at its first
   * position. With withIndices, indices (contiguous like out) gets ih·W + iw of each choice; else it is unused.
   */
  maxPool(geom: Dims, windows: Int32Array, x: FloatArray, xOffset: number, xStrides: Dims, out: FloatArray, withIndices: boolean, indices: Int32Array): void;

  /**
   * Average pooling: out[n, c, oh, ow] = (Σ of x over the window) / d with d = divisorOverride when it is not 0
   * (an int32, PyTorch allows negative ones), else hDiv[oh]·wDiv[ow]; an empty window gives 0. Layouts as maxPool.
   */
  avgPool(geom: Dims, windows: Int32Array, divisorOverride: number, x: FloatArray, xOffset: number, xStrides: Dims, out: FloatArray): void;

  /**
   * The gradient of a max pooling (or any per-plane selection): gradInput[p, i] = Σ of grad[p, o] over the o
   * with indices[p, o] = i, zero elsewhere; grad and indices contiguous [planes, outSize], gradInput contiguous
   * [planes, inSize] and fully written. An index of -1 contributes nothing (PyTorch's backward skips it; ops/
   * uses it for empty windows); any other index outside [0, inSize) raises IndexError.
   */
  maxPoolBackward(planes: number, inSize: number, outSize: number, grad: FloatArray, indices: Int32Array, gradInput: FloatArray): void;

  /**
   * The adjoint of avgPool with the same geometry and divisors: gradInput[n, c, ih, iw] = Σ over the windows
   * that contain (ih, iw) of grad[n, c, oh, ow] / d; grad contiguous [N, C, OH, OW], gradInput contiguous
   * [N, C, H, W] and fully written.
   */
  avgPoolBackward(geom: Dims, windows: Int32Array, divisorOverride: number, grad: FloatArray, gradInput: FloatArray): void;

  // ---- normalisation ----------------------------------------------------------------------------------

  /**
   * Per-channel statistics of contiguous [N, C, S]: mean[c] = Σ x[n, c, s] / M and var[c] = Σ (x − mean[c])² / M
   * (the biased variance, taken around mean[c] as stored), M = N·S, accumulated in double. M = 0 gives NaN.
   */
  batchNormStats(x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray): void;

  /**
   * out[n, c, s] = x·a[c] + b[c] with a = weight[c]/√(variance[c] + eps) and b = bias[c] − mean[c]·a (a and b
   * computed in double, then rounded to the arrays' dtype); x and out contiguous [N, C, S], the others [C].
   */
  batchNormApply(x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray, eps: number, weight: FloatArray, bias: FloatArray, out: FloatArray): void;

  /**
   * Backward of batchNormApply around the statistics (mean, variance) with r = 1/√(variance + eps) (double):
   * sumGrad[c] = Σ grad and sumGradXhat[c] = r·Σ grad·(x − mean), both over M = N·S elements; gradInput is
   * grad·r·weight (training false: constant statistics) or, when the statistics are the batch's own
   * (training true), PyTorch's (grad − sumGrad/M − (x − mean)·k)·r·weight with k = sumGradXhat·r/M.
   */
  batchNormBackward(
    grad: FloatArray, x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray, eps: number,
    weight: FloatArray, training: boolean, gradInput: FloatArray, sumGrad: FloatArray, sumGradXhat: FloatArray,
  ): void;

  /**
   * Layer normalisation of the R rows of contiguous [R, L]: mean[r] = Σ x / L, rstd[r] = 1/√(Σ (x − mean)²/L + eps)
   * (double, then stored), out = (x − mean)·rstd·weight[j] + bias[j] with the stored mean and rstd; weight and
   * bias hold L values. L = 0 gives NaN statistics.
   */
  layerNorm(x: FloatArray, R: number, L: number, eps: number, weight: FloatArray, bias: FloatArray, out: FloatArray, mean: FloatArray, rstd: FloatArray): void;

  /**
   * Backward of layerNorm: with x̂ = (x − mean)·rstd and ĝ = grad·weight[j], gradInput = rstd·(ĝ − Σĝ/L − x̂·Σĝx̂/L)
   * per row (sums in double). With withParamGrads, gradWeight[j] = Σ over rows of grad·x̂ and gradBias[j] = Σ grad;
   * else both are unused.
   */
  layerNormBackward(
    grad: FloatArray, x: FloatArray, R: number, L: number, mean: FloatArray, rstd: FloatArray, weight: FloatArray,
    gradInput: FloatArray, withParamGrads: boolean, gradWeight: FloatArray, gradBias: FloatArray,
  ): void;

  /**
   * One recurrent layer in one direction over a whole sequence (PyTorch's RNN/LSTM/GRU equations, see
   * RNN_MODES), on time-major data. x is dense [T, B, I] from xOffset; wIh [G·H, I], wHh [G·H, H], bIh, bHh
   * [G·H] (null: zeros), h0 [B, H] and c0 [B, H] (lstm only, else null) are dense from their offsets. For
   * each processing step (t = 0 … T−1, or T−1 … 0 when g.reverse) and batch row b that is active
   * (lengths null, or t < lengths[b]):
   *   gates = wIh·x[t, b] + bIh + wHh·h + bHh   (GRU: the n block is wIh_n·x + bIh_n + r ⊙ (wHh_n·h + bHh_n))
   *   then the cell update of the mode gives the new state h (and c), and y[t, b] = h.
   * An inactive row keeps its state (h, c carried unchanged) and gets y[t, b] = 0, so a reverse pass of a
   * sequence of length L starts from h0 at t = L − 1 and the final state is the one after each sequence's
   * own last step: PyTorch's packed sequences. y[t, b, j] is written at yOffset + t·g.yStrideT +
   * b·g.yStrideB + j (no other element of y is touched); hN, cN [B, H] (final state; cN lstm only) dense
   * from their offsets. ws (rnnWorkspaceSize elements from wsOffset) receives what rnnBackward needs, in
   * the layout of rnnWorkspaceSize (gates of inactive rows unspecified). lengths: B entries in [0, T].
   */
  rnnForward(
    mode: RnnMode, g: RnnGeometry, x: FloatArray, xOffset: number, wIh: FloatArray, wIhOffset: number, wHh: FloatArray, wHhOffset: number,
    bIh: FloatArray | null, bIhOffset: number, bHh: FloatArray | null, bHhOffset: number, h0: FloatArray, h0Offset: number,
    c0: FloatArray | null, c0Offset: number, lengths: Int32Array | null,
    y: FloatArray, yOffset: number, hN: FloatArray, hNOffset: number, cN: FloatArray | null, cNOffset: number, ws: FloatArray, wsOffset: number,
  ): void;

  /**
   * Backpropagation through time of rnnForward (same mode, geometry, x, weights and lengths; ws as the
   * forward left it). Upstream gradients: gy at gyOffset + t·g.yStrideT + b·g.yStrideB + j (entries of
   * inactive rows are ignored: y is a constant 0 there), ghN and gcN [B, H] dense from their offsets (null:
   * zero; gcN lstm only). Writes, from index 0, every output that is not null: gx [T, B, I], gh0 [B, H],
   * gc0 [B, H] (lstm), gwIh [G·H, I], gwHh [G·H, H], gbIh and gbHh [G·H]. Inactive rows pass the state's
   * gradient through unchanged and give x a zero gradient. work: rnnBackwardWorkSize elements of scratch
   * (contents unspecified before and after).
   */
  rnnBackward(
    mode: RnnMode, g: RnnGeometry, x: FloatArray, xOffset: number, wIh: FloatArray, wIhOffset: number, wHh: FloatArray, wHhOffset: number,
    lengths: Int32Array | null, ws: FloatArray, wsOffset: number, gy: FloatArray, gyOffset: number,
    ghN: FloatArray | null, ghNOffset: number, gcN: FloatArray | null, gcNOffset: number,
    gx: FloatArray | null, gh0: FloatArray | null, gc0: FloatArray | null, gwIh: FloatArray | null, gwHh: FloatArray | null,
    gbIh: FloatArray | null, gbHh: FloatArray | null, work: FloatArray,
  ): void;
}

/**
 * The geometry of a 2-D convolution over NCHW arrays (conv1d is H = 1). The output size is given, not
 * derived, and reads outside the input are zeros: output row oh reads input rows oh·strideH − padH +
 * ki·dilationH, so padH is the top padding and the bottom padding is whatever Ho implies. That covers
 * PyTorch's symmetric padding, 'same' with an even kernel (more padding at the bottom/right) and the
 * transposed convolution's outputPadding. All entries are non-negative integers; kh, kw, strides,
 * dilations and groups are >= 1; groups divides Cin and Cout.
 */
export interface Conv2dGeometry {
  N: number; Cin: number; H: number; W: number;
  Cout: number; Ho: number; Wo: number;
  kh: number; kw: number;
  strideH: number; strideW: number;
  padH: number; padW: number;
  dilationH: number; dilationW: number;
  groups: number;
}
/** The order in which the native binding receives Conv2dGeometry (one Float64Array). */
export const CONV2D_GEOMETRY_KEYS = [
  'N', 'Cin', 'H', 'W', 'Cout', 'Ho', 'Wo', 'kh', 'kw', 'strideH', 'strideW', 'padH', 'padW', 'dilationH', 'dilationW', 'groups',
] as const satisfies readonly (keyof Conv2dGeometry)[];

export type KernelName = keyof Kernels;
export type KernelArgs<K extends KernelName> = Parameters<Kernels[K]>;

/** Every kernel name, in a fixed order; the native addon's own list must match (see tests/ops/parity). */
export const KERNEL_NAMES: readonly KernelName[] = ['copy', 'unary', 'binary', 'where', 'reduce', 'argReduce', 'softmax', 'gemm', 'gather', 'scatterAdd', 'optimStep',
  'conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight',
  'maxPool', 'avgPool', 'maxPoolBackward', 'avgPoolBackward', 'batchNormStats', 'batchNormApply', 'batchNormBackward', 'layerNorm', 'layerNormBackward',
  'rnnForward', 'rnnBackward',
];

// ---- recurrent layers (rnnForward / rnnBackward) -----------------------------------------------------

/**
 * Cell kinds of rnnForward/rnnBackward with PyTorch's equations and gate order (pre = the gate's input
 * and hidden products plus both biases):
 * - rnnTanh / rnnRelu: h = tanh(pre) / relu(pre)                                            (1 gate)
 * - lstm: i, f, g, o = σ, σ, tanh, σ of their pre; c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c)      (4 gates)
 * - gru:  r, z = σ(pre_r), σ(pre_z); n = tanh(x-part_n + r ⊙ (hidden-part_n)); h = (1 − z) ⊙ n + z ⊙ h_prev (3)
 * NOTE: relu'(0) = 0 (PyTorch).
 */
export const RNN_MODES = ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as const;
export type RnnMode = (typeof RNN_MODES)[number];

/** Gates of a mode: the rows of wIh and wHh are G·H (gate blocks in PyTorch's order). */
export function rnnGates(mode: RnnMode): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

/**
 * The sizes and the output layout of one rnnForward/rnnBackward call: sequence length T, batch B, input
 * features I, hidden features H (all >= 0), reverse 0 or 1, and the element strides of y (and gy) over
 * time and batch (the feature stride is 1): a time-major [T, B, D·H] output has yStrideT = B·D·H,
 * yStrideB = D·H; a batch-first one yStrideT = D·H, yStrideB = T·D·H.
 */
export interface RnnGeometry {
  T: number; B: number; I: number; H: number;
  reverse: number;
  yStrideT: number; yStrideB: number;
}
/** The order in which the native binding receives RnnGeometry (one Float64Array). */
export const RNN_GEOMETRY_KEYS = ['T', 'B', 'I', 'H', 'reverse', 'yStrideT', 'yStrideB'] as const satisfies readonly (keyof RnnGeometry)[];

/**
 * Elements of the rnnForward workspace, laid out as (row = t·B + b):
 *   gates [T·B rows × Gw·H]: the activated gates of each active row (Gw = G, except gru: 4, the fourth
 *                           block holding wHh_n·h + bHh_n, the hidden part of n before r multiplies it);
 *   hs    [(T+1)·B × H]:    the state h in time order with the initial state at the start side: forward
 *                           slot 0 = h0 and slot t+1 = the state after time t; reverse slot t = the state
 *                           after time t and slot T = h0 (so the previous state of time t is slot t, or t+1);
 *   cs    [(T+1)·B × H]:    lstm only, the cell state c in the same slots.
 */
export function rnnWorkspaceSize(mode: RnnMode, T: number, B: number, H: number): number {
  const gw = mode === 'gru' ? 4 : rnnGates(mode);
  return T * B * gw * H + (T + 1) * B * H * (mode === 'lstm' ? 2 : 1);
}

/**
 * Elements of rnnBackward's scratch: the gate gradients of every step (twice for gru: input and hidden
 * parts) and three [B, H] blocks (the state gradient, double-buffered, and the cell state's).
 */
export function rnnBackwardWorkSize(mode: RnnMode, T: number, B: number, H: number): number {
  return T * B * rnnGates(mode) * H * (mode === 'gru' ? 2 : 1) + 3 * B * H;
}
