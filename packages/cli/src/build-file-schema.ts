import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import kBuildFileSchema from '../schema/mlserve.schema.json';

export { kBuildFileSchema };

type SchemaNode = { properties?: Record<string, SchemaNode>; $ref?: string; patternErrorMessage?: string };

// `patternErrorMessage` is the key VS Code's and yaml-language-server's validators show for a
// failed pattern; registered so that ajv's strict mode accepts it and the CLI says the same.
// Compiled on first use: `mlserve serve` of a service file imports this module but never reads an mlserve.yaml.
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
  ajv.addKeyword('patternErrorMessage');
  compiled = ajv.compile(kBuildFileSchema);
  return compiled;
}

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '') as keyof typeof kBuildFileSchema.definitions;
  return kBuildFileSchema.definitions[name] as SchemaNode;
}

/** Every key path the schema defines (`docker.base_image`, ...), for "did you mean" hints across sections. */
function listKeyPaths(node: SchemaNode, prefix: string[] = []): string[][] {
  return Object.entries(resolve(node).properties ?? {}).flatMap(([key, child]) => [[...prefix, key], ...listKeyPaths(child, [...prefix, key])]);
}
const kKeyPaths = listKeyPaths(kBuildFileSchema as SchemaNode);

/** `/kubernetes/replicas` -> `kubernetes.replicas`, `/models/0` -> `models[0]`. */
function keyPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

// Names other tools use for a key, too far from ours for an edit distance to find.
const kAliases: Record<string, string> = { k8s: 'kubernetes' };

/** The closest valid key at the same level, or the same key where it belongs in another section. */
function suggestKey(parentPath: string[], key: string): string | undefined {
  if (parentPath.length === 0 && kAliases[key]) return kAliases[key];
  const siblings = kKeyPaths.filter((p) => p.length === parentPath.length + 1 && p.slice(0, -1).join('.') === parentPath.join('.')).map((p) => p.at(-1)!);
  const near = siblings.length ? closest(key, siblings) : undefined;
  // A third of the key's length (at least 2 edits) still reads as a typo; more is a different word.
  if (near !== undefined && distance(key, near) <= Math.max(2, Math.floor(key.length / 3))) return [...parentPath, near].join('.');
  const elsewhere = kKeyPaths.find((p) => p.at(-1) === key);
  return elsewhere?.join('.');
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : JSON.stringify(value);
}

const kTypeNames: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };

function formatError(e: ErrorObject): string {
  const at = keyPath(e.instancePath);
  // A list entry (`models[0]`) reads clearly without quotes; a key is quoted as in YAML docs.
  const where = !at ? 'the build file' : at.endsWith(']') ? at : `\`${at}\``;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const parent = e.instancePath.split('/').slice(1);
      const hint = parent.some((p) => /^\d+$/.test(p)) ? undefined : suggestKey(parent, key);
      return `unknown key \`${keyPath(e.instancePath, key)}\`${hint ? `; did you mean \`${hint}\`?` : ''}`;
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return key === 'service' && !at ? '`service` is required (e.g. service: src/service.ts:svc)' : `\`${keyPath(e.instancePath, key)}\` is required`;
    }
    case 'type': {
      const types = String((e.params as { type: string | string[] }).type).split(',');
      const expected = types.map((t) => kTypeNames[t] ?? t).join(' or ');
      if (!at) return `the build file must be a mapping with at least \`service\` (got ${describe(e.data)})`;
      return `${where} must be ${expected === 'a string or a mapping' ? 'a string or { tag: name:version }' : expected} (got ${describe(e.data)})`;
    }
    case 'pattern':
      return `${where} ${(e.parentSchema as SchemaNode | undefined)?.patternErrorMessage ?? `must match ${(e.params as { pattern: string }).pattern}`} (got ${describe(e.data)})`;
    case 'propertyNames':
      return `${where} has the key ${JSON.stringify((e.params as { propertyName: string }).propertyName)}, not a valid environment variable name`;
    default:
      return `${where} ${e.message ?? 'is invalid'} (got ${describe(e.data)})`;
  }
}

/** Checks a parsed build file against the published schema; returns one message per problem (empty when valid). */
export function checkBuildFile(raw: unknown): string[] {
  const validate = validator();
  if (validate(raw)) return [];
  // `propertyNames` reports its inner pattern error too; the key's own message is clearer.
  const named = (validate.errors ?? []).filter((e) => !(e.keyword === 'pattern' && e.propertyName !== undefined));
  // The root `anyOf` (a service, or a list of models) fails with one error per branch: said once.
  const isChoice = (e: ErrorObject) => e.schemaPath.startsWith('#/anyOf');
  const messages = named.filter((e) => !isChoice(e)).map(formatError);
  if (named.some(isChoice) && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    messages.unshift('`service` is required (e.g. service: src/service.ts:svc), or a non-empty `models` list to serve with the generic model service');
  }
  return [...new Set(messages)];
}
