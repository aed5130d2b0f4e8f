import { type IODescriptor, isJsonMediaType, stringifyJson } from './io-descriptor';
import type { JSONSchema, PipelineLike } from './types';
import { compileSchema, createValidationError, exampleFromSchema, parseJson, stripDialect, toIssues, type ValidationIssue } from './validation';

/** Options of {@link records}. */
export interface RecordsOptions {
  /** Example record (or array of records) for the OpenAPI document; derived from the schema when absent. */
  example?: unknown;
  /** Most records one request may carry (default: unlimited, the body limit still applies). */
  maxRecords?: number;
}

/** One raw input record: column name to value (`null` or absent for missing). */
export type InputRecord = Record<string, unknown>;

/**
 * Raw records for a model with a preprocessing pipeline, validated against
 * `pipeline.inputSchema()`. A request carries one record or an array of them; the handler always
 * receives an array, and when one record was sent the first element of its result is answered
 * (one record in, one result out; an array in, an array out).
 *
 * @example
 * svc.api('predict', { input: records(model.pipeline), output: json() }, (rows) => runner.predict(rows));
 */
export function records(pipeline: PipelineLike | undefined, options: RecordsOptions = {}): IODescriptor<InputRecord[]> {
  // `undefined` is typed in so that `records(model.pipeline)` compiles; a model without
  // pipeline.json fails here, at startup, with a clear message.
  if (typeof pipeline !== 'object' || pipeline === null || typeof pipeline.inputSchema !== 'function') {
    throw new TypeError('pipeline must be a Pipeline (an object with inputSchema()); a model saved without pipeline.json has none, use json() or tensor()');
  }
  const { maxRecords } = options;
  if (maxRecords !== undefined && (!Number.isInteger(maxRecords) || maxRecords < 1)) {
    throw new RangeError('options.maxRecords must be a positive integer');
  }
  const recordSchema = stripDialect(pipeline.inputSchema() as JSONSchema);
  const validate = compileSchema(recordSchema);
  const arraySchema: JSONSchema = { type: 'array', items: recordSchema, minItems: 1, ...(maxRecords ? { maxItems: maxRecords } : {}) };
  const example = options.example !== undefined ? options.example : exampleFromSchema(recordSchema);

  const decode = (value: unknown) => {
    if (!Array.isArray(value)) {
      if (!validate(value)) throw createValidationError(toIssues(validate.errors ?? []));
      return { value: [value as InputRecord], single: true };
    }
    const issues: ValidationIssue[] = [];
    if (value.length === 0) issues.push({ path: '/', message: 'must contain at least one record', keyword: 'minItems' });
    if (maxRecords !== undefined && value.length > maxRecords) {
      issues.push({ path: '/', message: `must contain at most ${maxRecords} records`, keyword: 'maxItems' });
    }
    for (let i = 0; i < value.length; i++) {
      if (!validate(value[i])) issues.push(...toIssues(validate.errors ?? [], `/${i}`));
    }
    if (issues.length > 0) throw createValidationError(issues);
    return { value: value as InputRecord[], single: false };
  };
  return {
    kind: 'records',
    mediaType: 'application/json',
    example,
    schema: () => ({ oneOf: [recordSchema, arraySchema] }),
    acceptsMediaType: isJsonMediaType,
    decodeRaw: (raw) => decode(parseJson(raw)),
    decode,
    encode: stringifyJson,
  };
}
