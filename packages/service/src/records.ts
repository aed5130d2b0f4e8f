import { type IODescriptor, isJsonMediaType, stringifyJson } from './io-descriptor';
import type { JSONSchema, PipelineLike } from './types';
import { decodeRecordList } from './record-list';
import { compileSchema, createIssuesError, exampleFromSchema, kMaxValidationIssues, parseJson, stripDialect, toIssues } from './validation';

/** Options of {@link records}. */
export interface RecordsOptions {
  /** Example record (or array of records) for the OpenAPI document; derived from the schema when absent. */
  example?: unknown;
  /**
   * Most records one request may carry (default 10,000, the default `maxQueue` of
   * `@mlserve/runner`; `Infinity`: no limit but the body limit). More answer 413
   * `MLS_ERR_IO_TOO_MANY_RECORDS`: a request the runner's queue can never hold would otherwise get
   * 503 forever. Keep it at most the runner's `maxQueue`.
   */
  maxRecords?: number;
}

/** Defaults of {@link RecordsOptions}. */
export const kDefaultRecordsOptions = { maxRecords: 10_000 } as const;

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
  const maxRecords = options.maxRecords ?? kDefaultRecordsOptions.maxRecords;
  if (maxRecords !== Infinity && (!Number.isInteger(maxRecords) || maxRecords < 1)) {
    throw new RangeError('options.maxRecords must be a positive integer or Infinity');
  }
  const recordSchema = stripDialect(pipeline.inputSchema() as JSONSchema);
  const validate = compileSchema(recordSchema);
  const arraySchema: JSONSchema = { type: 'array', items: recordSchema, minItems: 1, ...(maxRecords === Infinity ? {} : { maxItems: maxRecords }) };
  const example = options.example !== undefined ? options.example : exampleFromSchema(recordSchema);

  const decodeOne = (item: unknown): InputRecord => {
    if (validate(item)) return item as InputRecord;
    const errors = validate.errors ?? [];
    const issues = toIssues(errors, '', kMaxValidationIssues);
    throw createIssuesError('MLS_ERR_IO_VALIDATION', 'Request body does not match the schema', issues, errors.length - issues.length);
  };
  const decode = (value: unknown) => decodeRecordList(value, decodeOne, { maxRecords });
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
