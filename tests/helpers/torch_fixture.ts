// Shared pieces of the tests that compare against PyTorch fixtures (tests/fixtures/*_torch.json): the
// flat tensor records the fixture scripts write, the backends this machine can run, and tensors made
// from the records.
import { afterAll } from 'vitest';
import { getBackend, setBackend, tensor, type BackendName, type Tensor } from '../../src/index.js';

/** A tensor as the fixture scripts write it: its shape and its values in row-major order. */
export interface Flat {
  shape: number[];
  data: number[];
}

/** 'reference', and 'native' when the addon loads (the active backend is left as it was). */
function runnableBackends(): BackendName[] {
  const before = getBackend();
  try {
    setBackend('native');
    return ['reference', 'native'];
  } catch {
    return ['reference'];
  } finally {
    setBackend(before);
  }
}

/** The backends to run fixture cases on; restores the backend the file started with after its tests. */
export function fixtureBackends(): BackendName[] {
  const initial = getBackend();
  afterAll(() => setBackend(initial));
  return runnableBackends();
}

/** A float tensor with a fixture record's shape and values. */
export const fixtureTensor = (f: Flat, dtype: 'float32' | 'float64', grad = false): Tensor =>
  tensor(dtype === 'float32' ? Float32Array.from(f.data) : Float64Array.from(f.data), { shape: f.shape, dtype, requiresGrad: grad });
