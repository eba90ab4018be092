// The error of the io layer: a file or byte buffer that is not a well-formed safetensors file or
// checkpoint. Problems with the caller's arguments stay ArgumentError/ShapeError/DTypeError (from
// core/errors.ts); this class is only for bad data read back, so `catch` can tell the two apart.

import { NodegradError } from '../core/errors.js';

/**
 * A corrupt or malformed safetensors file or checkpoint: truncated, a bad header, offsets that gap or
 * overlap, sizes that do not match the dtype, trailing bytes, bad checkpoint metadata. The message
 * names the operation, the file (or `bytes` for an in-memory buffer), the tensor when one is at fault,
 * and what is wrong; `file` and `tensor` hold the same for code. Its `code` is 'INVALID_ARGUMENT'.
 */
export class SerializationError extends NodegradError {
  /** The file path, or `bytes` when deserializing a buffer. */
  readonly file: string;
  /** The tensor the problem is about, when there is one. */
  readonly tensor: string | undefined;
  constructor(op: string, file: string, tensor: string | undefined, problem: string) {
    const where = tensor === undefined ? `${file}:` : `${file}: tensor ${JSON.stringify(tensor)}`;
    super('INVALID_ARGUMENT', `${op}: ${where} ${problem}`, { op, arg: tensor ?? file });
    this.file = file;
    this.tensor = tensor;
  }
}
