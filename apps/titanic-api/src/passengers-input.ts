import {
  createServiceError,
  createValidationError,
  json,
  kDefaultRecordsOptions,
  kMaxValidationIssues,
  type IODescriptor,
  type JSONSchema,
  type ValidationIssue,
} from '@mlserve/service';
import {
  findOneHotIssues,
  fromOneHot,
  kOneHotColumns,
  kOneHotPassengerSchema,
  kRawExample,
  type OneHotPassenger,
  type RawPassenger,
} from './passenger';

/**
 * The input of `POST /predict`: one passenger or a non-empty list, each in the raw CSV form (the
 * pipeline's `inputSchema()`) or in the seed's one-hot form. Like @mlserve/service's `records()`,
 * the handler always receives a list (of raw passengers: one-hot ones are converted back) and one
 * passenger in answers one result out. Each passenger is validated against the schema of its own
 * form, so a 400 names the failing fields of that form only, at most 50 of them (validation stops
 * there and the answer says `truncated: true`). More than 10,000 passengers (the runner's default
 * `maxQueue`) answer 413 `MLS_ERR_IO_TOO_MANY_RECORDS`, as `records()` does.
 */
export function passengers(rawSchema: JSONSchema): IODescriptor<RawPassenger[]> {
  const { $schema: _dialect, $id: _id, ...schema } = rawSchema;
  // Strict, unlike the pipeline's schema: a one-hot column in a raw passenger is a mistake to report.
  const rawPassenger = { ...schema, title: 'Passenger', additionalProperties: false, examples: [kRawExample] };
  const raw = json({ schema: rawPassenger });
  const oneHot = json({ schema: kOneHotPassengerSchema as unknown as JSONSchema });
  const body = json();
  const passenger = { oneOf: [rawPassenger, kOneHotPassengerSchema] };
  const documented = {
    title: 'PredictInput',
    description: 'One passenger (raw CSV columns, or the one-hot form of the seed) or a non-empty list of them.',
    oneOf: [passenger, { type: 'array', items: passenger, minItems: 1 }],
  };

  const decode = (value: unknown) => {
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (list.length === 0) throw createValidationError([{ path: '/', message: 'must contain at least one passenger', keyword: 'minItems' }]);
    const { maxRecords } = kDefaultRecordsOptions;
    if (list.length > maxRecords) {
      throw createServiceError('MLS_ERR_IO_TOO_MANY_RECORDS', `Request carries ${list.length} passengers; at most ${maxRecords} are accepted per request`, {
        details: { maxRecords, received: list.length },
      });
    }
    const issues: ValidationIssue[] = [];
    let truncated = false;
    const decoded: RawPassenger[] = [];
    // Stops past the cap: listing every issue of 900 KB of `{}` took seconds and a 100 MB answer.
    for (let row = 0; row < list.length && issues.length <= kMaxValidationIssues; row++) {
      const item = list[row];
      const prefix = Array.isArray(value) ? `/${row}` : '';
      const isOneHot = typeof item === 'object' && item !== null && kOneHotColumns.some((column) => column in item);
      try {
        (isOneHot ? oneHot : raw).decode(item);
      } catch (err) {
        issues.push(...prefixIssues(err, prefix));
        if ((err as { truncated?: unknown }).truncated === true) truncated = true;
        continue;
      }
      if (!isOneHot) {
        decoded.push(item as RawPassenger);
        continue;
      }
      const contradictions = findOneHotIssues(item as OneHotPassenger, prefix);
      issues.push(...contradictions);
      if (contradictions.length === 0) decoded.push(fromOneHot(item as OneHotPassenger));
    }
    if (issues.length > 0) throw createValidationError(issues.slice(0, kMaxValidationIssues), { truncated: truncated || issues.length > kMaxValidationIssues });
    return { value: decoded, single: !Array.isArray(value) };
  };

  return {
    kind: 'records',
    mediaType: 'application/json',
    example: kRawExample,
    schema: () => documented,
    acceptsMediaType: (mediaType) => body.acceptsMediaType(mediaType),
    decodeRaw: (text) => decode(body.decodeRaw(text).value),
    decode,
    encode: (result) => body.encode(result),
  };
}

/** The issues of a validation error, their paths moved under the passenger's index in a list. */
function prefixIssues(err: unknown, prefix: string): ValidationIssue[] {
  const details = (err as { code?: unknown; details?: unknown }).details;
  if ((err as { code?: unknown }).code !== 'MLS_ERR_IO_VALIDATION' || !Array.isArray(details)) throw err;
  return (details as ValidationIssue[]).map((issue) => ({ ...issue, path: prefix + (issue.path === '/' && prefix !== '' ? '' : issue.path) }));
}
