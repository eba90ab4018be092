// The model zoo against torchvision 0.14 (tests/fixtures/make_models_fixtures.py): every model's stateDict
// keys, shapes (BatchNorm buffers included) and parameter count equal torchvision's, built without random
// draws (nn.init.skipInit); a forward and backward pass on a small batch through each family's
// small-input variant; torchvision's initialisation; small models in torchvision's layout loaded from
// a file PyTorch wrote give PyTorch's outputs, in eval and train mode.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArgumentError, F, io, manualSeed, models, nn, noGrad, randn, tensor, type Tensor } from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/models_torchvision.json', import.meta.url), 'utf8')) as {
  models: Record<string, { params: number; keys: string[] }>;
};
const torchFile = fileURLToPath(new URL('../fixtures/models_torch.safetensors', import.meta.url));

type AnyModel = nn.Module;
const countParams = (m: AnyModel): number => m.parameters().reduce((a, p) => a + p.numel(), 0);
const keyShapes = (m: AnyModel): string[] => Object.entries(m.stateDict()).map(([k, v]) => `${k}:${v.shape.join(',')}`);
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);
const std = (t: Tensor): number => {
  const v = vals(t);
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

const BUILDERS: Record<string, () => AnyModel> = {
  alexnet: () => models.alexnet(),
  vgg11: () => models.vgg11(), vgg11_bn: () => models.vgg11Bn(), vgg13: () => models.vgg13(), vgg13_bn: () => models.vgg13Bn(),
  vgg16: () => models.vgg16(), vgg16_bn: () => models.vgg16Bn(), vgg19: () => models.vgg19(), vgg19_bn: () => models.vgg19Bn(),
  googlenet: () => models.googlenet(), googlenet_aux: () => models.googlenet({ auxLogits: true }),
  resnet18: () => models.resnet18(), resnet34: () => models.resnet34(), resnet50: () => models.resnet50(),
};
// torchvision's published counts (the num_params of each model's weights metadata).
const PUBLISHED: Record<string, number> = {
  alexnet: 61_100_840, vgg11: 132_863_336, vgg11_bn: 132_868_840, vgg13: 133_047_848, vgg13_bn: 133_053_736,
  vgg16: 138_357_544, vgg16_bn: 138_365_992, vgg19: 143_667_240, vgg19_bn: 143_678_248, googlenet: 6_624_904,
  resnet18: 11_689_512, resnet34: 21_797_672, resnet50: 25_557_032,
};

describe('stateDict keys, shapes and parameter counts equal torchvision 0.14', () => {
  it('the fixture covers every factory', () => {
    expect(Object.keys(fx.models).sort()).toEqual(Object.keys(BUILDERS).sort());
  });
  for (const [name, build] of Object.entries(BUILDERS)) {
    it(name, () => {
      const m = nn.init.skipInit(build);
      const want = fx.models[name]!;
      expect(keyShapes(m)).toEqual(want.keys);
      expect(countParams(m)).toBe(want.params);
      if (PUBLISHED[name] !== undefined) expect(countParams(m)).toBe(PUBLISHED[name]);
    });
  }
  it('numClasses and inChannels change only the first convolution and the last Linear', () => {
    const m = nn.init.skipInit(() => models.resnet18({ numClasses: 10, inChannels: 1 }));
    expect(countParams(m)).toBe(11_689_512 - (512 * 1000 + 1000) + (512 * 10 + 10) - 64 * 3 * 49 + 64 * 49);
    expect(m.stateDict()['conv1.weight']!.shape).toEqual([64, 1, 7, 7]);
    const v = nn.init.skipInit(() => models.vgg16({ numClasses: 7 }));
    expect(v.stateDict()['classifier.6.weight']!.shape).toEqual([7, 4096]);
    const small = nn.init.skipInit(() => models.resnet50({ smallInput: true }));
    expect(keyShapes(small).map((k) => k.split(':')[0])).toEqual(fx.models['resnet50']!.keys.map((k) => k.split(':')[0]));
    expect(small.stateDict()['conv1.weight']!.shape).toEqual([64, 3, 3, 3]);
  });
  it('LeNet-5 has 61,706 parameters (W5) and the keys of the torch fixture', () => {
    const m = models.lenet5();
    expect(countParams(m)).toBe(61_706);
    const torchKeys = Object.keys(io.load(torchFile).tensors).filter((k) => k.startsWith('lenet.') && !k.includes('.out.')).map((k) => k.slice(6));
    expect(Object.keys(m.stateDict()).sort()).toEqual(torchKeys.sort());
    expect(countParams(models.lenet5({ inputSize: 32, inChannels: 3, numClasses: 100 }))).toBe(61_706 + 2 * 150 + 84 * 90 + 90);
  });
});

/** One training step's worth: forward in train mode, cross-entropy, backward; every parameter gets a finite gradient. */
function forwardBackward(m: AnyModel, input: Tensor, numClasses: number): Tensor {
  m.train();
  const out = m.call(input);
  expect(out.shape).toEqual([input.shape[0], numClasses]);
  const target = tensorOfClasses(input.shape[0]!, numClasses);
  F.crossEntropy(out, target).backward();
  for (const [k, p] of m.namedParameters()) {
    expect(p.grad, `${k}.grad`).not.toBeNull();
    expect(p.grad!.shape, `${k}.grad`).toEqual(p.shape);
    expect(vals(p.grad!).every(Number.isFinite), `${k}.grad finite`).toBe(true);
  }
  // The first layer's gradient is not all zero: the loss reaches back through the whole network.
  const first = m.parameters()[0]!;
  expect(vals(first.grad!).some((v) => v !== 0)).toBe(true);
  return out;
}
const tensorOfClasses = (n: number, k: number): Tensor<'int32'> => tensor(Array.from({ length: n }, (_, i) => i % k), { dtype: 'int32' });

describe('forward and backward on a small batch (small-input variants)', () => {
  it('LeNet-5 on 28x28 and 32x32', () => {
    manualSeed(0);
    forwardBackward(models.lenet5(), randn(2, 1, 28, 28), 10);
    forwardBackward(models.lenet5({ inputSize: 32 }), randn(2, 1, 32, 32), 10);
  });
  it('AlexNet (smallInput 32x32; and the ImageNet layout at its 63x63 minimum)', () => {
    manualSeed(0);
    forwardBackward(models.alexnet({ numClasses: 10, smallInput: true }), randn(2, 3, 32, 32), 10);
    expect(models.alexnet({ numClasses: 5, smallInput: true }).eval().call(randn(1, 3, 28, 28)).shape).toEqual([1, 5]);
    // The ImageNet layout runs down to torchvision's min_size 63x63 (features 256x1x1, pooled to 6x6).
    const big = nn.init.skipInit(() => models.alexnet({ numClasses: 5 })).eval();
    expect(noGrad(() => big.call(randn(1, 3, 63, 63))).shape).toEqual([1, 5]);
    expect(() => noGrad(() => big.call(randn(1, 3, 62, 62)))).toThrow();
  });
  it("VGG-11 with batch norm (smallInput 32x32 and 28x28); torchvision's init: Linear N(0, 0.01²), biases 0, conv fan_out", () => {
    manualSeed(0);
    const m = models.vgg11Bn({ numClasses: 10, smallInput: true });
    const sd = m.stateDict();
    expect(std(sd['classifier.0.weight']!)).toBeCloseTo(0.01, 3);
    expect(vals(sd['classifier.6.bias']!).every((v) => v === 0)).toBe(true);
    expect(vals(sd['features.0.bias']!).every((v) => v === 0)).toBe(true);
    expect(vals(sd['features.1.weight']!).every((v) => v === 1)).toBe(true);
    expect(std(sd['features.4.weight']!)).toBeCloseTo(Math.sqrt(2 / (128 * 9)), 2);
    forwardBackward(m, randn(2, 3, 32, 32), 10);
    expect(m.eval().call(randn(1, 3, 28, 28)).shape).toEqual([1, 10]);
  });
  it('GoogLeNet with auxiliary classifiers (smallInput 16x16); init: conv and Linear weights truncated N(0, 0.01²)', () => {
    manualSeed(0);
    const m = models.googlenet({ numClasses: 10, smallInput: true, auxLogits: true, inChannels: 1 });
    const b = m.inception4e.branch2.at(1) as models.BasicConv2d;
    expect(std(b.conv.weight)).toBeCloseTo(0.01, 3);
    expect(vals(b.bn.weight!).every((v) => v === 1)).toBe(true);
    expect(std(m.fc.weight)).toBeCloseTo(0.01, 3);
    expect(std(m.aux1!.fc1.weight)).toBeCloseTo(0.01, 3);
    const x = randn(2, 1, 16, 16);
    const { logits, auxLogits1, auxLogits2 } = m.train().forwardWithAux(x);
    expect([logits.shape, auxLogits1?.shape, auxLogits2?.shape]).toEqual([[2, 10], [2, 10], [2, 10]]);
    F.crossEntropy(logits, tensorOfClasses(2, 10)).add(F.crossEntropy(auxLogits1!, tensorOfClasses(2, 10)).mul(0.3))
      .add(F.crossEntropy(auxLogits2!, tensorOfClasses(2, 10)).mul(0.3)).backward();
    for (const [k, p] of m.namedParameters()) expect(vals(p.grad!).every(Number.isFinite), k).toBe(true);
    expect(vals(m.aux1!.fc2.weight.grad!).some((v) => v !== 0)).toBe(true);
    const ev = m.eval().forwardWithAux(x);
    expect([ev.auxLogits1, ev.auxLogits2]).toEqual([null, null]);
  });
  it('ResNet-18 (smallInput 16x16) and ResNet-50 (ImageNet stem, 32x32)', () => {
    manualSeed(0);
    forwardBackward(models.resnet18({ numClasses: 10, smallInput: true }), randn(2, 3, 16, 16), 10);
    forwardBackward(models.resnet50({ numClasses: 10, widths: [16, 32, 64, 128] }), randn(2, 3, 32, 32), 10);
  });
});

describe("torchvision's initialisation", () => {
  it('ResNet: conv kaiming-normal fan_out (std √(2/fan_out)), BatchNorm 1 / 0, zeroInitResidual zeroes the last BN of each block', () => {
    manualSeed(0);
    const m = models.resnet18({ widths: [16, 32, 64, 128] });
    const sd = m.stateDict();
    expect(std(sd['layer3.0.conv2.weight']!)).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 2);
    expect(std(sd['conv1.weight']!)).toBeCloseTo(Math.sqrt(2 / (16 * 49)), 2);
    expect(vals(sd['layer1.0.bn2.weight']!).every((v) => v === 1)).toBe(true);
    expect(vals(sd['layer1.0.bn2.bias']!).every((v) => v === 0)).toBe(true);
    // fc keeps PyTorch's Linear default: U(±1/√fan_in).
    expect(vals(sd['fc.weight']!).reduce((a, v) => Math.max(a, Math.abs(v)), 0)).toBeLessThanOrEqual(1 / Math.sqrt(128));
    const z = models.resnet50({ widths: [8, 8, 8, 8], zeroInitResidual: true, numClasses: 3 }).stateDict();
    expect(vals(z['layer2.1.bn3.weight']!).every((v) => v === 0)).toBe(true);
    expect(vals(z['layer2.1.bn2.weight']!).every((v) => v === 1)).toBe(true);
    const zb = models.resnet18({ widths: [8, 8, 8, 8], zeroInitResidual: true, numClasses: 3 }).stateDict();
    expect(vals(zb['layer4.1.bn2.weight']!).every((v) => v === 0)).toBe(true);
  });
});

describe('weights in torchvision layout written by PyTorch give PyTorch outputs', () => {
  const file = io.load(torchFile).tensors;
  const sub = (prefix: string): Record<string, Tensor> =>
    Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith(`${prefix}.`) && !k.startsWith(`${prefix}.out.`)).map(([k, v]) => [k.slice(prefix.length + 1), v]));
  const cases: [string, () => AnyModel, string][] = [
    ['lenet', () => models.lenet5(), 'input28'],
    ['resnetBasic', () => new models.ResNet(models.BasicBlock, [1, 1, 1, 1], { widths: [4, 8, 8, 16], smallInput: true, inChannels: 1, numClasses: 10 }), 'input12'],
    ['resnetBottleneck', () => new models.ResNet(models.Bottleneck, [1, 1, 1, 1], { widths: [2, 4, 4, 8], smallInput: true, inChannels: 1, numClasses: 10 }), 'input12'],
  ];
  for (const [name, build, input] of cases) {
    it(name, () => {
      const m = build();
      expect(m.loadStateDict(sub(name))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      for (const mode of ['eval', 'train'] as const) {
        const got = vals(noGrad(() => (mode === 'eval' ? m.eval() : m.train()).call(file[input]!)));
        const want = vals(file[`${name}.out.${mode}`]!);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${mode} output ${i}: ${g} vs ${want[i]}`).toBeLessThan(2e-5 + 1e-4 * Math.abs(want[i]!)));
      }
    });
  }
});

describe('bad options are typed errors naming the model and the option', () => {
  it.each([
    [() => models.resnet18({ numClasses: 0 }), /ResNet: numClasses must be a positive integer, got 0/],
    [() => models.vgg16({ smallInput: 'yes' as unknown as boolean }), /vgg16: smallInput must be a boolean/],
    [() => models.alexnet({ dropout: 2 }), /AlexNet: dropout must be a probability/],
    [() => models.googlenet({ aux: true } as never), /GoogLeNet: option 'aux' is not a known option/],
    [() => models.lenet5({ inputSize: 30 as 28 }), /LeNet5: inputSize must be 28 or 32, got 30/],
    [() => new models.ResNet(models.BasicBlock, [2, 2, 2], {}), /ResNet: layers must be 4 block counts/],
    [() => new models.ResNet(models.BasicBlock, [1, 1, 1, 1], { groups: 2 }), /BasicBlock only supports groups=1/],
  ])('%#', (f, msg) => {
    expect(f).toThrow(ArgumentError);
    expect(f).toThrow(msg);
  });
});
