import type { ColumnKind, Node } from './column';

/** A JSON Schema document as a plain object (draft 2020-12 and draft-07 compatible). */
export type JSONSchema = { [keyword: string]: unknown };

type Outcome = { missing: true } | { missing: false; value: number | string | null } | 'error';

/** What a missing value of a raw column turns into at `node`: still missing, a value, or an error. */
function followMissing(node: Node, states: Map<Node, Outcome>): Outcome {
  if (node.op === 'raw') return { missing: true };
  const input = states.get(node.input) ?? 'error';
  if (input === 'error') return 'error';
  switch (node.op) {
    case 'impute':
      return input.missing ? { missing: false, value: node.fill } : input;
    case 'standard':
    case 'minmax':
      return input.missing ? 'error' : input;
    case 'onehot': {
      if (node.ignoreUnknown) return { missing: false, value: null };
      if (input.missing) return node.nullIndex >= 0 ? { missing: false, value: null } : 'error';
      return input.value === null || node.index.has(input.value) ? { missing: false, value: null } : 'error';
    }
    case 'slot':
      return input;
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
    const own = nodes.filter((n) => n.source === input.name);
    const states = new Map<Node, Outcome>();
    let acceptsMissing = true;
    let allowed: Array<number | string> | null = null;
    for (const node of own) {
      const state = followMissing(node, states);
      states.set(node, state);
      if (state === 'error' || (outputSet.has(node) && state.missing)) acceptsMissing = false;
      const cats = strictCategories(node);
      if (cats) allowed = allowed === null ? cats : allowed.filter((c) => cats.includes(c));
    }
    const used = own.length > 0;
    const nullable = !used || acceptsMissing;
    const schema: JSONSchema = { type: nullable ? [input.kind, 'null'] : input.kind };
    if (allowed !== null) schema.enum = nullable ? [...allowed, null] : allowed;
    // defineProperty, so that a column named "__proto__" stays a property.
    Object.defineProperty(properties, input.name, { value: schema, enumerable: true, writable: true, configurable: true });
    if (!nullable) required.push(input.name);
  }
  return { type: 'object', properties, required, additionalProperties: true };
}
