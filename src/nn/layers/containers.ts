// Containers: Sequential (keys '0', '1', ... or given names, as PyTorch) and ModuleList.

import { ArgumentError } from '../../core/errors.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';

type AnyModule = Module<never, unknown>;

export class Sequential extends Module {
  private readonly layers: AnyModule[] = [];
  /** `new Sequential(a, b, c)` or `new Sequential({ conv: a, act: b })`. */
  constructor(...modules: AnyModule[] | [Record<string, AnyModule>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [k, m] of Object.entries(first as Record<string, AnyModule>)) this.append(m, k);
    } else {
      for (const m of modules as AnyModule[]) this.append(m);
    }
  }
  append(module: AnyModule, name?: string): this {
    if (!(module instanceof Module)) throw new ArgumentError('Sequential', 'module', `must be an nn.Module, got ${typeof module}`);
    this.registerModule(name ?? String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }
  get length(): number {
    return this.layers.length;
  }
  at(i: number): AnyModule {
    const m = this.layers.at(i);
    if (!m) throw new ArgumentError('Sequential', 'index', `${i} is out of range for ${this.layers.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return this.layers[Symbol.iterator]();
  }
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.layers) x = (m as unknown as Module<[unknown], unknown>).forward(x);
    return x as Tensor;
  }
}

export class ModuleList<M extends AnyModule = AnyModule> extends Module<[], never> {
  private readonly items: M[] = [];
  constructor(modules: readonly M[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(module: M): this {
    if (!(module instanceof Module)) throw new ArgumentError('ModuleList', 'module', `must be an nn.Module, got ${typeof module}`);
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new ArgumentError('ModuleList', 'index', `${i} is out of range for ${this.items.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new ArgumentError('ModuleList', 'forward', 'is not defined: iterate over the list and call each module');
  }
}
