// Loss modules (nn.MSELoss, nn.CrossEntropyLoss, ...) wrapping the functional losses with their options.

import type { Tensor } from '../../tensor.js';
import * as Loss from '../../ops/loss.js';
import { Module } from '../module.js';

type Pair = [input: Tensor, target: Tensor];

export class MSELoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.mseLoss(input, target, this.options); }
}
export class L1Loss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.l1Loss(input, target, this.options); }
}
export class SmoothL1Loss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions & { beta?: number } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.smoothL1Loss(input, target, this.options); }
}
export class HuberLoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions & { delta?: number } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.huberLoss(input, target, this.options); }
}
export class BCELoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions & { weight?: Tensor | null } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.binaryCrossEntropy(input, target, this.options); }
}
export class BCEWithLogitsLoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.binaryCrossEntropyWithLogits(input, target, this.options); }
}
export class CrossEntropyLoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.CrossEntropyOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.crossEntropy(input, target, this.options); }
}
export class NLLLoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: Loss.NllOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.nllLoss(input, target as Tensor<'int32'>, this.options); }
}
export class KLDivLoss extends Module<Pair, Loss.LossTensor> {
  constructor(readonly options: { reduction?: Loss.Reduction | 'batchmean'; logTarget?: boolean } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Loss.LossTensor { return Loss.klDiv(input, target, this.options); }
}
