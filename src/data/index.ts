// The data namespace: datasets and readers. Today: MNIST from IDX files.

export {
  loadMnist, parseIdxImages, parseIdxLabels, mnistTensors, mnistDataDir, maybeGunzip, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC,
  type Mnist, type MnistImages, type MnistSplit, type LoadMnistOptions,
} from './mnist.js';
