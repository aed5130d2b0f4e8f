import { createValidationError, decodeRecordList, json, kDefaultRecordsOptions, type IODescriptor, type JSONSchema } from '@mlserve/service';
import { findOneHotIssues, fromOneHot, hasOneHotColumn, kOneHotPassengerSchema, kRawExample, type OneHotPassenger, type RawPassenger } from './passenger';

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

  const decodeOne = (item: unknown): RawPassenger => {
    const isOneHot = typeof item === 'object' && item !== null && hasOneHotColumn(item);
    if (!isOneHot) return raw.decode(item).value as RawPassenger;
    oneHot.decode(item);
    const contradictions = findOneHotIssues(item as OneHotPassenger, '');
    if (contradictions.length > 0) throw createValidationError(contradictions);
    return fromOneHot(item as OneHotPassenger);
  };
  const decode = (value: unknown) => decodeRecordList(value, decodeOne, { maxRecords: kDefaultRecordsOptions.maxRecords, noun: 'passenger' });
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
