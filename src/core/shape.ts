// Shape arithmetic: sizes, contiguous strides (always in elements, never bytes), broadcasting,
// dimension normalisation and argument validation for sizes. Pure functions on number arrays.

import { ArgumentError, IndexError, ShapeError } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when (shape, strides) walks memory row-major without gaps (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 0) return true;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** PyTorch broadcasting: align right, sizes must match or be 1. */
export function broadcastShapes(op: string, shapes: Record<string, Shape>): number[] {
  const list = Object.values(shapes);
  const rank = Math.max(0, ...list.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of list) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      const cur = out[o]!;
      if (cur === 1) out[o] = d;
      else if (d !== 1 && d !== cur) {
        throw new ShapeError(op, Object.keys(shapes).join(' and '), `cannot be broadcast together: size ${cur} vs ${d} at dimension ${o}`, shapes);
      }
    }
  }
  return out;
}

/** Strides (in elements) that read a tensor of (shape, strides) as if it had `target` shape: 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/** Normalises a possibly negative dim against `rank` (PyTorch wraps -1 to rank-1). */
export function normalizeDim(op: string, dim: number, rank: number, arg = 'dim'): number {
  if (!Number.isInteger(dim)) throw new ArgumentError(op, arg, `must be an integer, got ${String(dim)}`);
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r) {
    throw new IndexError(op, arg, `out of range: expected a value in [${-r}, ${r - 1}], got ${dim}`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Normalises a list of dims (or all dims when undefined); rejects repeats. Returned sorted ascending. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined | null, rank: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, rank));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new ArgumentError(op, 'dim', `appears more than once in [${list.join(',')}]`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}

/** Validates a user-given size list: non-negative safe integers. */
export function checkSize(op: string, shape: unknown, arg = 'size'): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(op, arg, `must be an array of non-negative integers, got ${typeof shape}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ArgumentError(op, arg, `must contain non-negative integers, got [${shape.map(String).join(',')}]`);
    }
  }
  if (numel(shape) > 2 ** 32) throw new ArgumentError(op, arg, `has ${numel(shape)} elements, more than the 2^32 supported`);
  return shape.slice() as number[];
}

/** Resolves a reshape target with at most one -1. */
export function inferShape(op: string, target: readonly number[], total: number, from: Shape): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ArgumentError(op, 'shape', `can only contain one -1, got ${fmt(target)}`);
      infer = i;
    } else if (!Number.isSafeInteger(d) || d < 0) {
      throw new ArgumentError(op, 'shape', `must contain non-negative integers or one -1, got ${fmt(target)}`);
    } else known *= d;
  }
  const out = target.slice();
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(op, 'shape', `${fmt(target)} is invalid for input of size ${total}`, { input: from });
    }
    out[infer] = total / known;
  } else if (known !== total) {
    throw new ShapeError(op, 'shape', `${fmt(target)} is invalid for input of size ${total}`, { input: from });
  }
  return out;
}
