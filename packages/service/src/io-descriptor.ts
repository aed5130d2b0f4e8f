import type { JSONSchema } from './types';

/** The result of decoding a request body: the handler's input, and whether to unwrap its result. */
export interface DecodedInput<TInput> {
  value: TInput;
  /** True when one record was sent to a `records()` API: the handler still gets an array, and the
   * first element of its result is sent back. */
  single: boolean;
}

/**
 * An IO descriptor: how an API's request body is parsed, validated and documented, or how its
 * result is encoded and documented. Create them with `json()`, `records()`, `tensor()`, `text()`.
 */
export interface IODescriptor<TInput = unknown> {
  /** `'json' | 'records' | 'tensor' | 'text'`. */
  readonly kind: string;
  /** The media type accepted in requests and produced in responses. */
  readonly mediaType: string;
  /** An example body, shown in the OpenAPI document and as Swagger UI's default. */
  readonly example: unknown;
  /** The JSON Schema of the body, for the OpenAPI document. */
  schema(): JSONSchema;
  /** True when a request's media type (lower case, no parameters) is acceptable. */
  acceptsMediaType(mediaType: string): boolean;
  /** Parses and validates a raw body; throws an `MLS_ERR_IO_*` error. */
  decodeRaw(raw: string): DecodedInput<TInput>;
  /** Validates a body that a body-parsing middleware has already parsed. */
  decode(value: unknown): DecodedInput<TInput>;
  /** Encodes a handler's result as the response body. */
  encode(result: unknown): string;
}

/** The input type of a descriptor. */
export type InputOf<TDescriptor> = TDescriptor extends IODescriptor<infer T> ? T : unknown;

/** True for `application/json` and any `application/*+json`. */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

// BigInt (int64 tensors) and typed arrays would otherwise throw or encode as objects.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? Number(x) : x));
  }
  return value;
}

// A replacer makes JSON.stringify call back into JavaScript for every value, several times slower;
// most results hold neither BigInts nor typed arrays and can do without. Deep values take the
// replacer's path, which also reports circular ones.
function needsReplacer(value: unknown, depth: number): boolean {
  if (typeof value === 'bigint') return true;
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 16 || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsReplacer(value[i], depth + 1)) return true;
    return false;
  }
  for (const key in value) if (needsReplacer((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** JSON-encodes a result, turning BigInts into numbers and typed arrays into arrays. */
export function stringifyJson(value: unknown): string {
  if (!needsReplacer(value, 0)) {
    try {
      return JSON.stringify(value) ?? 'null';
    } catch {
      // A toJSON() that returned a BigInt: the replacer's path handles it.
    }
  }
  return JSON.stringify(value, jsonReplacer) ?? 'null';
}
