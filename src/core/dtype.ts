// Data types of tensors: names, storage arrays, promotion. Nothing here knows about tensors;
// everything above uses these helpers instead of switching on dtype strings by hand.

/** Element types. `float64` exists for numerical checks (gradcheck) and always computes on the
 * reference backend; `int32` holds indices and labels; `bool` holds masks (one byte each). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';

export interface ArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}
export type TypedArrayFor<D extends DType> = ArrayOf[D];
export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

/** The JS value type of one element: booleans for `bool`, numbers otherwise. */
export type ScalarFor<D extends DType> = D extends 'bool' ? boolean : number;

/** PyTorch's promotion lattice restricted to our types: bool < int32 < float32 < float64. */
export type Promote<A extends DType, B extends DType> = A extends 'float64'
  ? 'float64'
  : B extends 'float64'
    ? 'float64'
    : A extends 'float32'
      ? 'float32'
      : B extends 'float32'
        ? 'float32'
        : A extends 'int32'
          ? 'int32'
          : B extends 'int32'
            ? 'int32'
            : 'bool';

/** The floating type an op on `D` computes in (int and bool promote to float32, as in PyTorch). */
export type FloatOf<D extends DType> = D extends 'float64' ? 'float64' : 'float32';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}
export function isFloat(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}
export function floatOf(d: DType): FloatDType {
  return d === 'float64' ? 'float64' : 'float32';
}
/** Same category (bool / integer / floating)? Used for PyTorch's "dim-0 tensors don't upcast" rule. */
export function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
}

export function allocArray<D extends DType>(dtype: D, n: number): TypedArrayFor<D> {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n) as TypedArrayFor<D>;
    case 'float64':
      return new Float64Array(n) as TypedArrayFor<D>;
    case 'int32':
      return new Int32Array(n) as TypedArrayFor<D>;
    default:
      return new Uint8Array(n) as TypedArrayFor<D>;
  }
}

let fillUninitialised: number | null = null;

/**
 * Debug aid (PyTorch's fill_uninitialized_memory): fill every "uninitialised" array, whatever its size,
 * with `value` (NaN shows an element a kernel failed to write); null restores the fast path.
 */
export function setFillUninitialised(value: number | null): void {
  fillUninitialised = value;
}

/** Below this many bytes a zeroed allocation costs no more than an uninitialised one. */
const UNINITIALISED_MIN_BYTES = 1 << 16;

/**
 * A typed array of n elements whose contents are unspecified (torch.empty's contract): only for outputs
 * that a kernel overwrites completely. Large arrays skip the zero fill that `new Float32Array(n)` pays
 * (a memset of the whole buffer: ~40 µs for 800 KB); small ones are ordinary zeroed arrays.
 */
export function allocArrayUninitialised<D extends DType>(dtype: D, n: number): TypedArrayFor<D> {
  const size = dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
  if (fillUninitialised !== null) {
    const a = allocArray(dtype, n);
    a.fill(fillUninitialised);
    return a;
  }
  if (n * size < UNINITIALISED_MIN_BYTES) return allocArray(dtype, n);
  // NOTE: allocUnsafeSlow always gets its own ArrayBuffer (never Node's shared pool), at byteOffset 0.
  const buf = Buffer.allocUnsafeSlow(n * size);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf.buffer, buf.byteOffset, n) as TypedArrayFor<D>;
    case 'float64':
      return new Float64Array(buf.buffer, buf.byteOffset, n) as TypedArrayFor<D>;
    case 'int32':
      return new Int32Array(buf.buffer, buf.byteOffset, n) as TypedArrayFor<D>;
    default:
      return new Uint8Array(buf.buffer, buf.byteOffset, n) as TypedArrayFor<D>;
  }
}

/** The dtype whose storage type `a` is (Uint8Array means bool). */
export function dtypeOfArray(a: AnyTypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** Converts a JS value to the stored representation of one element of `dtype`. */
export function toStored(dtype: DType, v: number | boolean): number {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  if (dtype === 'bool') return x !== 0 ? 1 : 0;
  if (dtype === 'int32') return Math.trunc(x) | 0;
  return x;
}
