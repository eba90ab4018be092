// Linear algebra: matmul with PyTorch's 1-D/2-D/batched/broadcast rules, mm, bmm, linear.
// The primitive is matmul on >= 2-D operands; transposed views reach the GEMM kernel as trans flags
// (no copy), and a batch of rows against one matrix folds into a single GEMM. `out=` (PyTorch's
// keyword) writes the product into an existing tensor: no allocation, no graph.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, promoteTypes, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { broadcastShapes, broadcastStrides, numel, shapesEqual } from '../core/shape.js';
import { isGradEnabled, noGrad, record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { assertTensor, empty } from './helpers.js';
import { assertInplaceAllowed, cast, contiguous, detach, expand, reshape, squeeze, unsqueeze, writeInto, t as transpose2d } from './layout.js';
import { add } from './elementwise.js';

/** How a GEMM sees a matrix operand: transposed or not, leading dim, offset, batch stride. */
interface GemmOperand {
  data: Tensor;
  trans: boolean;
  ld: number;
  batchStride: number;
}

/**
 * Describes the last two dims of x (already expanded to the batch shape) for GEMM, copying only when
 * the layout is neither row- nor column-major or the batch dims cannot share one stride.
 */
function gemmOperand(x: Tensor, batchShape: readonly number[]): GemmOperand {
  const r = x.ndim;
  const rows = x.shape[r - 2]!;
  const cols = x.shape[r - 1]!;
  const sr = x.strides[r - 2]!;
  const sc = x.strides[r - 1]!;
  let trans: boolean | null = null;
  let ld = 0;
  if ((sc === 1 || cols <= 1) && (sr >= Math.max(cols, 1) || rows <= 1)) {
    trans = false;
    ld = rows <= 1 ? Math.max(cols, 1) : sr;
  } else if ((sr === 1 || rows <= 1) && (sc >= Math.max(rows, 1) || cols <= 1)) {
    trans = true;
    ld = cols <= 1 ? Math.max(rows, 1) : sc;
  }
  // Batch dims must collapse to one stride: all broadcast (0) or nested like a contiguous block.
  const bs = x.strides.slice(0, r - 2);
  let batchStride: number | null = 0;
  let expected: number | null = null;
  for (let i = bs.length - 1; i >= 0; i--) {
    const size = batchShape[i]!;
    if (size === 1) continue;
    const s = bs[i]!;
    if (expected === null) {
      batchStride = s;
      expected = s * size;
    } else if (s === expected || (s === 0 && batchStride === 0)) {
      expected = s * size;
    } else {
      batchStride = null;
      break;
    }
  }
  if (trans === null || batchStride === null) {
    const c = contiguous(detach(x));
    return { data: c, trans: false, ld: Math.max(cols, 1), batchStride: rows * cols };
  }
  return { data: x, trans, ld, batchStride };
}

/** Where a product goes instead of a new tensor: contiguous memory of the result's size, not shared with an operand. */
interface Dest {
  data: Float32Array | Float64Array;
  offset: number;
}

/**
 * The matmul primitive on operands with >= 2 dims and broadcastable batch dims. With `dest`, the product
 * is written there (row-major, the result's shape) and the returned tensor is not recorded.
 */
function matmulND(a: Tensor, b: Tensor, dest?: Dest): Tensor {
  const M = a.shape[a.ndim - 2]!;
  const K = a.shape[a.ndim - 1]!;
  const K2 = b.shape[b.ndim - 2]!;
  const N = b.shape[b.ndim - 1]!;
  if (K !== K2) {
    throw new ShapeError('matmul', 'input and other', `have incompatible inner dims: ${K} vs ${K2}`, { input: a.shape, other: b.shape });
  }
  if (a.ndim === 2 && b.ndim === 2) {
    // Plain matrices (most calls: linear layers and their gradients): no batch machinery.
    const out = empty(dest ? [0] : [M, N], a.dtype);
    if (M * N > 0) {
      const C = dest ? dest.data : out.storage.data;
      const offC = dest ? dest.offset : 0;
      if (K === 0) {
        C.fill(0, offC, offC + M * N); // the empty sum
      } else {
        const A = gemmOperand(a, []);
        const B = gemmOperand(b, []);
        kernelsFor(a.dtype).gemm(1, A.trans, B.trans, M, N, K, 1, A.data.storage.data as Float32Array, A.data.offset, 0, A.ld,
          B.data.storage.data as Float32Array, B.data.offset, 0, B.ld, 0, C as Float32Array, offC, 0, N);
      }
    }
    return dest ? out : record('matmul', [a, b], out, {});
  }
  const batchShape = broadcastShapes('matmul', { input: a.shape.slice(0, -2), other: b.shape.slice(0, -2) });
  const batch = numel(batchShape);
  const out = empty(dest ? [0] : [...batchShape, M, N], a.dtype);
  const C = dest ? dest.data : out.storage.data;
  const offC = dest ? dest.offset : 0;
  if (batch * M * N > 0) {
    if (K === 0) {
      C.fill(0, offC, offC + batch * M * N); // empty inner dim: the empty sum
    } else if (b.ndim === 2 && a.ndim > 2 && a.isContiguous()) {
      // [..., M, K] @ [K, N]: one GEMM over all rows.
      const B = gemmOperand(b, []);
      kernelsFor(a.dtype).gemm(1, false, B.trans, batch * M, N, K, 1, a.storage.data as Float32Array, a.offset, 0, K,
        B.data.storage.data as Float32Array, B.data.offset, 0, B.ld, 0, C as Float32Array, offC, 0, N);
    } else {
      const ea = a.ndim - 2 === batchShape.length ? a : viewExpanded(a, [...batchShape, M, K]);
      const eb = b.ndim - 2 === batchShape.length ? b : viewExpanded(b, [...batchShape, K, N]);
      const A = gemmOperand(withStrides(ea, batchShape), batchShape);
      const B = gemmOperand(withStrides(eb, batchShape), batchShape);
      kernelsFor(a.dtype).gemm(batch, A.trans, B.trans, M, N, K, 1,
        A.data.storage.data as Float32Array, A.data.offset, A.batchStride, A.ld,
        B.data.storage.data as Float32Array, B.data.offset, B.batchStride, B.ld,
        0, C as Float32Array, offC, M * N, N);
    }
  }
  if (dest) return out;
  return record('matmul', [a, b], out, {});
}

/** x viewed (no copy, no graph) with its batch dims broadcast to `shape`. */
function viewExpanded(x: Tensor, shape: readonly number[]): Tensor {
  return expand(detach(x), shape);
}
/** x with batch dims of size 1 given stride 0 where the batch shape broadcasts them. */
function withStrides(x: Tensor, batchShape: readonly number[]): Tensor {
  const strides = broadcastStrides(x.shape.slice(0, -2), x.strides.slice(0, -2), batchShape);
  const all = [...strides, ...x.strides.slice(-2)];
  if (all.every((s, i) => s === x.strides[i])) return x;
  return expand(detach(x), [...batchShape, ...x.shape.slice(-2)]);
}

function floatPair(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  assertTensor(op, 'input', a);
  assertTensor(op, 'other', b);
  if (!isFloat(a.dtype) || !isFloat(b.dtype)) {
    throw new DTypeError(op, 'input and other', `must be floating point, got ${a.dtype} and ${b.dtype}`, { input: a.shape, other: b.shape });
  }
  const d: DType = promoteTypes(a.dtype, b.dtype);
  return [cast(a, d), cast(b, d)];
}

/** Shape of matmul(a, b) under PyTorch's rules (1-D operands promoted then squeezed); throws on a mismatch. */
function matmulShape(a: Tensor, b: Tensor): number[] {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('matmul', 'input and other', 'must both have at least 1 dim', { input: a.shape, other: b.shape });
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new ShapeError('matmul', 'input and other', `must have the same length for a dot product: ${a.shape[0]} vs ${b.shape[0]}`, { input: a.shape, other: b.shape });
    return [];
  }
  const K = a.shape[a.ndim - 1]!;
  const K2 = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (K !== K2) {
    throw new ShapeError('matmul', 'input and other', `have incompatible inner dims: ${K} vs ${K2}`, { input: a.shape, other: b.shape });
  }
  const batch = broadcastShapes('matmul', { input: a.shape.slice(0, Math.max(a.ndim - 2, 0)), other: b.shape.slice(0, Math.max(b.ndim - 2, 0)) });
  if (a.ndim === 1) return [...batch, b.shape[b.ndim - 1]!];
  if (b.ndim === 1) return [...batch, a.shape[a.ndim - 2]!];
  return [...batch, a.shape[a.ndim - 2]!, b.shape[b.ndim - 1]!];
}

/** matmul of float operands of the same dtype. */
function matmulAny(a: Tensor, b: Tensor): Tensor {
  matmulShape(a, b);
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmulND(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmulND(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmulND(a, unsqueeze(b, 1)), -1);
  return matmulND(a, b);
}

/** Options of matmul / mm / bmm: `out` receives the product (PyTorch's out= keyword). */
export interface MatmulOptions {
  /**
   * An existing tensor of exactly the result's shape and dtype to write the product into; it is
   * returned. Allocates nothing when it is contiguous and shares no memory with the operands. Like
   * PyTorch, not differentiable: refused while grad mode is on and an operand requires grad.
   */
  out?: Tensor | null;
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is promoted to a
 * matrix and the added dim removed, batch dims broadcast.
 */
export function matmul<D extends DType>(input: Tensor<D>, other: Tensor, options?: MatmulOptions): Tensor<D> {
  const [a, b] = floatPair('matmul', input, other);
  const out = options?.out;
  if (out === undefined || out === null) return matmulAny(a, b) as Tensor<D>;
  return matmulOut('matmul', a, b, out) as Tensor<D>;
}

function matmulOut(op: string, a: Tensor, b: Tensor, out: Tensor): Tensor {
  assertTensor(op, 'out', out);
  const shape = matmulShape(a, b);
  if (isGradEnabled() && (a.requiresGrad || b.requiresGrad)) {
    throw new ArgumentError(op, 'out', "cannot be used while an operand requires grad: functions with out= don't support automatic differentiation (run under noGrad() or detach the operands)");
  }
  if (out.dtype !== a.dtype) throw new DTypeError(op, 'out', `must have the result dtype ${a.dtype}, got ${out.dtype}`);
  if (!shapesEqual(out.shape, shape)) {
    throw new ShapeError(op, 'out', `must have the result shape [${shape.join(', ')}]`, { input: a.shape, other: b.shape, out: out.shape });
  }
  assertInplaceAllowed(op, out);
  if (out.isContiguous() && out.storage !== a.storage && out.storage !== b.storage) {
    // The 1-D promotions only add size-1 dims, so the row-major product has out's layout.
    matmulND(a.ndim === 1 ? unsqueeze(a, 0) : a, b.ndim === 1 ? unsqueeze(b, 1) : b, { data: out.storage.data as Float32Array, offset: out.offset });
    out.storage.version++;
  } else {
    writeInto(op, out, noGrad(() => matmulAny(a, b)));
  }
  return out;
}
/** 2-D matrix product only. */
export function mm<D extends DType>(input: Tensor<D>, other: Tensor, options?: MatmulOptions): Tensor<D> {
  assertTensor('mm', 'input', input);
  assertTensor('mm', 'other', other);
  if (input.ndim !== 2 || other.ndim !== 2) throw new ShapeError('mm', 'input and other', 'must both be 2-D', { input: input.shape, other: other.shape });
  return matmul(input, other, options);
}

/** Batched 3-D matrix product without broadcasting. */
export function bmm<D extends DType>(input: Tensor<D>, other: Tensor, options?: MatmulOptions): Tensor<D> {
  assertTensor('bmm', 'input', input);
  assertTensor('bmm', 'other', other);
  if (input.ndim !== 3 || other.ndim !== 3) throw new ShapeError('bmm', 'input and other', 'must both be 3-D', { input: input.shape, other: other.shape });
  if (input.shape[0] !== other.shape[0]) throw new ShapeError('bmm', 'input and other', 'must have the same batch size', { input: input.shape, other: other.shape });
  return matmul(input, other, options);
}

/** y = x·Wᵀ + b with weight [out, in] and optional bias [out] (PyTorch's F.linear). */
export function linear<D extends DType>(input: Tensor<D>, weight: Tensor, bias?: Tensor | null): Tensor<D> {
  assertTensor('linear', 'input', input);
  assertTensor('linear', 'weight', weight);
  if (weight.ndim !== 2 && weight.ndim !== 1) throw new ShapeError('linear', 'weight', 'must be 2-D [outFeatures, inFeatures]', { weight: weight.shape });
  const inF = weight.shape[weight.ndim - 1]!;
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError('linear', 'input', `must end in inFeatures=${inF}`, { input: input.shape, weight: weight.shape });
  }
  // NOTE: leading dims are folded into one (as PyTorch's addmm path does), so [B, T, in] is one GEMM
  // forward and one per gradient, not a batch of small ones whose weight gradient needs a reduction.
  const fold = input.ndim > 2 && weight.ndim === 2 && inF > 0;
  const x = fold ? reshape(input, [-1, inF]) : input;
  let y = matmul(x, weight.ndim === 2 ? transpose2d(weight) : weight);
  if (fold) y = reshape(y, [...input.shape.slice(0, -1), weight.shape[0]!]);
  if (bias === undefined || bias === null) return y;
  assertTensor('linear', 'bias', bias);
  const outF = weight.ndim === 2 ? weight.shape[0]! : 1;
  if (bias.numel() !== outF || bias.ndim > 1) throw new ShapeError('linear', 'bias', `must have outFeatures=${outF} elements`, { bias: bias.shape, weight: weight.shape });
  return add(y, bias) as unknown as Tensor<D>;
}
