import type { DecodedInput } from './io-descriptor';
import { createServiceError } from './errors';
import { createValidationError, kMaxValidationIssues, type ValidationIssue } from './validation';

/**
 * Decodes one record: returns what the handler gets for it, or throws a 400
 * `MLS_ERR_IO_VALIDATION` whose issue paths are relative to the record (`/Age`, `/` for the record itself).
 */
export type RecordDecoder<TRecord> = (item: unknown) => TRecord;

/** Options of {@link decodeRecordList}. */
export interface RecordListOptions {
  /** Most records one request may carry (default 10,000); more answer 413 `MLS_ERR_IO_TOO_MANY_RECORDS`. */
  maxRecords?: number;
  /** What a record is called in error messages (default `'record'`). */
  noun?: string;
}

/**
 * The body rule of `records()`, for custom descriptors: one record or a non-empty array of them.
 * Each record goes through `decodeOne`; the handler always gets an array, and `single` says that one
 * record was sent. Issues of records in an array are listed under the record's index (`/3/Age`),
 * and validation stops once more than 50 are known (the answer says `truncated: true`).
 *
 * @example
 * const item = json({ schema: passengerSchema });
 * const decode = (value: unknown) => decodeRecordList(value, (record) => item.decode(record).value, { noun: 'passenger' });
 */
export function decodeRecordList<TRecord>(value: unknown, decodeOne: RecordDecoder<TRecord>, options: RecordListOptions = {}): DecodedInput<TRecord[]> {
  const { maxRecords = 10_000, noun = 'record' } = options;
  // One record: its own error is the answer, with its own count of what was left out.
  if (!Array.isArray(value)) return { value: [decodeOne(value)], single: true };
  if (value.length > maxRecords) {
    throw createServiceError('MLS_ERR_IO_TOO_MANY_RECORDS', `Request carries ${value.length} ${noun}s; at most ${maxRecords} are accepted per request`, {
      details: { maxRecords, received: value.length },
    });
  }
  if (value.length === 0) throw createValidationError([{ path: '/', message: `must contain at least one ${noun}`, keyword: 'minItems' }]);
  const decoded: TRecord[] = [];
  const issues: ValidationIssue[] = [];
  let truncated = false;
  // Stops past the cap: listing every issue of a huge invalid array took seconds and hundreds of MB.
  for (let i = 0; i < value.length && issues.length <= kMaxValidationIssues; i++) {
    try {
      decoded.push(decodeOne(value[i]));
    } catch (err) {
      const e = err as { code?: unknown; details?: unknown; truncated?: unknown };
      if (e.code !== 'MLS_ERR_IO_VALIDATION' || !Array.isArray(e.details)) throw err;
      for (const issue of e.details as ValidationIssue[]) issues.push({ ...issue, path: `/${i}${issue.path === '/' ? '' : issue.path}` });
      if (e.truncated === true) truncated = true;
    }
  }
  if (issues.length > 0) throw createValidationError(issues.slice(0, kMaxValidationIssues), { truncated: truncated || issues.length > kMaxValidationIssues });
  return { value: decoded, single: false };
}
