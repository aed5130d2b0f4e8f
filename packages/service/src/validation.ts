import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { MlserveError } from '@mlserve/errors';
import { createServiceError } from './errors';
import { validate as generatedMetaValidator } from './generated/meta-schema-validator';
import type { JSONSchema } from './types';

/** One failing field of a request body. */
export interface ValidationIssue {
  /** JSON Pointer of the failing value (`/0/Age`), `/` for the body itself. */
  path: string;
  message: string;
  keyword: string;
}

// Schemas are checked against the meta-schema by its precompiled validator (checkSchema) instead:
// ajv compiling the 2020-12 meta-schema took 100-200 ms of every start.
function createAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: false, validateSchema: false });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  return ajv;
}

/** One shared ajv per allErrors setting: each schema compiled by a new instance would load its keywords and formats again. */
const kSharedAjv = new Map<boolean, Ajv2020>();

function sharedAjv(allErrors: boolean): Ajv2020 {
  return kSharedAjv.get(allErrors) ?? kSharedAjv.set(allErrors, createAjv(allErrors)).get(allErrors)!;
}

/**
 * A validator of a JSON Schema, every error reported (ajv `allErrors`) unless told otherwise. The
 * schema is checked against the 2020-12 meta-schema at once (an invalid one throws here); ajv
 * compiles it on the first validation, and the shared ajv instance (~10 ms to create) is made
 * then too: tens of ms each at start-up, for schemas such as a service's outputs that may never be
 * validated. A schema with references is compiled at once, so that one pointing nowhere throws
 * here too.
 */
export function compileSchema(schema: JSONSchema, allErrors = true): ValidateFunction {
  const text = JSON.stringify(schema);
  const stripped = stripDialect(schema);
  checkSchema(stripped);
  if (/"\$(?:ref|dynamicRef|id|anchor|dynamicAnchor)"/.test(text)) {
    // A schema carrying an `$id` gets an ajv of its own: two with the same `$id` must not collide.
    return (text.includes('"$id"') ? createAjv(allErrors) : sharedAjv(allErrors)).compile(stripped);
  }
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= sharedAjv(allErrors).compile(stripped);
    const valid = compiled(data) as boolean;
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}

/** Throws, as ajv's own check does (`schema is invalid: data/type must be ...`), when a schema does not match the 2020-12 meta-schema. */
const validateMetaSchema = generatedMetaValidator as unknown as { (schema: unknown): boolean; errors?: ErrorObject[] | null };

function checkSchema(schema: JSONSchema): void {
  if (validateMetaSchema(schema)) return;
  throw new Error(`schema is invalid: ${sharedAjv(true).errorsText(validateMetaSchema.errors)}`);
}

/** Drops a top-level `$schema` so draft-07 schemas compile under the 2020-12 dialect too. */
export function stripDialect(schema: JSONSchema): JSONSchema {
  if (!('$schema' in schema)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * Most issues a 400 lists (in `message` and `details`): a small body of many invalid fields would
 * otherwise get an answer far larger than itself; decoders stop validating once they have more.
 */
export const kMaxValidationIssues = 50;

/** Options of {@link createValidationError}. */
export interface ValidationErrorOptions {
  /** Validation stopped early: more issues exist than were collected (their number is unknown). */
  truncated?: boolean;
}

/** Turns ajv errors (at most `limit` of them) into issues whose paths name the failing field, missing ones included. */
export function toIssues(errors: readonly ErrorObject[], prefix = '', limit = Infinity): ValidationIssue[] {
  return errors.slice(0, limit).map((e) => {
    let path = prefix + e.instancePath;
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    if (e.keyword === 'required' && params.missingProperty !== undefined) path += `/${params.missingProperty}`;
    if (e.keyword === 'additionalProperties' && params.additionalProperty !== undefined) path += `/${params.additionalProperty}`;
    const message = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not allowed' : (e.message ?? 'is invalid');
    return { path: path === '' ? '/' : capText(path), message: capText(message), keyword: e.keyword };
  });
}

const kMaxIssueChars = 200;

// A key of 100 KB is named by its first characters: enough to find it, not enough to echo a body.
function capText(text: string): string {
  return text.length > kMaxIssueChars ? `${text.slice(0, kMaxIssueChars)}…` : text;
}

/**
 * The 400 `MLS_ERR_IO_VALIDATION` error listing the issues in `message` and `details`, at most
 * {@link kMaxValidationIssues} of them. When some are left out the message ends with `and N more`
 * (`and more` when validation stopped early) and the error carries `truncated: true`, which the
 * service adds to the body.
 */
export function createValidationError(issues: readonly ValidationIssue[], options: ValidationErrorOptions = {}): MlserveError {
  return createIssuesError('MLS_ERR_IO_VALIDATION', 'Request body does not match the schema', issues, options.truncated === true);
}

/**
 * An error of `code` listing at most {@link kMaxValidationIssues} issues; see
 * {@link createValidationError}. `uncounted`: issues beyond `issues` exist (a number: how many; true:
 * validation stopped early, unknown).
 */
export function createIssuesError(
  code: 'MLS_ERR_IO_VALIDATION' | 'MLS_ERR_IO_TENSOR',
  intro: string,
  issues: readonly ValidationIssue[],
  uncounted: number | boolean = 0,
): MlserveError {
  const listed = issues.slice(0, kMaxValidationIssues);
  const omitted = issues.length - listed.length + (typeof uncounted === 'number' ? uncounted : 0);
  let list = listed.map((i) => `${i.path} ${i.message}`).join('; ');
  if (uncounted === true) list += '; and more (validation stopped early)';
  else if (omitted > 0) list += `; and ${omitted} more`;
  const err = createServiceError(code, `${intro}: ${list}`, { details: listed });
  if (uncounted === true || omitted > 0) Object.assign(err, { truncated: true });
  return err;
}

/** Parses JSON, mapping a syntax error to `MLS_ERR_IO_MALFORMED_JSON` (400). */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    const reason = raw.trim() === '' ? 'the body is empty' : (err as Error).message;
    throw createServiceError('MLS_ERR_IO_MALFORMED_JSON', `Request body is not valid JSON: ${reason}`);
  }
}

/** A small example value built from a schema, for the OpenAPI document. */
export function exampleFromSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as Record<string, unknown>;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null) ?? null;
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length > 0) return exampleFromSchema(list[0], depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [name, sub] of Object.entries(props)) out[name] = exampleFromSchema(sub, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? Math.max(1, s.minItems) : 1;
      return Array.from({ length: Math.min(min, 16) }, () => exampleFromSchema(s.items, depth + 1));
    }
    case 'number':
    case 'integer':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'string':
      return 'string';
    case 'boolean':
      return true;
    default:
      return null;
  }
}
