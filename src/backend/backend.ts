// Backend selection: which kernel table runs. The native backend (the C++ addon) is the default;
// if it cannot load, the library says why once and uses the reference backend. float64 arrays always
// run on the reference backend (they exist for gradcheck); that rule lives here and nowhere else.

import type { DType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { env } from '../core/env.js';
import type { Kernels } from '../kernels/spec.js';
import { referenceKernels } from './reference/index.js';
import { loadNativeKernels, rawAddon, type NativeInfo } from './native/native.js';

export type BackendName = 'native' | 'reference';

let active: BackendName | null = null;
let native: Kernels | null = null;
let nativeError: Error | null = null;
let warned = false;

function tryNative(): Kernels | null {
  if (native || nativeError) return native;
  try {
    native = loadNativeKernels(referenceKernels);
  } catch (e) {
    nativeError = e as Error;
  }
  return native;
}

function resolveDefault(): BackendName {
  const wanted = env('NODEGRAD_BACKEND');
  if (wanted === 'reference') return 'reference';
  if (tryNative()) return 'native';
  if (!warned) {
    warned = true;
    process.emitWarning(`nodegrad: the native addon could not be loaded, using the slow reference backend.\n${nativeError?.message ?? ''}`, 'NodegradWarning');
  }
  return 'reference';
}

/** Selects the backend for all following ops. 'native' throws if the addon cannot load. */
export function setBackend(name: BackendName): void {
  if (name !== 'native' && name !== 'reference') {
    throw new ArgumentError('setBackend', 'name', `must be 'native' or 'reference', got ${JSON.stringify(name)}`);
  }
  if (name === 'native' && !tryNative()) {
    throw new ArgumentError('setBackend', 'name', `'native' is not available: ${nativeError?.message ?? 'unknown error'}`);
  }
  active = name;
}

export function getBackend(): BackendName {
  if (active === null) active = resolveDefault();
  return active;
}

/** The kernel table for an op whose arrays have these dtypes. */
export function kernelsFor(dtype: DType, other?: DType): Kernels {
  if (active === null) active = resolveDefault();
  if (active === 'reference' || dtype === 'float64' || other === 'float64') return referenceKernels;
  return native!;
}

export { referenceKernels };

/**
 * Sets the threads of the native thread pool (PyTorch's `set_num_threads`); the default is the number
 * of physical cores, or NODEGRAD_NUM_THREADS. Without the addon this only records the value.
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 1024) {
    throw new ArgumentError('setNumThreads', 'n', `must be an integer in [1, 1024], got ${String(n)}`);
  }
  requestedThreads = n;
  if (tryNative()) rawAddon().setNumThreads(n);
}

/** Threads the native kernels use (1 with the reference backend). */
export function getNumThreads(): number {
  const k = tryNative();
  if (!k || getBackend() === 'reference') return requestedThreads ?? 1;
  return rawAddon().info().threads;
}

let requestedThreads: number | null = null;

/** What the native addon reports (ISA, threads, version), or why it is unavailable. */
export function nativeInfo(): NativeInfo | { available: false; error: string } {
  const k = tryNative();
  if (!k) return { available: false, error: nativeError?.message ?? 'unknown error' };
  return (k as Kernels & { info: () => NativeInfo }).info();
}
