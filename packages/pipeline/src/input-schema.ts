import type { ColumnKind, Node, NumpyFunction } from './column';
import { applyFunction, kFunctions } from './numpy-function';

/** A JSON Schema document as a plain object (draft 2020-12 and draft-07 compatible). */
export type JSONSchema = { [keyword: string]: unknown };

type Outcome = { missing: true } | { missing: false; value: number | string | null } | 'error';

const kPresent: Outcome = { missing: false, value: null };

/** What `value`, a missing value's replacement, becomes through `func`. */
function applyToValue(func: NumpyFunction, value: number | string | null): Outcome {
  if (typeof value !== 'number') return kPresent;
  const y = applyFunction(kFunctions.indexOf(func), value);
  return Number.isFinite(y) ? { missing: false, value: y } : 'error';
}

/**
 * What a missing value of a raw column turns into at `node`: still missing, a value, or an error.
 * `states` holds the outcomes of the nodes of the same raw column; a node reading other columns
 * too (a product) sees those as present.
 */
function followMissing(node: Node, states: Map<Node, Outcome>): Outcome {
  if (node.op === 'raw') return { missing: true };
  if (node.op === 'constant') return kPresent;
  if (node.op === 'product') {
    const factors = node.inputs.map((input) => states.get(input) ?? kPresent);
    return factors.some((f) => f === 'error' || f.missing) ? 'error' : kPresent;
  }
  const input = states.get(node.input) ?? 'error';
  if (input === 'error') return 'error';
  switch (node.op) {
    case 'impute':
      return input.missing ? { missing: false, value: node.fill } : input;
    case 'standard':
    case 'minmax':
    case 'bin':
      return input.missing ? 'error' : input;
    case 'function':
      return input.missing ? input : applyToValue(node.func, input.value);
    case 'onehot': {
      if (node.ignoreUnknown) return kPresent;
      if (input.missing) return node.nullIndex >= 0 ? kPresent : 'error';
      return input.value === null || node.index.has(input.value) ? kPresent : 'error';
    }
    case 'ordinal': {
      // The category lookup accepted the value; what matters is whether its code is NaN.
      const raw = states.get(node.input.input) ?? 'error';
      if (raw === 'error' || !raw.missing) return kPresent;
      const code = node.input.nullIndex >= 0 ? node.missing : node.unknown;
      return Number.isNaN(code) ? { missing: true } : kPresent;
    }
    case 'slot':
      return input;
  }
}

/** The bounds FunctionTransformer's functions put on the raw values they read (JSON Schema keywords). */
const kDomainKeywords: Record<NumpyFunction, JSONSchema> = {
  log1p: { exclusiveMinimum: -1 },
  log: { exclusiveMinimum: 0 },
  sqrt: { minimum: 0 },
  exp: { maximum: Math.log(Number.MAX_VALUE) },
  abs: {},
};

/** The domain keywords of a FunctionTransformer node that reads the raw value unchanged (maybe imputed). */
function domainKeywords(node: Node): JSONSchema | null {
  if (node.op !== 'function') return null;
  let input = node.input;
  while (input.op === 'impute') input = input.input;
  return input.op === 'raw' ? kDomainKeywords[node.func] : null;
}

/** Merges bounds, keeping the tighter one of each keyword. */
function mergeBounds(into: JSONSchema, more: JSONSchema): void {
  for (const [key, value] of Object.entries(more) as Array<[string, number]>) {
    const current = into[key] as number | undefined;
    const lower = key === 'minimum' || key === 'exclusiveMinimum';
    if (current === undefined || (lower ? value > current : value < current)) into[key] = value;
  }
}

/** The categories a OneHotEncoder refuses others of, when it reads the raw value unchanged (maybe imputed). */
function strictCategories(node: Node): Array<number | string> | null {
  if (node.op !== 'onehot' || node.ignoreUnknown) return null;
  let input = node.input;
  while (input.op === 'impute') input = input.input;
  if (input.op !== 'raw') return null;
  return node.categories.filter((c): c is number | string => c !== null);
}

/**
 * The JSON Schema of one raw record for the compiled graph `nodes` (topologically sorted) whose
 * outputs are `outputs`. A column is nullable and optional when a missing value of it reaches the
 * output without an error (an imputer fills it, or a OneHotEncoder accepts it); it carries an
 * `enum` when a OneHotEncoder with handleUnknown 'error' reads it unchanged. Extra properties are
 * allowed: callers often send ids or labels along, and the pipeline ignores them.
 */
export function buildInputSchema(inputs: ReadonlyArray<{ name: string; kind: ColumnKind }>, nodes: readonly Node[], outputs: readonly Node[]): JSONSchema {
  const outputSet = new Set(outputs);
  const properties: Record<string, JSONSchema> = {};
  const required: string[] = [];
  for (const input of inputs) {
    const own = nodes.filter((n) => n.source === input.name || (n.op === 'product' && n.inputs.some((f) => f.source === input.name)));
    const states = new Map<Node, Outcome>();
    let acceptsMissing = true;
    let allowed: Array<number | string> | null = null;
    const bounds: JSONSchema = {};
    for (const node of own) {
      const state = followMissing(node, states);
      states.set(node, state);
      if (state === 'error' || (outputSet.has(node) && state.missing)) acceptsMissing = false;
      const cats = strictCategories(node);
      if (cats) allowed = allowed === null ? cats : allowed.filter((c) => cats.includes(c));
      const domain = domainKeywords(node);
      if (domain) mergeBounds(bounds, domain);
    }
    const used = own.length > 0;
    const nullable = !used || acceptsMissing;
    const schema: JSONSchema = { type: nullable ? [input.kind, 'null'] : input.kind };
    if (allowed !== null) schema.enum = nullable ? [...allowed, null] : allowed;
    else Object.assign(schema, bounds);
    // defineProperty, so that a column named "__proto__" stays a property.
    Object.defineProperty(properties, input.name, { value: schema, enumerable: true, writable: true, configurable: true });
    if (!nullable) required.push(input.name);
  }
  return { type: 'object', properties, required, additionalProperties: true };
}
