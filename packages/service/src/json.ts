import type { ValidateFunction } from 'ajv';
import { type IODescriptor, isJsonMediaType, stringifyJson } from './io-descriptor';
import type { JSONSchema } from './types';
import { compileSchema, createIssuesError, exampleFromSchema, kMaxValidationIssues, parseJson, stripDialect, toIssues } from './validation';

// Bodies larger than this are validated up to their first failing field only (see decode).
const kAllErrorsMaxBytes = 64 * 1024;

/** Options of {@link json}. */
export interface JsonOptions {
  /** JSON Schema (2020-12) of the body; requests are validated against it, outputs only documented. */
  schema?: JSONSchema;
  /** Example body for the OpenAPI document; derived from the schema when absent. */
  example?: unknown;
}

/**
 * A JSON body, validated by ajv against `schema` (compiled once, every failing field reported).
 * As an output it documents the response and encodes the result with `JSON.stringify`
 * (BigInts become numbers, typed arrays become arrays).
 *
 * @example
 * svc.api('sum', { input: json({ schema: { type: 'array', items: { type: 'number' } } }), output: json() },
 *   (xs: number[]) => xs.reduce((a, b) => a + b, 0));
 */
export function json<TInput = unknown>(options: JsonOptions = {}): IODescriptor<TInput> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (options.schema !== undefined && (typeof options.schema !== 'object' || options.schema === null || Array.isArray(options.schema))) {
    throw new TypeError('options.schema must be a JSON Schema object');
  }
  const schema = options.schema;
  const validate: ValidateFunction | undefined = schema === undefined ? undefined : compileSchema(schema);
  const example = options.example !== undefined ? options.example : schema === undefined ? undefined : exampleFromSchema(schema);
  let validateFirst: ValidateFunction | undefined;
  const decode = (value: unknown, bytes = 0) => {
    if (validate !== undefined && bytes > kAllErrorsMaxBytes) {
      // ajv's allErrors on a large invalid body (`[{}, {}, ...]`) builds an error per field and
      // blocks the event loop meanwhile. Large bodies stop at the first failing field instead.
      validateFirst ??= compileSchema(schema!, false);
      if (validateFirst(value)) return { value: value as TInput, single: false };
      throw createIssuesError('MLS_ERR_IO_VALIDATION', 'Request body does not match the schema', toIssues(validateFirst.errors ?? [], '', kMaxValidationIssues), true);
    }
    if (validate !== undefined && !validate(value)) {
      const errors = validate.errors ?? [];
      // Only the listed issues are built; the others are counted in the message ("and N more").
      const issues = toIssues(errors, '', kMaxValidationIssues);
      throw createIssuesError('MLS_ERR_IO_VALIDATION', 'Request body does not match the schema', issues, errors.length - issues.length);
    }
    return { value: value as TInput, single: false };
  };
  return {
    kind: 'json',
    mediaType: 'application/json',
    example,
    schema: () => (schema === undefined ? {} : stripDialect(schema)),
    acceptsMediaType: isJsonMediaType,
    decodeRaw: (raw) => decode(parseJson(raw), raw.length),
    decode: (value) => decode(value),
    encode: stringifyJson,
  };
}
