// Recurrent layers with PyTorch's equations, gate order, parameter names and initialisation: nn.RNN
// (tanh/relu), nn.LSTM, nn.GRU (numLayers, bias, batchFirst, dropout between layers, bidirectional,
// initial states, variable-length batches) and the cells nn.RNNCell, nn.LSTMCell, nn.GRUCell; plus the
// functional forms F.rnn, F.lstm, F.gru over explicit weight lists. The work is done by ops/rnn.ts.

import { ArgumentError, ShapeError, DTypeError, checkOptions } from '../../core/errors.js';
import { fmt } from '../../core/shape.js';
import { rnnGates, type RnnMode } from '../../kernels/spec.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../../ops/creation.js';
import { assertTensor } from '../../ops/helpers.js';
import { reshape, select, unsqueeze } from '../../ops/layout.js';
import { planRnn, rnnLayer, runRnn, type RnnLengths, type RnnOptions } from '../../ops/rnn.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_, type InitOptions } from '../init.js';
import { dropout as dropoutFn } from './dropout.js';

/** Options of nn.LSTM / nn.GRU (PyTorch's constructor arguments). */
export interface RnnModuleOptions extends InitOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Biases bias_ih and bias_hh per layer and direction (default true). */
  bias?: boolean;
  /** Input and output are [B, T, features] (default false: [T, B, features]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** A second, time-reversed direction per layer; outputs are concatenated (default false). */
  bidirectional?: boolean;
  dtype?: 'float32' | 'float64';
}
/** Options of nn.RNN: RnnModuleOptions plus the nonlinearity (default 'tanh'). */
export interface RNNOptions extends RnnModuleOptions {
  nonlinearity?: 'tanh' | 'relu';
}
/** Per-call options of the modules' forward. */
export interface RnnForwardOptions {
  /** Valid steps of each batch row (PyTorch's pack_padded_sequence, enforce_sorted=false): later outputs are 0, hN is each row's last state. */
  lengths?: RnnLengths;
}
/** Options of the cells. */
export interface RnnCellOptions extends InitOptions {
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

const MODULE_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'generator'];

function checkSize(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ArgumentError(op, name, `must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** The shared machinery of nn.RNN, nn.LSTM and nn.GRU: parameters under PyTorch's names, in PyTorch's order. */
export abstract class RNNBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Parameter names in PyTorch's _flat_weights order. */
  readonly flatWeightsNames: readonly string[];

  constructor(readonly mode: RnnMode, readonly inputSize: number, readonly hiddenSize: number, options: RnnModuleOptions | undefined, op: string, extraKeys: readonly string[] = []) {
    super();
    checkOptions(op, options, [...MODULE_KEYS, ...extraKeys]);
    checkSize(op, 'inputSize', inputSize, 0);
    checkSize(op, 'hiddenSize', hiddenSize, 1);
    this.numLayers = checkSize(op, 'numLayers', options?.numLayers ?? 1, 1);
    this.bias = options?.bias ?? true;
    this.batchFirst = options?.batchFirst ?? false;
    this.bidirectional = options?.bidirectional ?? false;
    const p = options?.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(op, 'dropout', `must be a probability in [0, 1], got ${String(p)}`);
    this.dropout = p;
    for (const [k, v] of [['bias', this.bias], ['batchFirst', this.batchFirst], ['bidirectional', this.bidirectional]] as const) {
      if (typeof v !== 'boolean') throw new ArgumentError(op, k, `must be a boolean, got ${typeof v}`);
    }
    const dtype = options?.dtype ?? 'float32';
    const G = rnnGates(mode);
    const D = this.bidirectional ? 2 : 1;
    const names: string[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : D * hiddenSize;
        const shapes: [string, number[]][] = [[`weight_ih${suffix}`, [G * hiddenSize, inSize]], [`weight_hh${suffix}`, [G * hiddenSize, hiddenSize]]];
        if (this.bias) shapes.push([`bias_ih${suffix}`, [G * hiddenSize]], [`bias_hh${suffix}`, [G * hiddenSize]]);
        for (const [name, shape] of shapes) {
          this.registerParameter(name, new Parameter(zeros(shape, { dtype })) as Parameter);
          names.push(name);
        }
      }
    }
    this.flatWeightsNames = names;
    this.resetParameters(options);
  }

  /** PyTorch's init: every weight and bias U(−1/√hiddenSize, 1/√hiddenSize), in parameter order. */
  resetParameters(options?: InitOptions): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.flatWeights()) uniform_(p, -bound, bound, options);
  }

  /** The parameters in PyTorch's _flat_weights order. */
  flatWeights(): Parameter[] {
    const byName = new Map(this.namedParameters('', false));
    return this.flatWeightsNames.map((n) => byName.get(n)!);
  }

  protected run(input: Tensor, hx: Tensor | null | undefined, cx: Tensor | null | undefined, options: RnnForwardOptions | undefined, op: string): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    checkOptions(op, options, ['lengths']);
    const o: RnnOptions = { numLayers: this.numLayers, bias: this.bias, batchFirst: this.batchFirst, bidirectional: this.bidirectional };
    if (options?.lengths !== undefined) o.lengths = options.lengths;
    const params = this.flatWeights();
    const { plan, h0, c0, x } = planRnn(op, this.mode, input, hx, cx, params, o);
    const drop = this.training && this.dropout > 0 && this.numLayers > 1 ? (t: Tensor): Tensor => dropoutFn(t, this.dropout, true) : null;
    return runRnn(plan, x, h0, c0, params, drop);
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/**
 * A multi-layer Elman RNN, h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh) (or relu), as PyTorch's nn.RNN.
 * forward(input, h0?, { lengths? }) returns [output, hN]: output [T, B, D·H] ([B, T, D·H] with batchFirst),
 * hN [numLayers·D, B, H]; an unbatched [T, I] input gives unbatched results.
 *
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(randn([5, 3, 10]));   // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RNNBase<[Tensor, (Tensor | null)?, RnnForwardOptions?], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError('RNN', 'nonlinearity', `must be 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, options, 'RNN', ['nonlinearity']);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx?: Tensor | null, options?: RnnForwardOptions): [Tensor, Tensor] {
    const r = this.run(input, hx, null, options, 'RNN');
    return [r.output, r.hN];
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : '');
  }
}

/**
 * A multi-layer LSTM with PyTorch's equations and gate order (i, f, g, o): c' = f⊙c + i⊙g, h' = o⊙tanh(c').
 * forward(input, [h0, c0]?, { lengths? }) returns [output, [hN, cN]]; shapes as nn.RNN.
 *
 * @example
 * const lstm = new nn.LSTM(8, 16, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(randn([4, 7, 8]), undefined, { lengths: [7, 3, 5, 1] });
 */
export class LSTM extends RNNBase<[Tensor, ([Tensor, Tensor] | null)?, RnnForwardOptions?], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, options?: RnnModuleOptions) {
    super('lstm', inputSize, hiddenSize, options, 'LSTM');
  }
  forward(input: Tensor, hx?: [Tensor, Tensor] | null, options?: RnnForwardOptions): [Tensor, [Tensor, Tensor]] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ArgumentError('LSTM', 'hx', 'must be a pair [h0, c0] of tensors');
    }
    const r = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null, options, 'LSTM');
    return [r.output, [r.hN, r.cN!]];
  }
}

/**
 * A multi-layer GRU with PyTorch's equations and gate order (r, z, n), the reset gate applied to the hidden
 * projection plus its bias: n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)), h' = (1 − z)⊙n + z⊙h.
 * forward(input, h0?, { lengths? }) returns [output, hN]; shapes as nn.RNN.
 */
export class GRU extends RNNBase<[Tensor, (Tensor | null)?, RnnForwardOptions?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options?: RnnModuleOptions) {
    super('gru', inputSize, hiddenSize, options, 'GRU');
  }
  forward(input: Tensor, hx?: Tensor | null, options?: RnnForwardOptions): [Tensor, Tensor] {
    const r = this.run(input, hx, null, options, 'GRU');
    return [r.output, r.hN];
  }
}

// ---- cells ---------------------------------------------------------------------------------------------

abstract class RNNCellBase<In extends unknown[], Out> extends Module<In, Out> {
  weight_ih: Parameter<'float32' | 'float64'>;
  weight_hh: Parameter<'float32' | 'float64'>;
  bias_ih: Parameter<'float32' | 'float64'> | null;
  bias_hh: Parameter<'float32' | 'float64'> | null;
  readonly bias: boolean;
  constructor(readonly mode: RnnMode, readonly inputSize: number, readonly hiddenSize: number, options: RnnCellOptions | undefined, readonly op: string, extraKeys: readonly string[] = []) {
    super();
    checkOptions(op, options, ['bias', 'dtype', 'generator', ...extraKeys]);
    checkSize(op, 'inputSize', inputSize, 0);
    checkSize(op, 'hiddenSize', hiddenSize, 1);
    this.bias = options?.bias ?? true;
    if (typeof this.bias !== 'boolean') throw new ArgumentError(op, 'bias', `must be a boolean, got ${typeof this.bias}`);
    const dtype = options?.dtype ?? 'float32';
    const GH = rnnGates(mode) * hiddenSize;
    this.weight_ih = new Parameter(zeros([GH, inputSize], { dtype }));
    this.weight_hh = new Parameter(zeros([GH, hiddenSize], { dtype }));
    this.bias_ih = this.bias ? new Parameter(zeros([GH], { dtype })) : null;
    this.bias_hh = this.bias ? new Parameter(zeros([GH], { dtype })) : null;
    this.resetParameters(options);
  }
  /** PyTorch's init: every weight and bias U(−1/√hiddenSize, 1/√hiddenSize). */
  resetParameters(options?: InitOptions): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of [this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh]) if (p) uniform_(p, -bound, bound, options);
  }
  /** One step: x [B, I] or [I], states [B, H] or [H] (zeros when absent). */
  protected step(input: Tensor, hx: Tensor | null | undefined, cx: Tensor | null | undefined): { h: Tensor; c: Tensor | null } {
    const op = this.op;
    assertTensor(op, 'input', input);
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(op, 'input', `must be 1-D or 2-D, got ${fmt(input.shape)}`, { input: input.shape });
    if (input.dtype !== this.weight_ih.dtype) throw new DTypeError(op, 'input', `must have the weights' dtype ${this.weight_ih.dtype}, got ${input.dtype}`);
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const [B, I] = x.shape as [number, number];
    if (I !== this.inputSize) throw new ShapeError(op, 'input', `must have ${this.inputSize} features (inputSize), got ${fmt(input.shape)}`, { input: input.shape });
    const H = this.hiddenSize;
    const state = (arg: string, t: Tensor | null | undefined): Tensor => {
      if (t === undefined || t === null) return zeros([1, B, H], { dtype: x.dtype });
      assertTensor(op, arg, t);
      const want = batched ? [B, H] : [H];
      if (t.ndim !== want.length || t.shape.some((s, i) => s !== want[i])) {
        throw new ShapeError(op, arg, `must have size ${fmt(want)}, got ${fmt(t.shape)}`, { input: input.shape, [arg]: t.shape });
      }
      if (t.dtype !== x.dtype) throw new DTypeError(op, arg, `must have the input's dtype ${x.dtype}, got ${t.dtype}`);
      return reshape(t, [1, B, H]);
    };
    const h0 = state('hx', hx);
    const c0 = this.mode === 'lstm' ? state('cx', cx) : null;
    const r = rnnLayer(this.mode, unsqueeze(x, 0), h0, c0, [{ wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh }], false, null);
    const out = (t: Tensor): Tensor => (batched ? select(t, 0, 0) : reshape(t, [H]));
    return { h: out(r.hN), c: r.cN === null ? null : out(r.cN) };
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** An Elman RNN cell (PyTorch's nn.RNNCell): h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh) (or relu). forward(x, h?) → h'. */
export class RNNCell extends RNNCellBase<[Tensor, (Tensor | null)?], Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: RnnCellOptions & { nonlinearity?: 'tanh' | 'relu' }) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError('RNNCell', 'nonlinearity', `must be 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, options, 'RNNCell', ['nonlinearity']);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx, null).h;
  }
}

/** An LSTM cell (PyTorch's nn.LSTMCell, gates i, f, g, o). forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends RNNCellBase<[Tensor, ([Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options?: RnnCellOptions) {
    super('lstm', inputSize, hiddenSize, options, 'LSTMCell');
  }
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError('LSTMCell', 'hx', 'must be a pair [h, c] of tensors');
    const r = this.step(input, hx?.[0], hx?.[1]);
    return [r.h, r.c!];
  }
}

/** A GRU cell (PyTorch's nn.GRUCell, gates r, z, n). forward(x, h?) → h'. */
export class GRUCell extends RNNCellBase<[Tensor, (Tensor | null)?], Tensor> {
  constructor(inputSize: number, hiddenSize: number, options?: RnnCellOptions) {
    super('gru', inputSize, hiddenSize, options, 'GRUCell');
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx, null).h;
  }
}

// ---- functional forms ------------------------------------------------------------------------------------

function functional(op: string, mode: RnnMode, input: Tensor, hx: Tensor | null | undefined, cx: Tensor | null | undefined, params: readonly Tensor[], o: RnnOptions | undefined): { output: Tensor; hN: Tensor; cN: Tensor | null } {
  if (!Array.isArray(params)) throw new ArgumentError(op, 'params', 'must be an array of tensors');
  const { plan, h0, c0, x } = planRnn(op, mode, input, hx, cx, params, o);
  const p = o?.dropout ?? 0;
  const drop = o?.training === true && p > 0 ? (t: Tensor): Tensor => dropoutFn(t, p, true) : null;
  return runRnn(plan, x, h0, c0, params, drop);
}

/**
 * A multi-layer LSTM over explicit weights (PyTorch's torch.lstm): `params` per layer and direction
 * wIh, wHh (, bIh, bHh), the order of nn.LSTM's flatWeights(). Returns [output, [hN, cN]].
 */
export function lstm(input: Tensor, hx: [Tensor, Tensor] | null | undefined, params: readonly Tensor[], options?: RnnOptions): [Tensor, [Tensor, Tensor]] {
  const r = functional('lstm', 'lstm', input, hx?.[0], hx?.[1], params, options);
  return [r.output, [r.hN, r.cN!]];
}
/** A multi-layer GRU over explicit weights (PyTorch's torch.gru); see {@link lstm}. Returns [output, hN]. */
export function gru(input: Tensor, hx: Tensor | null | undefined, params: readonly Tensor[], options?: RnnOptions): [Tensor, Tensor] {
  const r = functional('gru', 'gru', input, hx, null, params, options);
  return [r.output, r.hN];
}
/** A multi-layer Elman RNN over explicit weights (torch.rnn_tanh / rnn_relu); see {@link lstm}. Returns [output, hN]. */
export function rnn(input: Tensor, hx: Tensor | null | undefined, params: readonly Tensor[], options?: RnnOptions & { nonlinearity?: 'tanh' | 'relu' }): [Tensor, Tensor] {
  const nl = options?.nonlinearity ?? 'tanh';
  if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError('rnn', 'nonlinearity', `must be 'tanh' or 'relu', got ${String(nl)}`);
  let o: RnnOptions | undefined;
  if (options !== undefined) {
    const { nonlinearity: _, ...rest } = options;
    o = rest;
  }
  const r = functional('rnn', nl === 'tanh' ? 'rnnTanh' : 'rnnRelu', input, hx, null, params, o);
  return [r.output, r.hN];
}
