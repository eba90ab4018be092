// The data namespace (torch.utils.data + torchvision pieces): datasets, DataLoader, collation,
// seeded image transforms (`data.transforms`) and the MNIST reader.

export {
  Dataset, TensorDataset, Subset, ConcatDataset, TransformDataset, randomSplit, type DatasetLike,
} from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { defaultCollate, type Collated } from './collate.js';
export * as transforms from './transforms.js';
export type { Transform, TransformFn, TransformLike } from './transforms.js';
export {
  loadMnist, parseIdxImages, parseIdxLabels, mnistTensors, mnistDataDir, maybeGunzip, mnistDataset, mnistDatasets, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC,
  type Mnist, type MnistImages, type MnistSplit, type LoadMnistOptions, type MnistDataset, type MnistDatasetsOptions,
} from './mnist.js';
export {
  inverseTransformSample, EmpiricalDistribution, type SampleOptions, type EmpiricalDistributionOptions,
} from './sampling.js';
