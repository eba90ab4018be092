// Typed errors of the library. Every error names the op and the offending argument; shape errors
// carry the shapes. The native binding receives these classes at load time and throws them too,
// so `err instanceof ShapeError` holds whichever backend raised it. No other module defines errors.

export type ErrorCode =
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'INDEX_OUT_OF_RANGE'
  | 'AUTOGRAD'
  | 'NOT_IMPLEMENTED'
  | 'BACKEND';

export interface ErrorDetails {
  op: string;
  arg?: string | undefined;
  shapes?: Record<string, readonly number[]> | undefined;
}

export class NodegradError extends Error {
  readonly code: ErrorCode;
  readonly op: string;
  readonly arg: string | undefined;
  readonly shapes: Record<string, readonly number[]> | undefined;
  constructor(code: ErrorCode, message: string, details: ErrorDetails) {
    super(message);
    this.code = code;
    this.op = details.op;
    this.arg = details.arg;
    this.shapes = details.shapes;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

export function formatShapes(shapes: Record<string, readonly number[]> | undefined): string {
  if (!shapes) return '';
  const parts = Object.entries(shapes).map(([k, s]) => `${k}=[${s.join(',')}]`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Shapes that cannot broadcast, wrong ranks, mismatched sizes. */
export class ShapeError extends NodegradError {
  constructor(op: string, arg: string, expectation: string, shapes?: Record<string, readonly number[]>) {
    super('SHAPE_MISMATCH', `${op}: ${arg} ${expectation}${formatShapes(shapes)}`, { op, arg, shapes });
  }
}
/** An argument of the wrong dtype (e.g. float indices, int input to an op that needs floats). */
export class DTypeError extends NodegradError {
  constructor(op: string, arg: string, expectation: string, shapes?: Record<string, readonly number[]>) {
    super('DTYPE_MISMATCH', `${op}: ${arg} ${expectation}${formatShapes(shapes)}`, { op, arg, shapes });
  }
}
/** Bad values or unknown option names: negative sizes, NaN, a misspelt option. */
export class ArgumentError extends NodegradError {
  constructor(op: string, arg: string, expectation: string, shapes?: Record<string, readonly number[]>) {
    super('INVALID_ARGUMENT', `${op}: ${arg} ${expectation}${formatShapes(shapes)}`, { op, arg, shapes });
  }
}
/** An index outside the dimension it addresses. */
export class IndexError extends NodegradError {
  constructor(op: string, arg: string, expectation: string, shapes?: Record<string, readonly number[]>) {
    super('INDEX_OUT_OF_RANGE', `${op}: ${arg} ${expectation}${formatShapes(shapes)}`, { op, arg, shapes });
  }
}
/** Misuse of the autograd graph: backward on a non-scalar without a gradient, a freed graph, ... */
export class AutogradError extends NodegradError {
  constructor(op: string, message: string) {
    super('AUTOGRAD', `${op}: ${message}`, { op });
  }
}
/** A documented gap, never a silent placeholder (e.g. a derivative that does not exist). */
export class NotImplementedError extends NodegradError {
  constructor(op: string, message: string) {
    super('NOT_IMPLEMENTED', `${op}: ${message}`, { op });
  }
}
/** The native addon failed or refused something it should not have been asked. */
export class BackendError extends NodegradError {
  constructor(op: string, message: string) {
    super('BACKEND', `${op}: ${message}`, { op });
  }
}

/** Throws if `options` has keys outside `allowed` (catches misspelt option names). */
export function checkOptions(op: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw new ArgumentError(op, 'options', `must be an object, got ${typeof options}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      const known = allowed.length ? allowed.join(', ') : 'none';
      throw new ArgumentError(op, `option '${k}'`, `is not a known option (known: ${known})`);
    }
  }
}
