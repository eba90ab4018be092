// Optimizer base: parameter groups with their own options, per-parameter state, zeroGrad, and the
// step(closure) contract of PyTorch. Subclasses implement `update(group)` for one group.

import { ArgumentError, ShapeError } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { enableGrad, noGrad } from '../engine.js';
import { clone } from '../ops/layout.js';
import { Tensor } from '../tensor.js';

/**
 * One entry of an optimizer's per-parameter state: a tensor (moments, buffers), a number (step counts), null
 * (not yet set), or a list of tensors and numbers (L-BFGS's history).
 */
export type StateValue = Tensor | number | null | (Tensor | number)[];

/** Optimizer state as PyTorch's state_dict(): per-parameter state by index, and the groups' options. */
export interface OptimizerStateDict<O> {
  state: Record<number, Record<string, StateValue>>;
  paramGroups: (O & { params: number[] })[];
}

export type ParamGroup<O> = O & { params: Tensor[] };
export type ParamsArg<O> = Iterable<Tensor> | readonly (Partial<O> & { params: Iterable<Tensor> })[];

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts). */
  readonly state = new Map<Tensor, Record<string, StateValue>>();

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

  /**
   * A snapshot of the optimizer (PyTorch's state_dict()): parameters are numbered in group order; state
   * tensors are copies, so later steps do not change the snapshot.
   */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, Record<string, StateValue>> = {};
    const copy = (v: StateValue): StateValue => (v instanceof Tensor ? clone(v) : Array.isArray(v) ? v.map((x) => (x instanceof Tensor ? clone(x) : x)) : v);
    const paramGroups: (O & { params: number[] })[] = [];
    let index = 0;
    noGrad(() => {
      for (const g of this.paramGroups) {
        const ids: number[] = [];
        for (const p of g.params) {
          const s = this.state.get(p);
          if (s) state[index] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, copy(v)]));
          ids.push(index++);
        }
        const { params: _params, ...options } = g;
        paramGroups.push({ ...(structuredClone(options) as unknown as O), params: ids });
      }
    });
    return { state, paramGroups };
  }

  /**
   * Restores a stateDict() of an optimizer over parameters of the same shapes in the same group layout
   * (PyTorch's load_state_dict): group options and per-parameter state are copied in; a mismatch is an
   * error naming the group or parameter, and nothing is changed.
   */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (typeof sd !== 'object' || sd === null || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) {
      throw new ArgumentError(this.name, 'stateDict', 'must be { state, paramGroups } as returned by stateDict()');
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(this.name, 'stateDict', `has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups: ParamGroup<O>[] = [];
    sd.paramGroups.forEach((sg, gi) => {
      const g = this.paramGroups[gi]!;
      if (!Array.isArray(sg.params) || sg.params.length !== g.params.length) {
        throw new ArgumentError(this.name, `stateDict.paramGroups[${gi}]`, `has ${String(sg.params?.length)} parameters, the optimizer's group has ${g.params.length}`);
      }
      sg.params.forEach((id, k) => byIndex.set(id, g.params[k]!));
      const { params: _params, ...options } = sg;
      const full = { ...this.defaults, ...(structuredClone(options) as object), params: g.params } as ParamGroup<O>;
      this.validate(full);
      groups.push(full);
    });
    const next = new Map<Tensor, Record<string, StateValue>>();
    noGrad(() => {
      for (const [key, entry] of Object.entries(sd.state)) {
        const p = byIndex.get(Number(key));
        if (!p) throw new ArgumentError(this.name, `stateDict.state[${key}]`, 'names no parameter of the parameter groups');
        const copy: Record<string, StateValue> = {};
        const item = (where: string, v: unknown): Tensor | number => {
          if (v instanceof Tensor) {
            this.checkStateTensor(where, v, p);
            return clone(v.dtype === p.dtype ? v : v.to(p.dtype));
          }
          if (typeof v === 'number') return v;
          throw new ArgumentError(this.name, where, `must be a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
        };
        for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
          const where = `stateDict.state[${key}].${k}`;
          copy[k] = v === null ? null : Array.isArray(v) ? v.map((x, i) => item(`${where}[${i}]`, x)) : item(where, v);
        }
        next.set(p, copy);
      }
    });
    groups.forEach((g, i) => (this.paramGroups[i] = g));
    this.state.clear();
    for (const [p, s] of next) this.state.set(p, s);
  }

  /**
   * Checks a state tensor of parameter p that loadStateDict is about to copy in (throws ShapeError). The
   * default wants p's shape or a single element; optimizers with other state (L-BFGS) override it.
   * Public so that checkpoint readers can validate before loading anything.
   */
  checkStateTensor(where: string, v: Tensor, p: Tensor): void {
    if (!shapesEqual(v.shape, p.shape) && v.numel() !== 1) {
      throw new ShapeError(this.name, where, 'must have the shape of its parameter', { state: v.shape, param: p.shape });
    }
  }

  protected stateOf(p: Tensor): Record<string, StateValue> {
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
