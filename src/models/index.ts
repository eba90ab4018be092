// The model zoo (`models`): torchvision's classic CNNs with its stateDict keys, so its weights load,
// plus LeNet-5. Factories in camelCase (`resnet18`, `vgg16Bn`) and the classes they build.

export type { ClassifierOptions } from './common.js';
export { LeNet5, lenet5, type LeNet5Options } from './lenet.js';
export { AlexNet, alexnet, type AlexNetOptions } from './alexnet.js';
export {
  VGG, makeLayers, vggConfigs, vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn,
  type VGGConfig, type VGGOptions, type VGGFactoryOptions,
} from './vgg.js';
export { GoogLeNet, Inception, InceptionAux, BasicConv2d, googlenet, type GoogLeNetOptions, type GoogLeNetOutputs } from './googlenet.js';
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, type ResNetOptions, type ResidualBlock } from './resnet.js';
