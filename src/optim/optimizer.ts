// Optimizer base: parameter groups with their own options, per-parameter state, zeroGrad, and the
// step(closure) contract of PyTorch. Subclasses implement `update(group)` for one group.

import { ArgumentError } from '../core/errors.js';
import { enableGrad, noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';

export type ParamGroup<O> = O & { params: Tensor[] };
export type ParamsArg<O> = Iterable<Tensor> | readonly (Partial<O> & { params: Iterable<Tensor> })[];

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts). */
  readonly state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(
    readonly name: string,
    params: ParamsArg<O>,
    readonly defaults: O,
  ) {
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ArgumentError(name, 'params', 'is an empty list: the optimizer has nothing to optimize');
    const groups = (list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : list) as (Partial<O> & { params: Iterable<Tensor> })[];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; options it does not set come from the defaults. */
  addParamGroup(group: Partial<O> & { params: Iterable<Tensor> }): void {
    if (typeof group !== 'object' || group === null || !('params' in group)) throw new ArgumentError(this.name, 'paramGroup', 'must be an object with params');
    const params = [...group.params];
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(this.name, `params[${i}]`, 'must be a Tensor');
      if (!p.isLeaf) throw new ArgumentError(this.name, `params[${i}]`, "can't optimize a non-leaf Tensor");
    });
    if (new Set(params).size !== params.length) {
      // NOTE: PyTorch warns and would update such a parameter twice per step; refusing is safer.
      throw new ArgumentError(this.name, 'params', 'contains the same parameter more than once');
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) if (seen.has(p)) throw new ArgumentError(this.name, 'params', 'some parameters appear in more than one parameter group');
    const known = new Set(['params', ...Object.keys(this.defaults)]);
    for (const k of Object.keys(group)) if (!known.has(k)) throw new ArgumentError(this.name, `option '${k}'`, `is not a known option (known: ${[...known].join(', ')})`);
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Checks one group's options; throws ArgumentError naming the bad one. */
  protected abstract validate(group: ParamGroup<O>): void;
  /** Applies one update to the parameters of a group that have gradients. */
  protected abstract update(group: ParamGroup<O>): void;

  /** Sets gradients to null (setToNone, the default) or to zero. */
  zeroGrad(setToNone = true): void {
    noGrad(() => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (p.grad === null) continue;
          if (setToNone) p.grad = null;
          else p.grad = Tensor.zeros(p.shape, p.dtype);
        }
      }
    });
  }

  /** One optimisation step. A closure re-evaluates the loss (needed by L-BFGS); its loss is returned. */
  step(closure?: () => Tensor): Tensor | undefined {
    let loss: Tensor | undefined;
    if (closure) loss = enableGrad(closure);
    noGrad(() => {
      for (const g of this.paramGroups) this.update(g);
    });
    return loss;
  }

  protected stateOf(p: Tensor): Record<string, Tensor | number> {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }
}

export function checkNonNegative(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new ArgumentError(op, name, `must be a non-negative number, got ${String(v)}`);
}
