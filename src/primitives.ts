// The recorded primitives: every op the autograd graph can hold, with its attribute type. ops/ records
// nodes with these names; autograd/derivatives.ts must give a rule for each (a mapped type over this
// interface, so a primitive without a derivative does not compile). Composite ops are not listed here.

import type { DType } from './core/dtype.js';
import type { RnnMode } from './kernels/spec.js';
import type { Tensor } from './tensor.js';

type None = Record<string, never>;
export interface ReduceAttrs {
  /** Reduced dims of the input, ascending. */
  dims: readonly number[];
  keepdim: boolean;
}
export interface DimReduceAttrs {
  dim: number;
  keepdim: boolean;
  /** Selected positions along `dim` (keepdim layout), saved from the forward. */
  indices: Tensor<'int32'>;
}
/** A strided window: per dim start, step (>= 1) and resulting size. */
export interface SliceAttrs {
  starts: readonly number[];
  steps: readonly number[];
  sizes: readonly number[];
}

/**
 * Hyper-parameters of a recorded 2-D convolution (conv1d records it with H = 1). `padding` is the top
 * and left padding; the bottom/right padding follows from the sizes, so 'same' with an even kernel and
 * the transposed convolution's outputPadding need nothing more.
 */
export interface Conv2dAttrs {
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}
/**
 * A resolved pooling (ops/pool.ts): the kernels' geometry and windows (POOL_GEOM in kernels/spec.ts) and the
 * tensor shapes around them. Shared by a pooling's forward and backward nodes.
 */
export interface PoolPlan {
  /** [N, C, H, W, OH, OW, dilationH, dilationW]. */
  geom: readonly number[];
  windows: Int32Array;
  /** avgPool's divisor override (0: none). */
  divisorOverride: number;
  inputShape: readonly number[];
  outputShape: readonly number[];
  /** Spatial dims pooled: 2 (H, W) or 1 (L, with H = 1 in geom). */
  spatial: 1 | 2;
  /** Some window is empty (possible only with dilation): nothing flows back from its output. */
  hasEmpty: boolean;
}
/** Saved state of a batch-norm application: the statistics it normalised with. */
export interface BatchNormAttrs {
  /** Batch statistics (true) or constant running statistics (false). */
  training: boolean;
  eps: number;
  /** [C] mean and biased variance used by the forward. */
  mean: Tensor;
  variance: Tensor;
}
export interface LayerNormAttrs {
  eps: number;
  /** How many trailing dims are normalised. */
  normalizedNdim: number;
  /** Per-row mean and 1/√(var + eps) of the forward, [R]. */
  mean: Tensor;
  rstd: Tensor;
}
/**
 * The normalisation backward N(v, x) = r·(v − mean(v) − x̂·mean(v·x̂)) over groups of x (channels for batch
 * norm: every dim but 1; rows for layer norm: the last `normalizedNdim` dims), x̂ = (x − mean(x))·r.
 */
export interface NormBackwardAttrs {
  kind: 'batch' | 'layer';
  eps: number;
  normalizedNdim: number;
}

export interface PrimitiveAttrs {
  // Elementwise unary (inputs: [x]).
  neg: None; abs: None; sign: None; exp: None; log: None; log1p: None; sqrt: None;
  sin: None; cos: None; tanh: None; sigmoid: None; relu: None; erf: None;
  leakyRelu: { slope: number };
  elu: { alpha: number };
  clamp: { min: number; max: number };
  powScalar: { exponent: number };
  // Elementwise binary with broadcasting (inputs: [a, b]).
  add: None; sub: None; mul: None; div: None; pow: None; maximum: None; minimum: None;
  /** inputs: [a, b]; the condition is not differentiable and travels as an attribute. */
  where: { cond: Tensor<'bool'> };
  /** inputs: [grad]; relu's result (where the gradient passes) is not differentiated and travels as an attribute. */
  reluBackward: { result: Tensor };
  // Reductions (inputs: [x]).
  sum: ReduceAttrs; mean: ReduceAttrs; amax: ReduceAttrs; amin: ReduceAttrs;
  maxDim: DimReduceAttrs; minDim: DimReduceAttrs;
  softmax: { dim: number };
  logSoftmax: { dim: number };
  // Linear algebra (inputs: [a, b], both >= 2-D with broadcast batch dims).
  matmul: None;
  // Layout (inputs: [x], or the pieces for cat).
  reshape: { shape: readonly number[] };
  permute: { dims: readonly number[] };
  expand: { shape: readonly number[] };
  slice: SliceAttrs;
  /** Zeros of `inputShape` with the input written into the window (the adjoint of slice). */
  sliceBackward: SliceAttrs & { inputShape: readonly number[] };
  cat: { dim: number };
  /** A contiguous copy with its own storage. */
  clone: None;
  cast: { dtype: DType };
  // Indexing.
  gather: { dim: number; index: Tensor<'int32'> };
  /** inputs: [base, src]. */
  scatterAdd: { dim: number; index: Tensor<'int32'> };
  // Convolution (NCHW). The three are each other's derivatives, so gradients of any order stay in this set.
  /** inputs: [x, weight] or [x, weight, bias]; `outSize` = [Ho, Wo] of the result. */
  conv2d: Conv2dAttrs & { outSize: readonly [number, number] };
  /** inputs: [gradOutput, weight] (also the transposed convolution); `inputSize` = [H, W] of the result. */
  conv2dBackwardInput: Conv2dAttrs & { inputSize: readonly [number, number] };
  /** inputs: [x, gradOutput]; `kernelSize` = [kh, kw] of the result. */
  conv2dBackwardWeight: Conv2dAttrs & { kernelSize: readonly [number, number] };
  // Pooling and normalisation (ops/pool.ts, ops/norm.ts).
  /** inputs: [x]; `indices` (flat within each plane) are what the gradient scatters to, -1 for empty windows. */
  maxPool: { plan: PoolPlan; indices: Tensor<'int32'> };
  /** inputs: [grad]: grad scattered to `indices` (maxPool's gradient). */
  maxPoolBackward: { plan: PoolPlan; indices: Tensor<'int32'> };
  avgPool: { plan: PoolPlan };
  /** inputs: [grad]: the adjoint of avgPool. */
  avgPoolBackward: { plan: PoolPlan };
  /** inputs: [x, weight, bias] (weight/bias constants of ones/zeros when absent). */
  batchNorm: BatchNormAttrs;
  /** inputs: [x, weight, bias]. */
  layerNorm: LayerNormAttrs;
  /** inputs: [v, x]. */
  normBackward: NormBackwardAttrs;
  // Recurrent layers.
  /** inputs: [x, h0, c0 (lstm only), then per direction wIh, wHh (, bIh, bHh)]; see RnnLayerAttrs. */
  rnnLayer: RnnLayerAttrs;
}

export type PrimitiveName = keyof PrimitiveAttrs;

/**
 * One recorded recurrent layer (ops/rnn.ts): every direction over the whole sequence. x is time-major
 * [T, B, I]; h0 (and c0) [D, B, H]. The result is one flat tensor holding the output ([T, B, D·H], or
 * [B, T, D·H] when batchFirst), then hN [D, B, H], then (lstm) cN [D, B, H]; ops/rnn.ts hands out views.
 */
export interface RnnLayerAttrs {
  mode: RnnMode;
  /** 1, or 2 (bidirectional; the reverse direction's weights follow the forward ones). */
  directions: number;
  hasBias: boolean;
  T: number; B: number; I: number; H: number;
  batchFirst: boolean;
  /** Each batch row's length (B entries in [0, T]), or null: all T. */
  lengths: Int32Array | null;
  /** What each direction's forward left for its backward (spec.ts rnnWorkspaceSize). */
  workspaces: readonly Tensor[];
}
