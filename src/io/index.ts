// The io namespace: safetensors files (serialize/deserialize, atomic save, validated load) and
// training checkpoints (model + optimizer + metadata) built on them.

export {
  serialize, deserialize, save, load, MAX_HEADER_BYTES, METADATA_KEY,
  type SafetensorsContents, type TensorMap, type SaveOptions, type PathArg,
} from './safetensors.js';
export {
  saveCheckpoint, loadCheckpoint, OPTIMIZER_STATE_PREFIX, RESERVED_METADATA_PREFIX, CHECKPOINT_FORMAT_KEY, OPTIMIZER_METADATA_KEY,
  type SaveCheckpointOptions, type LoadCheckpointOptions, type CheckpointInfo, type JsonValue,
} from './checkpoint.js';
export { SerializationError } from './errors.js';
