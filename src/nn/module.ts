// nn.Module: the base of every layer and model. Parameters and submodules are found from the
// instance's own properties in assignment order (`this.fc1 = new Linear(...)`), or registered under
// an explicit PyTorch name (`registerParameter('weight_ih_l0', p)`, `registerBuffer('running_mean', t)`),
// so stateDict keys match PyTorch's `state_dict()`.

import { ArgumentError, ShapeError, checkOptions } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { copy_ } from '../ops/inplace.js';
import { detach } from '../ops/layout.js';
import { Parameter } from './parameter.js';

interface BufferEntry {
  tensor: Tensor | null;
  persistent: boolean;
}

const INTERNAL = new Set(['training', 'registeredParameters', 'registeredBuffers', 'registeredModules']);

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Train mode (dropout active, batch statistics used); see train() / eval(). */
  training = true;
  private readonly registeredParameters = new Map<string, Parameter | null>();
  private readonly registeredBuffers = new Map<string, BufferEntry>();
  private readonly registeredModules = new Map<string, Module<never, unknown> | null>();

  abstract forward(...args: In): Out;

  /** Runs forward (PyTorch's `module(x)`). */
  call(...args: In): Out {
    return this.forward(...args);
  }

  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', name);
    if (param !== null && !(param instanceof Parameter)) throw new ArgumentError('registerParameter', 'param', `must be an nn.Parameter or null, got ${typeof param}`);
    this.registeredParameters.set(name, param);
  }
  /** A tensor that is state but not trained (running statistics); persistent ones go into stateDict. */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName('registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new ArgumentError('registerBuffer', 'tensor', 'must be a Tensor or null');
    this.registeredBuffers.set(name, { tensor, persistent });
  }
  registerModule(name: string, module: Module<never, unknown> | null): void {
    checkName('registerModule', name);
    if (module !== null && !(module instanceof Module)) throw new ArgumentError('registerModule', 'module', 'must be an nn.Module or null');
    this.registeredModules.set(name, module);
  }
  addModule(name: string, module: Module<never, unknown> | null): void {
    this.registerModule(name, module);
  }
  /** Replaces a registered buffer's tensor (e.g. running statistics). */
  setBuffer(name: string, tensor: Tensor): void {
    const e = this.registeredBuffers.get(name);
    if (!e) throw new ArgumentError('setBuffer', 'name', `'${name}' is not a registered buffer`);
    e.tensor = tensor;
  }
  getBuffer(name: string): Tensor | null {
    return this.registeredBuffers.get(name)?.tensor ?? null;
  }

  private ownEntries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !INTERNAL.has(k));
  }

  /** Direct parameters, in order (properties first, then registered). */
  private ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [k, v] of this.ownEntries()) if (v instanceof Parameter) out.push([k, v]);
    for (const [k, v] of this.registeredParameters) if (v) out.push([k, v]);
    return out;
  }

  namedChildren(): [string, Module<never, unknown>][] {
    const out: [string, Module<never, unknown>][] = [];
    for (const [k, v] of this.ownEntries()) if (v instanceof Module) out.push([k, v as Module<never, unknown>]);
    for (const [k, v] of this.registeredModules) if (v) out.push([k, v]);
    return out;
  }
  children(): Module<never, unknown>[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, each once, with dotted names. */
  namedModules(prefix = ''): [string, Module<never, unknown>][] {
    const out: [string, Module<never, unknown>][] = [];
    const seen = new Set<Module<never, unknown>>();
    const walk = (m: Module<never, unknown>, p: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([p, m]);
      for (const [k, c] of m.namedChildren()) walk(c, p ? `${p}.${k}` : k);
    };
    walk(this as unknown as Module<never, unknown>, prefix);
    return out;
  }
  modules(): Module<never, unknown>[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name; a parameter shared by two modules appears once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const mods = recurse ? this.namedModules(prefix) : [[prefix, this as unknown as Module<never, unknown>] as [string, Module<never, unknown>]];
    for (const [mp, m] of mods) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([mp ? `${mp}.${k}` : k, p]);
      }
    }
    return out;
  }
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [mp, m] of this.namedModules(prefix)) {
      for (const [k, e] of m.registeredBuffers) if (e.tensor) out.push([mp ? `${mp}.${k}` : k, e.tensor]);
    }
    return out;
  }
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ArgumentError('train', 'mode', `must be a boolean, got ${typeof mode}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Sets every parameter's gradient to null (PyTorch's default set_to_none=True). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Calls fn on every submodule (children first) and this module. */
  apply(fn: (m: Module<never, unknown>) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as unknown as Module<never, unknown>);
    return this;
  }

  /**
   * Parameters and persistent buffers by PyTorch key (`fc1.weight`, `bn.running_mean`), as tensors that
   * share storage with the module (detached).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const walk = (m: Module<never, unknown>, p: string): void => {
      for (const [k, t] of m.ownParameters()) out[p + k] = detach(t);
      for (const [k, e] of m.registeredBuffers) if (e.tensor && e.persistent) out[p + k] = detach(e.tensor);
      for (const [k, c] of m.namedChildren()) walk(c, `${p}${k}.`);
    };
    walk(this as unknown as Module<never, unknown>, '');
    return out;
  }

  /** Copies values from `stateDict` into this module's parameters and buffers (shapes must match). */
  loadStateDict(stateDict: Record<string, Tensor> | Map<string, Tensor>, options?: { strict?: boolean }): LoadResult {
    checkOptions('loadStateDict', options, ['strict']);
    const strict = options?.strict ?? true;
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new ArgumentError('loadStateDict', 'stateDict', `does not match the module: missing keys [${missingKeys.join(', ')}], unexpected keys [${unexpectedKeys.join(', ')}]`);
    }
    for (const [k, dst] of Object.entries(own)) {
      const src = given.get(k);
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) throw new ArgumentError('loadStateDict', `stateDict['${k}']`, 'must be a Tensor');
      if (!shapesEqual(src.shape, dst.shape)) throw new ShapeError('loadStateDict', `stateDict['${k}']`, 'has the wrong shape', { expected: dst.shape, got: src.shape });
    }
    noGrad(() => {
      for (const [k, dst] of Object.entries(own)) {
        const src = given.get(k);
        if (src !== undefined) copy_(dst, src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Extra text for toString(), like PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function checkName(op: string, name: unknown): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ArgumentError(op, 'name', `must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }
}
