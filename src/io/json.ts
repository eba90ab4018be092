// A strict JSON reader for safetensors headers (RFC 8259). JSON.parse cannot be used: it silently
// keeps the last of two duplicate keys, and it turns `16.0` or `1e1` into the integer 16 / 10, where
// a header's sizes and offsets must be integer literals. This parser keeps object entries in order,
// refuses duplicate keys, keeps number literals as written and caps nesting. Nothing here knows
// about tensors: the schema is checked in safetensors.ts.

/** A parsed JSON value. Objects keep their entries in file order (keys are unique). */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: ReadonlyMap<string, JsonNode> }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** Why and where (a character index into the text) the text is not acceptable JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
    /** Set for a duplicate key: the key and the keys of the enclosing objects, outermost first. */
    readonly duplicatePath: readonly string[] | null = null,
  ) {
    super(`${reason} at character ${position}`);
  }
}

/** Deeper nesting than this is refused (a safetensors header needs 3 levels). */
export const MAX_JSON_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const TRUE: JsonNode = { kind: 'boolean', value: true };
const FALSE: JsonNode = { kind: 'boolean', value: false };
const NULL: JsonNode = { kind: 'null' };
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as exactly one JSON value surrounded by optional whitespace. */
export function parseJsonStrict(text: string): JsonNode {
  let pos = 0;
  const path: string[] = [];

  const fail = (reason: string, at = pos): never => {
    throw new JsonSyntaxError(reason, at);
  };
  const describe = (at: number): string => (at >= text.length ? 'end of text' : `${JSON.stringify(text[at])}`);
  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const expect = (ch: string): void => {
    if (text[pos] !== ch) fail(`expected '${ch}', got ${describe(pos)}`);
    pos++;
  };

  const parseString = (): string => {
    const start = pos;
    expect('"');
    let out = '';
    let run = pos;
    let surrogateEscape = false;
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(run, pos);
        pos++;
        break;
      }
      if (c < 0x20) fail(`control character U+${c.toString(16).padStart(4, '0')} inside a string`);
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(run, pos);
      const e = text[pos + 1];
      if (e === undefined) fail('unterminated string', start);
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) surrogateEscape = true;
        out += String.fromCharCode(code);
        pos += 6;
      } else {
        const r = ESCAPES[e!];
        if (r === undefined) fail(`bad escape '\\${e}'`);
        out += r;
        pos += 2;
      }
      run = pos;
    }
    // NOTE: a lone surrogate (from a \uD800-style escape; the text itself is decoded UTF-8) cannot be
    // re-encoded as UTF-8; serde_json, which the safetensors library uses, refuses it too.
    if (surrogateEscape && /\p{Surrogate}/u.test(out)) fail('string holds an unpaired UTF-16 surrogate', start);
    return out;
  };

  const parseValue = (depth: number): JsonNode => {
    skipWhitespace();
    const c = text[pos];
    if (c === '{') {
      if (depth >= MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
      pos++;
      const entries = new Map<string, JsonNode>();
      skipWhitespace();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skipWhitespace();
        const keyAt = pos;
        const key = parseString();
        if (entries.has(key)) throw new JsonSyntaxError(`duplicate key ${JSON.stringify(key)}`, keyAt, [...path, key]);
        skipWhitespace();
        expect(':');
        path.push(key);
        entries.set(key, parseValue(depth + 1));
        path.pop();
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { kind: 'object', entries };
        }
        fail(`expected ',' or '}', got ${describe(pos)}`);
      }
    }
    if (c === '[') {
      if (depth >= MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
      pos++;
      const items: JsonNode[] = [];
      skipWhitespace();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { kind: 'array', items };
        }
        fail(`expected ',' or ']', got ${describe(pos)}`);
      }
    }
    if (c === '"') return { kind: 'string', value: parseString() };
    if (c === 't' && text.startsWith('true', pos)) {
      pos += 4;
      return TRUE;
    }
    if (c === 'f' && text.startsWith('false', pos)) {
      pos += 5;
      return FALSE;
    }
    if (c === 'n' && text.startsWith('null', pos)) {
      pos += 4;
      return NULL;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (m) {
        pos += m[0].length;
        return { kind: 'number', raw: m[0] };
      }
    }
    return fail(`unexpected ${describe(pos)}`);
  };

  const root = parseValue(0);
  skipWhitespace();
  if (pos !== text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
  return root;
}

/** Names a JSON node's kind for messages ("a string", "an array", ...). */
export function jsonKind(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${node.raw}`;
    case 'boolean':
      return String(node.value);
    default:
      return 'null';
  }
}
