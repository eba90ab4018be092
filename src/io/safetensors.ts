// The safetensors format: writing (serialize, atomic save) and strictly validated reading
// (deserialize, load). Layout: 8-byte little-endian u64 N, N bytes of UTF-8 JSON header padded with
// spaces to a multiple of 8, then every tensor's bytes back to back (little-endian, row-major; offsets
// relative to the start of that buffer, no gaps, no overlaps, no trailing bytes). Checkpoints (model
// + optimizer) are built on top of this in checkpoint.ts; nothing model-specific belongs here.
// ref: https://github.com/huggingface/safetensors (README "Format"; safetensors/src/tensor.rs)

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocArrayUninitialised, type AnyTypedArray, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError, checkOptions } from '../core/errors.js';
import { Tensor } from '../tensor.js';
import { SerializationError } from './errors.js';
import { JsonSyntaxError, jsonKind, parseJsonStrict, type JsonNode } from './json.js';

/** Headers longer than this (100 MB, the safetensors library's limit) are refused as corrupt. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The header key that holds the string→string metadata instead of a tensor. */
export const METADATA_KEY = '__metadata__';

/** Tensors and metadata of a safetensors file, as returned by {@link deserialize} and {@link load}. */
export interface SafetensorsContents {
  /** Tensors by name, in file order; each owns new contiguous storage. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (string → string); `{}` when the file has none. */
  metadata: Record<string, string>;
}

/** Tensors to write: a record or a Map from names to tensors (any layout; values are copied). */
export type TensorMap = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

/** A file path, as a string or a `file:` URL. */
export type PathArg = string | URL;

/** Options of {@link save}. */
export interface SaveOptions {
  /** String → string pairs stored in the header's `__metadata__` (omitted when not given). */
  metadata?: Record<string, string>;
}

/**
 * Every dtype of the safetensors specification with its element size in bytes and its rank in the
 * library's `Dtype` enum, which orders tensors in a written file (larger rank first, then by name).
 */
const FILE_DTYPES: Readonly<Record<string, { size: number; rank: number }>> = {
  BOOL: { size: 1, rank: 0 },
  U8: { size: 1, rank: 1 },
  I8: { size: 1, rank: 2 },
  F8_E5M2: { size: 1, rank: 3 },
  F8_E4M3: { size: 1, rank: 4 },
  I16: { size: 2, rank: 5 },
  U16: { size: 2, rank: 6 },
  F16: { size: 2, rank: 7 },
  BF16: { size: 2, rank: 8 },
  I32: { size: 4, rank: 9 },
  U32: { size: 4, rank: 10 },
  F32: { size: 4, rank: 11 },
  F64: { size: 8, rank: 12 },
  I64: { size: 8, rank: 13 },
  U64: { size: 8, rank: 14 },
};

/** What each nodegrad dtype is written as. */
const WRITE_DTYPE: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/**
 * What each readable file dtype becomes: the nodegrad dtype that holds every value exactly. U32, I64
 * and U64 become int32 only when every element fits (checked; otherwise a DTypeError).
 */
const READ_DTYPE: Readonly<Record<string, DType>> = {
  F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool',
  F16: 'float32', BF16: 'float32', I8: 'int32', U8: 'int32', I16: 'int32', U16: 'int32', U32: 'int32', I64: 'int32', U64: 'int32',
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Largest single write(2): some platforms refuse counts of 2 GiB and more. */
const WRITE_CHUNK = 1 << 26;

// ---------------------------------------------------------------------------------------------------
// Writing

/** @internal A file laid out in memory: the 8-byte length plus the padded header, then tensor bytes. */
export interface PlannedFile {
  head: Uint8Array;
  chunks: Uint8Array[];
  totalBytes: number;
}

/**
 * @internal Validates the tensors and metadata and lays the file out as the Python library does:
 * tensors ordered by descending dtype rank, then by name (code point order); `__metadata__` first in
 * the header with its keys in code point order; header padded with spaces to a multiple of 8 bytes.
 * `littleEndianHost` is a test seam for the big-endian path.
 */
export function planFile(op: string, tensors: TensorMap, metadata: Record<string, string> | undefined, littleEndianHost = HOST_LITTLE_ENDIAN): PlannedFile {
  const entries = tensorEntries(op, tensors);
  const items = entries.map(([name, t]) => {
    const dtype = WRITE_DTYPE[t.dtype];
    return { name, key: Buffer.from(name, 'utf8'), t, dtype, rank: FILE_DTYPES[dtype]!.rank };
  });
  items.sort((a, b) => b.rank - a.rank || Buffer.compare(a.key, b.key));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const pairs = metadataEntries(op, metadata).sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const it of items) {
    const bytes = tensorBytes(it.t, littleEndianHost);
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":[${it.t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`);
    offset += bytes.length;
    chunks.push(bytes);
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_BYTES) {
    throw new ArgumentError(op, 'tensors', `need a ${n}-byte header, more than the ${MAX_HEADER_BYTES}-byte limit of safetensors readers (${items.length} tensors)`);
  }
  const head = new Uint8Array(8 + n);
  new DataView(head.buffer).setBigUint64(0, BigInt(n), true);
  head.set(json, 8);
  head.fill(0x20, 8 + json.length);
  return { head, chunks, totalBytes: head.length + offset };
}

function tensorEntries(op: string, tensors: TensorMap): [string, Tensor][] {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new ArgumentError(op, 'tensors', `must be a record or Map of name → Tensor, got ${describeValue(tensors)}`);
  }
  const entries: [string, unknown][] = tensors instanceof Map ? [...(tensors as ReadonlyMap<unknown, unknown>)] as [string, unknown][] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new ArgumentError(op, 'tensors', `names must be strings, got ${describeValue(name)}`);
    if (name === METADATA_KEY) throw new ArgumentError(op, `tensors[${JSON.stringify(name)}]`, `is a reserved name: the header keeps its metadata under ${METADATA_KEY}`);
    checkWellFormed(op, `tensors[${JSON.stringify(name)}]`, name, 'name');
    if (!(t instanceof Tensor)) throw new ArgumentError(op, `tensors[${JSON.stringify(name)}]`, `must be a Tensor, got ${describeValue(t)}`);
  }
  return entries as [string, Tensor][];
}

function metadataEntries(op: string, metadata: unknown): [string, string][] {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Map) {
    throw new ArgumentError(op, 'metadata', `must be a record of string → string, got ${describeValue(metadata)}`);
  }
  const pairs = Object.entries(metadata);
  for (const [k, v] of pairs) {
    if (typeof v !== 'string') throw new ArgumentError(op, `metadata[${JSON.stringify(k)}]`, `must be a string (safetensors metadata maps strings to strings), got ${describeValue(v)}`);
    checkWellFormed(op, `metadata[${JSON.stringify(k)}]`, k, 'key');
    checkWellFormed(op, `metadata[${JSON.stringify(k)}]`, v, 'value');
  }
  return pairs as [string, string][];
}

/** Strings become UTF-8 in the file: an unpaired surrogate would silently turn into U+FFFD. */
function checkWellFormed(op: string, arg: string, s: string, what: string): void {
  if (/\p{Surrogate}/u.test(s)) throw new ArgumentError(op, arg, `${what} holds an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
}

/** A tensor's elements as little-endian bytes (a view of its storage when possible). */
function tensorBytes(t: Tensor, littleEndianHost: boolean): Uint8Array {
  const n = t.numel();
  const data: AnyTypedArray = t.isContiguous() ? t.storage.data.subarray(t.offset, t.offset + n) : t.toTypedArray();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return littleEndianHost ? bytes : swapBytes(bytes, data.BYTES_PER_ELEMENT);
}

/** A copy of `bytes` with each `size`-byte element reversed (little ↔ big endian), bit for bit. */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  if (size === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
  return out;
}

/**
 * The safetensors bytes of `tensors` (PyTorch's `safetensors.torch.save`). Tensors are ordered as the
 * Python library orders them (float64, then float32, int32, bool; by name within a dtype) and written
 * as F64/F32/I32/BOOL; `metadata` (string → string) goes into the header's `__metadata__`.
 *
 * ```ts
 * const bytes = io.serialize({ weight: randn(3, 4) }, { format: 'pt' });
 * ```
 */
export function serialize(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const plan = planFile('io.serialize', tensors, metadata);
  const out = new Uint8Array(plan.totalBytes);
  out.set(plan.head, 0);
  let at = plan.head.length;
  for (const c of plan.chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Writes `tensors` to `path` as a safetensors file (PyTorch's `safetensors.torch.save_file`),
 * atomically: the bytes go to a temporary file in the same directory, which is flushed to disk (fsync)
 * and then renamed over `path`. A failure or crash midway leaves any previous file at `path` as it
 * was, and a failed save removes its temporary file. An existing file's permission bits are kept.
 *
 * ```ts
 * io.save('weights.safetensors', model.stateDict(), { metadata: { format: 'pt' } });
 * ```
 */
export function save(path: PathArg, tensors: TensorMap, options?: SaveOptions): void {
  checkOptions('io.save', options, ['metadata']);
  const file = checkPath('io.save', path);
  const plan = planFile('io.save', tensors, options?.metadata);
  writeFileAtomic(file, [plan.head, ...plan.chunks]);
}

/** @internal Writes `chunks` to `file` through a temporary file + fsync + rename (see {@link save}). */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  let created = false;
  try {
    fd = openSync(tmp, 'wx');
    created = true;
    keepMode(fd, file);
    for (const c of chunks) writeAll(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) ignoreErrors(() => closeSync(fd!));
    if (created) ignoreErrors(() => unlinkSync(tmp));
    throw e;
  }
  // NOTE: the rename is durable only once the directory entry is flushed too (POSIX); some platforms
  // (Windows) cannot open or fsync a directory, and the file itself is already safe there.
  ignoreErrors(() => {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  });
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, WRITE_CHUNK));
}

/** Gives the new file the permission bits of the file it replaces, if there is one. */
function keepMode(fd: number, file: string): void {
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return;
    mode = st.mode & 0o7777;
  } catch {
    return;
  }
  fchmodSync(fd, mode);
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // best effort: the original error (if any) is the one worth reporting
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** One header entry, validated against the schema (sizes checked, offsets not yet cross-checked). */
interface HeaderEntry {
  name: string;
  fileDtype: string;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

/** @internal The validated header of a file: entries in file order, metadata and the data start. */
export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

/**
 * @internal Reads and validates the header of `bytes` completely: the length prefix (at most 100 MB
 * and within the bytes), UTF-8, strict JSON (no duplicate keys), the schema of every entry, each
 * tensor's byte size against its dtype and shape, and the offsets (within the buffer, contiguous from
 * 0, no overlaps, no trailing bytes). Every problem is a SerializationError (DTypeError for an unknown
 * dtype) naming `source` and the tensor.
 */
export function parseHeader(bytes: Uint8Array, op: string, source: string): ParsedHeader {
  const bad = (problem: string, tensor?: string): SerializationError => new SerializationError(op, source, tensor, problem);
  if (bytes.length < 8) {
    throw bad(`is ${bytes.length} bytes long, shorter than the 8-byte header length that starts a safetensors file (truncated?)`);
  }
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) {
    throw bad(`header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or corrupt)`);
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    throw bad(`header length ${n} runs past the end of the data: the header needs ${8 + n} bytes, there are ${bytes.length} (truncated?)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw bad('header is not valid UTF-8');
  }
  let root: JsonNode;
  try {
    root = parseJsonStrict(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const dup = e.duplicatePath;
    if (dup && dup.length === 1) throw bad('appears more than once in the header', dup[0]);
    if (dup && dup.length > 1 && dup[0] === METADATA_KEY) throw bad(`header's ${METADATA_KEY} has the key ${JSON.stringify(dup.slice(1).join('.'))} more than once`);
    if (dup && dup.length > 1) throw bad(`has the field ${JSON.stringify(dup.slice(1).join('.'))} more than once`, dup[0]);
    throw bad(`header is not valid JSON: ${e.message}`);
  }
  if (root.kind !== 'object') throw bad(`header must be a JSON object, got ${jsonKind(root)}`);

  const metadata: [string, string][] = [];
  const entries: HeaderEntry[] = [];
  for (const [name, node] of root.entries) {
    if (name === METADATA_KEY) {
      if (node.kind !== 'object') throw bad(`header's ${METADATA_KEY} must be an object of string → string, got ${jsonKind(node)}`);
      for (const [k, v] of node.entries) {
        if (v.kind !== 'string') throw bad(`header's ${METADATA_KEY}[${JSON.stringify(k)}] must be a string, got ${jsonKind(v)}`);
        metadata.push([k, v.value]);
      }
      continue;
    }
    entries.push(parseEntry(name, node, op, source));
  }

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  for (const e of entries) {
    if (e.end > dataLength) {
      throw bad(`has data_offsets [${e.begin}, ${e.end}] past the end of the ${dataLength}-byte data buffer (truncated?)`, e.name);
    }
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: HeaderEntry | null = null;
  for (const e of byOffset) {
    if (e.begin > expected) {
      const after = previous ? `the previous tensor ${JSON.stringify(previous.name)} ends at ${expected}` : 'the data buffer starts at 0';
      throw bad(`starts at byte ${e.begin} but ${after}: a ${e.begin - expected}-byte gap (tensors must be back to back)`, e.name);
    }
    if (e.begin < expected && previous) {
      throw bad(`has data_offsets [${e.begin}, ${e.end}] that overlap tensor ${JSON.stringify(previous.name)} [${previous.begin}, ${previous.end}]`, e.name);
    }
    expected = e.end;
    if (e.end > e.begin || !previous) previous = e;
  }
  if (expected !== dataLength) {
    throw bad(`has ${dataLength - expected} trailing bytes after the last tensor's data (the data buffer is ${dataLength} bytes, the tensors cover ${expected})`);
  }
  return { entries, metadata: Object.fromEntries(metadata), dataStart };
}

function parseEntry(name: string, node: JsonNode, op: string, source: string): HeaderEntry {
  const bad = (problem: string): SerializationError => new SerializationError(op, source, name, problem);
  if (node.kind !== 'object') throw bad(`must be described by an object { dtype, shape, data_offsets }, got ${jsonKind(node)}`);
  for (const k of node.entries.keys()) {
    if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') throw bad(`has an unknown field ${JSON.stringify(k)} (expected dtype, shape, data_offsets)`);
  }
  const field = (k: string): JsonNode => {
    const v = node.entries.get(k);
    if (v === undefined) throw bad(`is missing the field ${JSON.stringify(k)}`);
    return v;
  };
  const dtypeNode = field('dtype');
  if (dtypeNode.kind !== 'string') throw bad(`dtype must be a string, got ${jsonKind(dtypeNode)}`);
  const fileDtype = dtypeNode.value;
  const info = Object.hasOwn(FILE_DTYPES, fileDtype) ? FILE_DTYPES[fileDtype] : undefined;
  if (info === undefined) {
    throw new DTypeError(op, `${source}: tensor ${JSON.stringify(name)}`, `has unknown dtype ${JSON.stringify(fileDtype)} (safetensors dtypes: ${Object.keys(FILE_DTYPES).join(', ')})`);
  }
  const shapeNode = field('shape');
  if (shapeNode.kind !== 'array') throw bad(`shape must be an array of non-negative integers, got ${jsonKind(shapeNode)}`);
  const shape = shapeNode.items.map((d, i) => integerLiteral(d, () => bad(`shape[${i}] must be a non-negative integer, got ${jsonKind(d)}`)));
  const offsetsNode = field('data_offsets');
  if (offsetsNode.kind !== 'array' || offsetsNode.items.length !== 2) {
    throw bad(`data_offsets must be [begin, end], got ${offsetsNode.kind === 'array' ? `${offsetsNode.items.length} numbers` : jsonKind(offsetsNode)}`);
  }
  const [begin, end] = offsetsNode.items.map((d, i) => integerLiteral(d, () => bad(`data_offsets[${i}] must be a non-negative integer, got ${jsonKind(d)}`))) as [number, number];
  if (end < begin) throw bad(`has data_offsets [${begin}, ${end}] that end before they begin`);
  let numel = 1;
  for (const d of shape) numel *= d;
  const nbytes = numel * info.size;
  if (!Number.isSafeInteger(nbytes)) throw bad(`has shape [${shape.join(', ')}], too large to address`);
  if (nbytes !== end - begin) {
    throw bad(`has data_offsets [${begin}, ${end}] spanning ${end - begin} bytes, but ${fileDtype} [${shape.join(', ')}] needs ${numel} × ${info.size} = ${nbytes} bytes`);
  }
  return { name, fileDtype, shape, numel, begin, end };
}

/** A JSON number written as a plain non-negative integer literal (no sign, fraction or exponent). */
function integerLiteral(node: JsonNode, error: () => SerializationError): number {
  if (node.kind !== 'number' || !/^(0|[1-9][0-9]*)$/.test(node.raw)) throw error();
  const v = Number(node.raw);
  if (!Number.isSafeInteger(v)) throw error();
  return v;
}

/**
 * @internal Decodes one validated entry into a nodegrad typed array (never a tensor yet), checking that
 * every value is exactly representable (BOOL bytes 0/1; U32/I64/U64 within int32).
 */
export function decodeEntry(bytes: Uint8Array, dataStart: number, e: HeaderEntry, op: string, source: string, littleEndianHost = HOST_LITTLE_ENDIAN): AnyTypedArray {
  const dtype = READ_DTYPE[e.fileDtype];
  if (dtype === undefined) {
    throw new DTypeError(op, `${source}: tensor ${JSON.stringify(e.name)}`, `has dtype ${e.fileDtype}, which nodegrad cannot hold exactly (readable: ${Object.keys(READ_DTYPE).join(', ')})`);
  }
  const size = FILE_DTYPES[e.fileDtype]!.size;
  let raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
  if (!littleEndianHost) raw = swapBytes(raw, size);
  const n = e.numel;
  const out = allocArrayUninitialised(dtype, n);
  if (WRITE_DTYPE[dtype] === e.fileDtype) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(raw);
    if (dtype === 'bool') {
      const i = (out as Uint8Array).findIndex((v) => v > 1);
      if (i >= 0) throw new SerializationError(op, source, e.name, `is BOOL but element ${i} is the byte ${out[i]} (must be 0 or 1)`);
    }
    return out;
  }
  // An aligned copy in host byte order, viewed as the file's element type.
  const a = raw.slice();
  const buf = a.buffer;
  switch (e.fileDtype) {
    case 'F16': {
      const h = new Uint16Array(buf, 0, n);
      for (let i = 0; i < n; i++) out[i] = halfToNumber(h[i]!);
      return out;
    }
    case 'BF16': {
      const h = new Uint16Array(buf, 0, n);
      const bits = new Uint32Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) bits[i] = h[i]! << 16;
      return out;
    }
    case 'I8':
      out.set(new Int8Array(buf, 0, n));
      return out;
    case 'U8':
      out.set(new Uint8Array(buf, 0, n));
      return out;
    case 'I16':
      out.set(new Int16Array(buf, 0, n));
      return out;
    case 'U16':
      out.set(new Uint16Array(buf, 0, n));
      return out;
    default: {
      // U32, I64, U64 → int32 when every value fits.
      const src = e.fileDtype === 'U32' ? new Uint32Array(buf, 0, n) : e.fileDtype === 'I64' ? new BigInt64Array(buf, 0, n) : new BigUint64Array(buf, 0, n);
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        const x = typeof v === 'bigint' ? (v >= -2147483648n && v <= 2147483647n ? Number(v) : null) : v <= 2147483647 ? v : null;
        if (x === null) {
          throw new DTypeError(op, `${source}: tensor ${JSON.stringify(e.name)}`, `is ${e.fileDtype} and element ${i} = ${v} does not fit int32, the widest integer dtype of nodegrad`);
        }
        out[i] = x;
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 → number (exact; float32 holds every half value). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** @internal Validates and decodes a whole file's bytes; errors name `op` and `source`. */
export function readSafetensors(bytes: Uint8Array, op: string, source: string): SafetensorsContents {
  const header = parseHeader(bytes, op, source);
  // Decode (and check) every tensor's data first; tensors are made only once everything is valid.
  const arrays = header.entries.map((e) => decodeEntry(bytes, header.dataStart, e, op, source));
  const tensors = Object.fromEntries(header.entries.map((e, i) => [e.name, Tensor.fromData(arrays[i]!, e.shape, READ_DTYPE[e.fileDtype]!)]));
  return { tensors, metadata: header.metadata };
}

/**
 * Reads safetensors bytes (PyTorch's `safetensors.torch.load`). Everything is validated before any
 * tensor is made; a malformed buffer throws a {@link SerializationError} naming the tensor at fault.
 * F32, F64, I32 and BOOL load as float32, float64, int32 and bool; F16 and BF16 as float32; I8, U8,
 * I16 and U16 as int32; U32, I64 and U64 as int32 when every value fits, else a DTypeError.
 */
export function deserialize(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError('io.deserialize', 'bytes', `must be a Uint8Array (or Buffer), got ${describeValue(bytes)}`);
  return readSafetensors(bytes, 'io.deserialize', 'bytes');
}

/**
 * Reads a safetensors file (PyTorch's `safetensors.torch.load_file`), with the checks and dtype rules
 * of {@link deserialize}; errors name the file. A model's weights load with
 * `model.loadStateDict(io.load(path).tensors)`.
 */
export function load(path: PathArg): SafetensorsContents {
  const file = checkPath('io.load', path);
  return readSafetensors(readFileSync(file), 'io.load', file);
}

/** @internal Checks a path argument and turns a `file:` URL into a path. */
export function checkPath(op: string, path: unknown): string {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path !== 'string' || path === '') throw new ArgumentError(op, 'path', `must be a non-empty string or a file: URL, got ${describeValue(path)}`);
  return path;
}

/** @internal A short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
