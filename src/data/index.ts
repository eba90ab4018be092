// The data namespace (torch.utils.data + torchvision pieces): seeded image transforms
// (`data.transforms`) and the MNIST reader.

export * as transforms from './transforms.js';
export type { Transform, TransformFn, TransformLike } from './transforms.js';
export {
  loadMnist, parseIdxImages, parseIdxLabels, mnistTensors, mnistDataDir, maybeGunzip, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC,
  type Mnist, type MnistImages, type MnistSplit, type LoadMnistOptions,
} from './mnist.js';
