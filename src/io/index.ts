// The io namespace: safetensors files (serialize/deserialize, atomic save, validated load).

export {
  serialize, deserialize, save, load, MAX_HEADER_BYTES, METADATA_KEY,
  type SafetensorsContents, type TensorMap, type SaveOptions, type PathArg,
} from './safetensors.js';
export { SerializationError } from './errors.js';
