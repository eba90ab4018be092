// Shared pieces of the model zoo: option checking and torchvision's weight initialisation loops.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { BatchNorm2d } from '../nn/layers/norm.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import type { Module } from '../nn/module.js';
import { constant_, kaimingNormal_, normal_, truncNormal_ } from '../nn/init.js';

/** The options every classification model takes. */
export interface ClassifierOptions {
  /** Output classes (default 1000, ImageNet; LeNet: 10). */
  numClasses?: number;
  /** Input image channels (default 3; LeNet: 1). */
  inChannels?: number;
  /**
   * The small-input variant for 28x28 / 32x32 images (MNIST, CIFAR): a stride-1 stem and fewer
   * downsamplings, as each model's documentation says (default false: torchvision's ImageNet model).
   * The stateDict keys stay torchvision's; some shapes (stem, classifier) differ.
   */
  smallInput?: boolean;
}

export function positiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ArgumentError(op, arg, `must be a positive integer, got ${String(v)}`);
  return v;
}

export function probability(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ArgumentError(op, arg, `must be a probability in [0, 1], got ${String(v)}`);
  return v;
}

export function flag(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(op, arg, `must be a boolean, got ${typeof v}`);
  return v;
}

/** Checks option names and the three shared options; returns them with their defaults filled in. */
export function classifierOptions(
  op: string, options: object | undefined, allowed: readonly string[], defaults: { numClasses: number; inChannels: number },
): { numClasses: number; inChannels: number; smallInput: boolean } {
  checkOptions(op, options, ['numClasses', 'inChannels', 'smallInput', ...allowed]);
  const o = (options ?? {}) as ClassifierOptions;
  return {
    numClasses: positiveInt(op, 'numClasses', o.numClasses ?? defaults.numClasses),
    inChannels: positiveInt(op, 'inChannels', o.inChannels ?? defaults.inChannels),
    smallInput: flag(op, 'smallInput', o.smallInput ?? false),
  };
}

type AnyModule = Module<never, unknown>;

/**
 * torchvision's VGG / ResNet initialisation: convolutions kaiming-normal (fan_out, relu) with zero bias,
 * BatchNorm weight 1 and bias 0, and (VGG only, `linearStd`) Linear weights N(0, std²) with zero bias.
 */
export function initKaimingFanOut(model: AnyModule, linearStd: number | null): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d) {
      kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      if (m.bias) constant_(m.bias, 0);
    } else if (m instanceof BatchNorm2d) {
      if (m.weight) constant_(m.weight, 1);
      if (m.bias) constant_(m.bias, 0);
    } else if (m instanceof Linear && linearStd !== null) {
      normal_(m.weight, 0, linearStd);
      if (m.bias) constant_(m.bias, 0);
    }
  }
}

/** torchvision's GoogLeNet initialisation: conv and Linear weights truncated N(0, 0.01²) on [−2, 2]; BN 1 / 0. */
export function initTruncNormal(model: AnyModule): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d || m instanceof Linear) {
      truncNormal_(m.weight, 0, 0.01, -2, 2);
    } else if (m instanceof BatchNorm2d) {
      if (m.weight) constant_(m.weight, 1);
      if (m.bias) constant_(m.bias, 0);
    }
  }
}
