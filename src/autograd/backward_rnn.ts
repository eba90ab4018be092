// Backward rule of the rnnLayer primitive, too long for the table in derivatives.ts. When the backward
// pass is not recorded, the fused rnnBackward kernel gives every gradient at once; when it is
// (createGraph), the layer is rebuilt from public differentiable ops (ops/rnn.ts rnnLayerComposite) and
// differentiated by a nested sweep, so gradients of gradients are exact.

import { isGradEnabled } from '../engine.js';
import type { RnnLayerAttrs } from '../primitives.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../ops/creation.js';
import { clone } from '../ops/layout.js';
import { rnnLayerBackward, rnnLayerComposite } from '../ops/rnn.js';

interface Saved {
  grad: Tensor;
  attrs: RnnLayerAttrs;
  needs: readonly boolean[];
  input(i: number): Tensor;
}
type Thunk = (() => Tensor) | null;
/** backward.ts's sweep (its SweepOptions, spelt out here so that this module does not import it). */
type Sweep = (
  op: string, roots: readonly Tensor[], grads: readonly (Tensor | null | undefined)[],
  options: { retainGraph: boolean; createGraph: boolean; capture?: readonly Tensor[] },
) => (Tensor | null)[];

// NOTE: backward.ts hands its sweep over when it loads (it imports this module through derivatives.ts,
// so importing it back would be a cycle).
let nestedSweep: Sweep | null = null;
export function installRnnSweep(fn: Sweep): void {
  nestedSweep = fn;
}

/** Runs `make` once, on the first thunk that needs it. */
function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v === undefined ? (v = make()) : v);
}

/** rnnLayer (inputs x, h0, (c0,) then per direction wIh, wHh (, bIh, bHh)). */
export function rnnLayerRule(c: Saved): Thunk[] {
  const n = c.needs.length;
  const inputs = (): Tensor[] => Array.from({ length: n }, (_, i) => c.input(i));
  if (!isGradEnabled()) {
    const fused = once(() => rnnLayerBackward(c.grad, inputs(), c.attrs, c.needs));
    return c.needs.map((_, i) => () => fused()[i]!);
  }
  const composite = once(() => {
    const xs = inputs();
    // Aliases (recorded clones) of the inputs that want a gradient: the nested sweep captures there, and
    // everything it builds stays connected to the originals through the clones.
    const aliases = xs.map((x, i) => (c.needs[i] ? clone(x) : x));
    const flat = rnnLayerComposite(aliases, c.attrs);
    const wanted = aliases.filter((_, i) => c.needs[i]);
    const got = nestedSweep!('rnnLayer', [flat], [c.grad], { retainGraph: true, createGraph: true, capture: wanted });
    const out: (Tensor | null)[] = xs.map(() => null);
    let k = 0;
    xs.forEach((x, i) => {
      if (c.needs[i]) out[i] = got[k++] ?? zeros(x.shape as number[], { dtype: x.dtype });
    });
    return out;
  });
  return c.needs.map((_, i) => () => composite()[i]!);
}
