// Training checkpoints as safetensors files: a model's stateDict under its own keys (so the file is a
// PyTorch state_dict for `safetensors.torch.load_file` + `load_state_dict`), optimizer state tensors
// under `optimizer.state.<paramIndex>.<name>`, and everything that is not a tensor (optimizer scalars
// and parameter-group options, user metadata) as JSON text in the header's `__metadata__`. Loading
// checks the whole file against the model and optimizer before assigning anything.

import { readFileSync } from 'node:fs';
import { ArgumentError, NodegradError, ShapeError, checkOptions } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { Optimizer, type OptimizerStateDict, type StateValue } from '../optim/optimizer.js';
import { SerializationError } from './errors.js';
import { checkPath, describeValue, planFile, readSafetensors, writeFileAtomic, type PathArg } from './safetensors.js';

/** JSON data: what checkpoint metadata values may be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Optimizer state tensors are stored as `${OPTIMIZER_STATE_PREFIX}<paramIndex>.<name>` (e.g. `optimizer.state.0.expAvg`). */
export const OPTIMIZER_STATE_PREFIX = 'optimizer.state.';
/** Metadata keys starting with this are the checkpoint's own; user metadata may not use them. */
export const RESERVED_METADATA_PREFIX = 'nodegrad.';
/** `__metadata__` key marking a file written by saveCheckpoint; its value is the format version. */
export const CHECKPOINT_FORMAT_KEY = 'nodegrad.checkpoint';
/** `__metadata__` key of the optimizer record (JSON): type, parameter groups, scalar state, tensor names. */
export const OPTIMIZER_METADATA_KEY = 'nodegrad.optimizer';
const FORMAT_VERSION = '1';

type AnyModule = Module<never, unknown>;
type AnyOptimizer = Optimizer<object>;

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** The model whose stateDict() is saved, under its own keys. */
  model: AnyModule;
  /** An optimizer whose stateDict() is saved too (state tensors, step counts, group options). */
  optimizer?: AnyOptimizer;
  /**
   * User data (epoch, step, loss, ...): JSON values stored one per key in `__metadata__` as JSON text
   * (Python reads `json.loads(metadata["epoch"])`). Keys may not start with `nodegrad.`.
   */
  metadata?: Record<string, JsonValue>;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** The model to load into; it must have the checkpoint's keys and shapes. */
  model: AnyModule;
  /** An optimizer over the model's parameters, in the same group layout as the saved one. */
  optimizer?: AnyOptimizer;
  /**
   * Default true: the model's keys must equal the checkpoint's, and a given optimizer must find its
   * state in the file. False loads the keys both have and reports the rest. Shapes must always match.
   */
  strict?: boolean;
}

/** What {@link loadCheckpoint} found. */
export interface CheckpointInfo {
  /**
   * The user metadata given to saveCheckpoint, as JSON values. For a safetensors file not written by
   * saveCheckpoint (e.g. PyTorch's), the header's string metadata as it is.
   */
  metadata: Record<string, JsonValue>;
  /** Model keys the checkpoint lacks (empty under strict). */
  missingKeys: string[];
  /** Checkpoint tensors the model does not have, optimizer state excluded (empty under strict). */
  unexpectedKeys: string[];
  /** Whether optimizer state was loaded into the given optimizer. */
  optimizerLoaded: boolean;
}

/** The optimizer record stored as JSON under OPTIMIZER_METADATA_KEY. */
interface OptimizerRecord {
  /** The optimizer's name (Adam, SGD, ...). */
  type: string;
  /** Parameter groups: options and parameter indices, as Optimizer.stateDict() gives them. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
  /** Per parameter index: the state entries that are numbers (step counts) or null. */
  scalars: Record<string, Record<string, number | null>>;
  /** Per parameter index: the names of the state entries stored as tensors. */
  tensors: Record<string, string[]>;
  /**
   * Per parameter index: state entries that are lists (L-BFGS's history), each element a number or
   * `{ tensor: j }` for the tensor stored under `optimizer.state.<paramIndex>.<name>.<j>`.
   */
  lists?: Record<string, Record<string, (number | { tensor: number })[]>>;
}

/**
 * Saves a training checkpoint to `path` (atomically, see {@link save}): the model's stateDict under
 * its keys, the optimizer's state (if given) under `optimizer.state.<paramIndex>.<name>` with its step
 * counts and parameter-group options as JSON in `__metadata__`, and the user `metadata`.
 *
 * ```ts
 * io.saveCheckpoint('ckpt.safetensors', { model, optimizer, metadata: { epoch: 3 } });
 * const { metadata } = io.loadCheckpoint('ckpt.safetensors', { model, optimizer }); // metadata.epoch === 3
 * ```
 */
export function saveCheckpoint(path: PathArg, options: SaveCheckpointOptions): void {
  const op = 'io.saveCheckpoint';
  checkOptionsObject(op, options, ['model', 'optimizer', 'metadata']);
  const file = checkPath(op, path);
  const model = checkModel(op, options.model);
  const optimizer = checkOptimizer(op, options.optimizer);
  const meta: Record<string, string> = { [CHECKPOINT_FORMAT_KEY]: FORMAT_VERSION };
  if (options.metadata !== undefined) {
    const user = options.metadata as unknown;
    if (typeof user !== 'object' || user === null || Array.isArray(user)) throw new ArgumentError(op, 'metadata', `must be a record of JSON values, got ${describeValue(user)}`);
    for (const [k, v] of Object.entries(user)) {
      if (k.startsWith(RESERVED_METADATA_PREFIX)) throw new ArgumentError(op, `metadata[${JSON.stringify(k)}]`, `uses the reserved prefix '${RESERVED_METADATA_PREFIX}'`);
      checkJson(op, `metadata[${JSON.stringify(k)}]`, v, 0);
      meta[k] = JSON.stringify(v);
    }
  }
  const tensors = new Map<string, Tensor>(Object.entries(model.stateDict()));
  if (optimizer) {
    const clash = [...tensors.keys()].find((k) => k.startsWith(OPTIMIZER_STATE_PREFIX));
    if (clash !== undefined) throw new ArgumentError(op, 'model', `has the stateDict key ${JSON.stringify(clash)}, which clashes with the optimizer state prefix '${OPTIMIZER_STATE_PREFIX}'`);
    const sd = optimizer.stateDict();
    const record: OptimizerRecord = { type: optimizer.name, paramGroups: [], scalars: {}, tensors: {} };
    sd.paramGroups.forEach((g, i) => {
      checkJson(op, `optimizer.paramGroups[${i}]`, g, 0);
      record.paramGroups.push(g as OptimizerRecord['paramGroups'][number]);
    });
    for (const [index, entry] of Object.entries(sd.state)) {
      for (const [name, v] of Object.entries(entry)) {
        if (v instanceof Tensor) {
          tensors.set(`${OPTIMIZER_STATE_PREFIX}${index}.${name}`, v);
          (record.tensors[index] ??= []).push(name);
        } else if (Array.isArray(v)) {
          const list = v.map((x, j) => {
            if (!(x instanceof Tensor)) {
              checkJson(op, `optimizer state[${index}].${name}[${j}]`, x, 0);
              return x;
            }
            tensors.set(`${OPTIMIZER_STATE_PREFIX}${index}.${name}.${j}`, x);
            return { tensor: j };
          });
          ((record.lists ??= {})[index] ??= {})[name] = list;
        } else {
          checkJson(op, `optimizer state[${index}].${name}`, v, 0);
          (record.scalars[index] ??= {})[name] = v;
        }
      }
    }
    meta[OPTIMIZER_METADATA_KEY] = JSON.stringify(record);
  }
  const plan = planFile(op, tensors, meta);
  writeFileAtomic(file, [plan.head, ...plan.chunks]);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}, or any safetensors state_dict (e.g. saved by
 * PyTorch with `safetensors.torch.save_file(model.state_dict(), path)`), into `model` and, if given,
 * `optimizer`. Everything is checked first (the file's format, missing and unexpected keys under
 * strict, every shape, the optimizer's type and group layout); only if all of it fits is anything
 * assigned, so a failed load changes nothing. Errors name the tensor at fault.
 */
export function loadCheckpoint(path: PathArg, options: LoadCheckpointOptions): CheckpointInfo {
  const op = 'io.loadCheckpoint';
  checkOptionsObject(op, options, ['model', 'optimizer', 'strict']);
  const file = checkPath(op, path);
  const model = checkModel(op, options.model);
  const optimizer = checkOptimizer(op, options.optimizer);
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') throw new ArgumentError(op, 'strict', `must be a boolean, got ${describeValue(strict)}`);
  const bad = (problem: string, tensor?: string): SerializationError => new SerializationError(op, file, tensor, problem);

  const { tensors, metadata: raw } = readSafetensors(readFileSync(file), op, file);
  const ours = Object.hasOwn(raw, CHECKPOINT_FORMAT_KEY);
  if (ours && raw[CHECKPOINT_FORMAT_KEY] !== FORMAT_VERSION) {
    throw bad(`has checkpoint format ${JSON.stringify(raw[CHECKPOINT_FORMAT_KEY])}; this nodegrad reads format ${FORMAT_VERSION}`);
  }
  const metadata: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!ours) {
      metadata[k] = v;
    } else if (!k.startsWith(RESERVED_METADATA_PREFIX)) {
      try {
        metadata[k] = JSON.parse(v) as JsonValue;
      } catch {
        throw bad(`metadata ${JSON.stringify(k)} is not JSON text: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`);
      }
    }
  }
  const record = ours && Object.hasOwn(raw, OPTIMIZER_METADATA_KEY) ? parseOptimizerRecord(raw[OPTIMIZER_METADATA_KEY]!, bad) : null;

  // Split the file: optimizer state (only in a checkpoint that has an optimizer record) and the model.
  const modelTensors = new Map<string, Tensor>();
  const optimizerTensors = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(tensors)) (record && k.startsWith(OPTIMIZER_STATE_PREFIX) ? optimizerTensors : modelTensors).set(k, t);
  const expectedOptimizerKeys = new Set<string>();
  if (record) {
    const expect = (key: string): void => {
      if (!optimizerTensors.has(key)) throw bad(`is listed in the optimizer record but missing from the file`, key);
      expectedOptimizerKeys.add(key);
    };
    for (const [index, names] of Object.entries(record.tensors)) for (const name of names) expect(`${OPTIMIZER_STATE_PREFIX}${index}.${name}`);
    for (const [index, lists] of Object.entries(record.lists ?? {})) {
      for (const [name, list] of Object.entries(lists)) {
        for (const x of list) if (typeof x === 'object') expect(`${OPTIMIZER_STATE_PREFIX}${index}.${name}.${x.tensor}`);
      }
    }
    for (const key of optimizerTensors.keys()) if (!expectedOptimizerKeys.has(key)) throw bad(`is not listed in the checkpoint's optimizer record`, key);
  }

  // The model: keys (strict) and shapes (always).
  const own = model.stateDict();
  const missingKeys = Object.keys(own).filter((k) => !modelTensors.has(k));
  const unexpectedKeys = [...modelTensors.keys()].filter((k) => !Object.hasOwn(own, k));
  if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
    throw new ArgumentError(op, 'model', `does not match ${file}: missing keys [${missingKeys.join(', ')}], unexpected keys [${unexpectedKeys.join(', ')}] (strict: false loads the keys both have)`);
  }
  for (const [k, dst] of Object.entries(own)) {
    const src = modelTensors.get(k);
    if (src !== undefined && !shapesEqual(src.shape, dst.shape)) {
      throw new ShapeError(op, `${file}: tensor ${JSON.stringify(k)}`, 'has the wrong shape for the model', { checkpoint: src.shape, model: dst.shape });
    }
  }

  // The optimizer: type, group layout, state shapes.
  let optimizerState: OptimizerStateDict<object> | null = null;
  if (optimizer) {
    if (record) optimizerState = buildOptimizerState(op, file, record, optimizerTensors, optimizer, bad);
    else if (strict) throw new ArgumentError(op, 'optimizer', `was given but ${file} holds no optimizer state (strict: false loads the model only)`);
  }

  // Assign: the optimizer first (its loadStateDict is all-or-nothing), then the model, already checked.
  let previous: OptimizerStateDict<object> | null = null;
  if (optimizer && optimizerState) {
    previous = optimizer.stateDict();
    try {
      optimizer.loadStateDict(optimizerState);
    } catch (e) {
      if (e instanceof NodegradError) throw bad(`holds optimizer state that ${optimizer.name} refuses: ${e.message}`);
      throw e;
    }
  }
  try {
    model.loadStateDict(modelTensors, { strict: false });
  } catch (e) {
    if (optimizer && previous) optimizer.loadStateDict(previous);
    throw e;
  }
  return { metadata, missingKeys, unexpectedKeys, optimizerLoaded: optimizerState !== null };
}

function parseOptimizerRecord(text: string, bad: (problem: string) => SerializationError): OptimizerRecord {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    throw bad(`metadata ${OPTIMIZER_METADATA_KEY} is not JSON text`);
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const fail = (what: string): never => {
    throw bad(`metadata ${OPTIMIZER_METADATA_KEY} is malformed: ${what}`);
  };
  if (!isRecord(r)) return fail('not an object');
  if (typeof r.type !== 'string') fail('type must be a string');
  if (!Array.isArray(r.paramGroups)) fail('paramGroups must be an array');
  (r.paramGroups as unknown[]).forEach((g, i) => {
    if (!isRecord(g) || !Array.isArray(g.params) || !g.params.every((p) => Number.isSafeInteger(p) && (p as number) >= 0)) {
      fail(`paramGroups[${i}] must be an object with params: an array of parameter indices`);
    }
  });
  if (!isRecord(r.scalars)) return fail('scalars must be an object');
  for (const [k, s] of Object.entries(r.scalars)) {
    if (!isRecord(s) || !Object.values(s).every((v) => typeof v === 'number' || v === null)) fail(`scalars[${k}] must map names to numbers or null`);
  }
  if (r.lists !== undefined) {
    if (!isRecord(r.lists)) return fail('lists must be an object');
    for (const [k, s] of Object.entries(r.lists)) {
      const element = (x: unknown): boolean => typeof x === 'number' || (isRecord(x) && Number.isSafeInteger(x.tensor) && (x.tensor as number) >= 0 && Object.keys(x).length === 1);
      if (!isRecord(s) || !Object.values(s).every((l) => Array.isArray(l) && l.every(element))) fail(`lists[${k}] must map names to arrays of numbers and { tensor: index }`);
    }
  }
  if (!isRecord(r.tensors)) return fail('tensors must be an object');
  for (const [k, s] of Object.entries(r.tensors)) {
    if (!Array.isArray(s) || !s.every((v) => typeof v === 'string')) fail(`tensors[${k}] must be an array of names`);
  }
  return r as unknown as OptimizerRecord;
}

/** Checks the record and tensors against `optimizer` and builds the stateDict to load into it. */
function buildOptimizerState(
  op: string, file: string, record: OptimizerRecord, tensors: ReadonlyMap<string, Tensor>, optimizer: AnyOptimizer, bad: (problem: string, tensor?: string) => SerializationError,
): OptimizerStateDict<object> {
  if (record.type !== optimizer.name) throw new ArgumentError(op, 'optimizer', `is ${optimizer.name} but ${file} holds ${record.type} state`);
  if (record.paramGroups.length !== optimizer.paramGroups.length) {
    throw new ArgumentError(op, 'optimizer', `has ${optimizer.paramGroups.length} parameter groups, ${file} has ${record.paramGroups.length}`);
  }
  const params = new Map<string, Tensor>();
  record.paramGroups.forEach((g, gi) => {
    const mine = optimizer.paramGroups[gi]!.params;
    if (g.params.length !== mine.length) {
      throw new ArgumentError(op, 'optimizer', `has ${mine.length} parameters in group ${gi}, ${file} has ${g.params.length}`);
    }
    g.params.forEach((index, k) => {
      if (params.has(String(index))) throw bad(`optimizer record lists parameter index ${index} twice`);
      params.set(String(index), mine[k]!);
    });
  });
  const state: Record<number, Record<string, StateValue>> = {};
  const entry = (index: string): Record<string, StateValue> => {
    if (!params.has(index)) throw bad(`optimizer record has state for parameter index ${index}, which no parameter group lists`);
    return (state[Number(index)] ??= {});
  };
  for (const [index, scalars] of Object.entries(record.scalars)) Object.assign(entry(index), scalars);
  /** The file's tensor `key`, checked as the optimizer checks state for parameter p (before anything loads). */
  const stateTensor = (key: string, p: Tensor): Tensor => {
    const t = tensors.get(key)!;
    try {
      optimizer.checkStateTensor(key, t, p);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(op, `${file}: tensor ${JSON.stringify(key)}`, 'must have the shape of its parameter', { checkpoint: t.shape, parameter: p.shape });
      throw e;
    }
    return t;
  };
  for (const [index, names] of Object.entries(record.tensors)) {
    const p = params.get(index);
    const e = entry(index);
    for (const name of names) e[name] = stateTensor(`${OPTIMIZER_STATE_PREFIX}${index}.${name}`, p!);
  }
  for (const [index, lists] of Object.entries(record.lists ?? {})) {
    const p = params.get(index);
    const e = entry(index);
    for (const [name, list] of Object.entries(lists)) {
      e[name] = list.map((x) => (typeof x === 'number' ? x : stateTensor(`${OPTIMIZER_STATE_PREFIX}${index}.${name}.${x.tensor}`, p!)));
    }
  }
  return { state, paramGroups: record.paramGroups as never };
}

function checkOptionsObject(op: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new ArgumentError(op, 'options', `must be an object with at least { model }, got ${describeValue(options)}`);
  checkOptions(op, options, allowed);
}

function checkModel(op: string, model: unknown): AnyModule {
  if (!(model instanceof Module)) throw new ArgumentError(op, 'model', `must be an nn.Module, got ${describeValue(model)}`);
  return model as AnyModule;
}

function checkOptimizer(op: string, optimizer: unknown): AnyOptimizer | undefined {
  if (optimizer === undefined) return undefined;
  if (!(optimizer instanceof Optimizer)) throw new ArgumentError(op, 'optimizer', `must be an optim.Optimizer, got ${describeValue(optimizer)}`);
  return optimizer as AnyOptimizer;
}

/** Checks that `v` survives JSON.stringify + JSON.parse unchanged (no NaN, undefined, class instances, cycles). */
function checkJson(op: string, arg: string, v: unknown, depth: number): void {
  if (depth > 64) throw new ArgumentError(op, arg, 'is nested more than 64 levels deep (a cycle?)');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ArgumentError(op, arg, `must be JSON data: ${v} is not a finite number`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJson(op, `${arg}[${i}]`, x, depth + 1));
    return;
  }
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const [k, x] of Object.entries(v)) checkJson(op, `${arg}.${k}`, x, depth + 1);
    return;
  }
  throw new ArgumentError(op, arg, `must be JSON data (string, finite number, boolean, null, array or plain object), got ${describeValue(v)}`);
}
