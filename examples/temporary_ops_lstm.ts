// TEMPORARY: a single-layer, batch-first LSTM composed from public ops (matmul, sigmoid, tanh, narrow,
// stack), with nn.LSTM's equations, parameter names and initialisation. It exists only so that
// `npm run demo:charlm -- --ops-lstm` can run (and cross-check nn.LSTM) while nn.LSTM's native kernels
// are not available; the demo uses nn.LSTM by default. Delete it once nn.LSTM is fast everywhere.

import { Tensor, add, matmul, mul, narrow, nn, noGrad, reshape, select, sigmoid, stack, tanh, zeros } from '../src/index.js';

export class TemporaryOpsLSTM extends nn.Module<[Tensor, ([Tensor, Tensor] | null)?], [Tensor, [Tensor, Tensor]]> {
  weight_ih_l0: nn.Parameter;
  weight_hh_l0: nn.Parameter;
  bias_ih_l0: nn.Parameter;
  bias_hh_l0: nn.Parameter;

  constructor(readonly inputSize: number, readonly hiddenSize: number) {
    super();
    const H = hiddenSize;
    this.weight_ih_l0 = new nn.Parameter(zeros([4 * H, inputSize]));
    this.weight_hh_l0 = new nn.Parameter(zeros([4 * H, H]));
    this.bias_ih_l0 = new nn.Parameter(zeros([4 * H]));
    this.bias_hh_l0 = new nn.Parameter(zeros([4 * H]));
    const k = 1 / Math.sqrt(H);
    noGrad(() => {
      for (const p of this.parameters()) nn.init.uniform_(p, -k, k);
    });
  }

  /** input [B, T, inputSize] → output [B, T, H] and the last [hN, cN], each [1, B, H] (nn.LSTM's layout). */
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [B, T, E] = input.shape as [number, number, number];
    const H = this.hiddenSize;
    // The input projection of every step in one product, both biases folded in.
    const xw = reshape(add(matmul(reshape(input, [B * T, E]), this.weight_ih_l0.t()), add(this.bias_ih_l0, this.bias_hh_l0)), [B, T, 4 * H]);
    let h: Tensor = hx ? reshape(hx[0], [B, H]) : zeros([B, H]);
    let c: Tensor = hx ? reshape(hx[1], [B, H]) : zeros([B, H]);
    const whhT = this.weight_hh_l0.t();
    const outs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const g = add(select(xw, 1, t), matmul(h, whhT));
      const i = sigmoid(narrow(g, 1, 0, H));
      const f = sigmoid(narrow(g, 1, H, H));
      const gg = tanh(narrow(g, 1, 2 * H, H));
      const o = sigmoid(narrow(g, 1, 3 * H, H));
      c = add(mul(f, c), mul(i, gg));
      h = mul(o, tanh(c));
      outs.push(h);
    }
    return [stack(outs, 1), [reshape(h, [1, B, H]), reshape(c, [1, B, H])]];
  }
}
