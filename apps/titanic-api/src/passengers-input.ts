import { createServiceError, json, type IODescriptor, type JSONSchema, type ValidationIssue } from '@mlserve/service';
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
 * form, so a 400 names the failing fields of that form only, for every passenger at once.
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
    const issues: ValidationIssue[] = [];
    if (list.length === 0) issues.push({ path: '/', message: 'must contain at least one passenger', keyword: 'minItems' });
    const decoded = list.map((item, row) => {
      const prefix = Array.isArray(value) ? `/${row}` : '';
      const isOneHot = typeof item === 'object' && item !== null && kOneHotColumns.some((column) => column in item);
      try {
        (isOneHot ? oneHot : raw).decode(item);
      } catch (err) {
        issues.push(...prefixIssues(err, prefix));
        return undefined;
      }
      if (!isOneHot) return item as RawPassenger;
      const contradictions = findOneHotIssues(item as OneHotPassenger, prefix);
      issues.push(...contradictions);
      return contradictions.length === 0 ? fromOneHot(item as OneHotPassenger) : undefined;
    });
    if (issues.length > 0) {
      const list = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
      throw createServiceError('MLS_ERR_IO_VALIDATION', `Request body does not match the schema: ${list}`, { details: issues });
    }
    return { value: decoded as RawPassenger[], single: !Array.isArray(value) };
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
