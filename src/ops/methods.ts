// Attaches PyTorch-style methods to Tensor.prototype (tfjs's chained-ops pattern) and declares them
// by declaration merging, so tensor.ts stays free of imports from ops/. Every method forwards to the
// functional op of the same name; nothing is implemented here.

import type { DType, FloatOf } from '../core/dtype.js';
import type { Generator } from '../core/random.js';
import { Tensor } from '../tensor.js';
import * as E from './elementwise.js';
import * as L from './layout.js';
import * as R from './reduce.js';
import * as M from './linalg.js';
import * as I from './indexing.js';
import * as P from './inplace.js';
import type { BinaryDType } from './elementwise.js';
import type { TensorLike } from './helpers.js';

type Dims = number | readonly number[] | null | undefined;
type SizeArgs = [readonly number[]] | number[];
type FT<D extends DType> = Tensor<FloatOf<D>>;

declare module '../tensor.js' {
  interface Tensor<D extends DType = DType> {
    neg(): Tensor<D>;
    abs(): Tensor<D>;
    sign(): Tensor<D>;
    exp(): FT<D>;
    log(): FT<D>;
    log1p(): FT<D>;
    sqrt(): FT<D>;
    rsqrt(): FT<D>;
    sin(): FT<D>;
    cos(): FT<D>;
    tanh(): FT<D>;
    sigmoid(): FT<D>;
    relu(): Tensor<D>;
    erf(): FT<D>;
    square(): Tensor<D>;
    reciprocal(): FT<D>;
    clamp(min?: number | null, max?: number | null): Tensor<D>;
    add<B extends TensorLike>(other: B, options?: { alpha?: number }): Tensor<BinaryDType<Tensor<D>, B>>;
    sub<B extends TensorLike>(other: B, options?: { alpha?: number }): Tensor<BinaryDType<Tensor<D>, B>>;
    mul<B extends TensorLike>(other: B): Tensor<BinaryDType<Tensor<D>, B>>;
    div<B extends TensorLike>(other: B): Tensor<BinaryDType<Tensor<D>, B> extends 'float64' ? 'float64' : 'float32'>;
    pow<B extends TensorLike>(exponent: B): Tensor<BinaryDType<Tensor<D>, B>>;
    maximum<B extends TensorLike>(other: B): Tensor<BinaryDType<Tensor<D>, B>>;
    minimum<B extends TensorLike>(other: B): Tensor<BinaryDType<Tensor<D>, B>>;
    eq(other: TensorLike): Tensor<'bool'>;
    ne(other: TensorLike): Tensor<'bool'>;
    lt(other: TensorLike): Tensor<'bool'>;
    le(other: TensorLike): Tensor<'bool'>;
    gt(other: TensorLike): Tensor<'bool'>;
    ge(other: TensorLike): Tensor<'bool'>;
    logicalAnd(other: TensorLike): Tensor<'bool'>;
    logicalOr(other: TensorLike): Tensor<'bool'>;
    logicalXor(other: TensorLike): Tensor<'bool'>;
    logicalNot(): Tensor<'bool'>;
    /** torch's `x.where(condition, y)`: x where condition holds, else y. */
    where<B extends TensorLike>(condition: Tensor<'bool'>, other: B): Tensor<BinaryDType<Tensor<D>, B>>;

    sum(dim?: Dims, options?: R.ReduceOptions | boolean): Tensor<D extends 'bool' ? 'int32' : D>;
    mean(dim?: Dims, options?: R.ReduceOptions | boolean): Tensor<D>;
    amax(dim?: Dims, options?: R.ReduceOptions | boolean): Tensor<D>;
    amin(dim?: Dims, options?: R.ReduceOptions | boolean): Tensor<D>;
    max(): Tensor<D>;
    max(dim: number, keepdim?: boolean): R.ValuesIndices<D>;
    min(): Tensor<D>;
    min(dim: number, keepdim?: boolean): R.ValuesIndices<D>;
    argmax(dim?: number, keepdim?: boolean): Tensor<'int32'>;
    argmin(dim?: number, keepdim?: boolean): Tensor<'int32'>;
    var(dim?: Dims, options?: R.VarOptions): Tensor<D>;
    std(dim?: Dims, options?: R.VarOptions): Tensor<D>;
    logsumexp(dim?: Dims, options?: R.ReduceOptions | boolean): FT<D>;
    softmax(dim: number): FT<D>;
    logSoftmax(dim: number): FT<D>;

    matmul(other: Tensor): Tensor<D>;
    mm(other: Tensor): Tensor<D>;
    bmm(other: Tensor): Tensor<D>;

    reshape(...shape: SizeArgs): Tensor<D>;
    view(...shape: SizeArgs): Tensor<D>;
    flatten(startDim?: number, endDim?: number): Tensor<D>;
    permute(...dims: SizeArgs): Tensor<D>;
    transpose(dim0: number, dim1: number): Tensor<D>;
    t(): Tensor<D>;
    squeeze(dim?: number | readonly number[]): Tensor<D>;
    unsqueeze(dim: number): Tensor<D>;
    expand(...shape: SizeArgs): Tensor<D>;
    expandAs(other: Tensor): Tensor<D>;
    narrow(dim: number, start: number, length: number): Tensor<D>;
    select(dim: number, index: number): Tensor<D>;
    /** Basic indexing: `x.index(0, '1:3', null, '...')` is `x[0, 1:3, None, ...]`. */
    index(...items: L.IndexItem[]): Tensor<D>;
    split(splitSize: number | readonly number[], dim?: number): Tensor<D>[];
    chunk(chunks: number, dim?: number): Tensor<D>[];
    contiguous(): Tensor<D>;
    clone(): Tensor<D>;
    detach(): Tensor<D>;
    to<T extends DType>(dtype: T): Tensor<T>;
    float(): Tensor<'float32'>;
    double(): Tensor<'float64'>;
    int(): Tensor<'int32'>;
    bool(): Tensor<'bool'>;
    gather(dim: number, index: Tensor<'int32'>): Tensor<D>;
    scatterAdd(dim: number, index: Tensor<'int32'>, src: Tensor<D>): Tensor<D>;
    indexSelect(dim: number, index: Tensor<'int32'>): Tensor<D>;

    add_(other: TensorLike, options?: { alpha?: number }): this;
    sub_(other: TensorLike, options?: { alpha?: number }): this;
    mul_(other: TensorLike): this;
    div_(other: TensorLike): this;
    clamp_(min?: number | null, max?: number | null): this;
    copy_(src: Tensor): this;
    fill_(value: number | boolean): this;
    zero_(): this;
    uniform_(from?: number, to?: number, options?: { generator?: Generator }): this;
    normal_(mean?: number, std?: number, options?: { generator?: Generator }): this;
  }
}

const sizeArgs = (args: readonly unknown[]): number[] => (Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]));

const methods: Record<string, (this: Tensor, ...args: never[]) => unknown> = {
  neg() { return E.neg(this); },
  abs() { return E.abs(this); },
  sign() { return E.sign(this); },
  exp() { return E.exp(this); },
  log() { return E.log(this); },
  log1p() { return E.log1p(this); },
  sqrt() { return E.sqrt(this); },
  rsqrt() { return E.rsqrt(this); },
  sin() { return E.sin(this); },
  cos() { return E.cos(this); },
  tanh() { return E.tanh(this); },
  sigmoid() { return E.sigmoid(this); },
  relu() { return E.relu(this); },
  erf() { return E.erf(this); },
  square() { return E.square(this); },
  reciprocal() { return E.reciprocal(this); },
  clamp(min?: number | null, max?: number | null) { return E.clamp(this, min, max); },
  add(o: TensorLike, opts?: { alpha?: number }) { return E.add(this, o, opts); },
  sub(o: TensorLike, opts?: { alpha?: number }) { return E.sub(this, o, opts); },
  mul(o: TensorLike) { return E.mul(this, o); },
  div(o: TensorLike) { return E.div(this, o); },
  pow(o: TensorLike) { return E.pow(this, o); },
  maximum(o: TensorLike) { return E.maximum(this, o); },
  minimum(o: TensorLike) { return E.minimum(this, o); },
  eq(o: TensorLike) { return E.eq(this, o); },
  ne(o: TensorLike) { return E.ne(this, o); },
  lt(o: TensorLike) { return E.lt(this, o); },
  le(o: TensorLike) { return E.le(this, o); },
  gt(o: TensorLike) { return E.gt(this, o); },
  ge(o: TensorLike) { return E.ge(this, o); },
  logicalAnd(o: TensorLike) { return E.logicalAnd(this, o); },
  logicalOr(o: TensorLike) { return E.logicalOr(this, o); },
  logicalXor(o: TensorLike) { return E.logicalXor(this, o); },
  logicalNot() { return E.logicalNot(this); },
  where(cond: Tensor<'bool'>, other: TensorLike) { return E.where(cond, this, other); },

  sum(dim?: Dims, o?: R.ReduceOptions | boolean) { return R.sum(this, dim, o); },
  mean(dim?: Dims, o?: R.ReduceOptions | boolean) { return R.mean(this, dim, o); },
  amax(dim?: Dims, o?: R.ReduceOptions | boolean) { return R.amax(this, dim, o); },
  amin(dim?: Dims, o?: R.ReduceOptions | boolean) { return R.amin(this, dim, o); },
  max(dim?: number, keepdim?: boolean) { return dim === undefined ? R.max(this) : R.max(this, dim, keepdim); },
  min(dim?: number, keepdim?: boolean) { return dim === undefined ? R.min(this) : R.min(this, dim, keepdim); },
  argmax(dim?: number, keepdim?: boolean) { return R.argmax(this, dim, keepdim); },
  argmin(dim?: number, keepdim?: boolean) { return R.argmin(this, dim, keepdim); },
  var(dim?: Dims, o?: R.VarOptions) { return R.variance(this, dim, o); },
  std(dim?: Dims, o?: R.VarOptions) { return R.std(this, dim, o); },
  logsumexp(dim?: Dims, o?: R.ReduceOptions | boolean) { return R.logsumexp(this, dim, o); },
  softmax(dim: number) { return R.softmax(this, dim); },
  logSoftmax(dim: number) { return R.logSoftmax(this, dim); },

  matmul(o: Tensor) { return M.matmul(this, o); },
  mm(o: Tensor) { return M.mm(this, o); },
  bmm(o: Tensor) { return M.bmm(this, o); },

  reshape(...s: number[]) { return L.reshape(this, sizeArgs(s)); },
  view(...s: number[]) { return L.viewAs(this, sizeArgs(s)); },
  flatten(a?: number, b?: number) { return L.flatten(this, a, b); },
  permute(...d: number[]) { return L.permute(this, sizeArgs(d)); },
  transpose(a: number, b: number) { return L.transpose(this, a, b); },
  t() { return L.t(this); },
  squeeze(d?: number | readonly number[]) { return L.squeeze(this, d); },
  unsqueeze(d: number) { return L.unsqueeze(this, d); },
  expand(...s: number[]) { return L.expand(this, sizeArgs(s)); },
  expandAs(o: Tensor) { return L.expand(this, o.shape); },
  narrow(d: number, s: number, l: number) { return L.narrow(this, d, s, l); },
  select(d: number, i: number) { return L.select(this, d, i); },
  index(...items: L.IndexItem[]) { return L.index(this, ...items); },
  split(s: number | readonly number[], d?: number) { return L.split(this, s, d); },
  chunk(c: number, d?: number) { return L.chunk(this, c, d); },
  contiguous() { return L.contiguous(this); },
  clone() { return L.clone(this); },
  detach() { return L.detach(this); },
  to(dtype: DType) { return L.cast(this, dtype); },
  float() { return L.cast(this, 'float32'); },
  double() { return L.cast(this, 'float64'); },
  int() { return L.cast(this, 'int32'); },
  bool() { return L.cast(this, 'bool'); },
  gather(d: number, i: Tensor<'int32'>) { return I.gather(this, d, i); },
  scatterAdd(d: number, i: Tensor<'int32'>, s: Tensor) { return I.scatterAdd(this, d, i, s); },
  indexSelect(d: number, i: Tensor<'int32'>) { return I.indexSelect(this, d, i); },

  add_(o: TensorLike, opts?: { alpha?: number }) { return P.add_(this, o, opts); },
  sub_(o: TensorLike, opts?: { alpha?: number }) { return P.sub_(this, o, opts); },
  mul_(o: TensorLike) { return P.mul_(this, o); },
  div_(o: TensorLike) { return P.div_(this, o); },
  clamp_(min?: number | null, max?: number | null) { return P.clamp_(this, min, max); },
  copy_(src: Tensor) { return P.copy_(this, src); },
  fill_(v: number | boolean) { return P.fill_(this, v); },
  zero_() { return P.zero_(this); },
  uniform_(a?: number, b?: number, o?: { generator?: Generator }) { return P.uniform_(this, a, b, o); },
  normal_(m?: number, s?: number, o?: { generator?: Generator }) { return P.normal_(this, m, s, o); },
};

/** Installs the methods once (idempotent). */
export function installTensorMethods(): void {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
