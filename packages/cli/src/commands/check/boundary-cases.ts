/** A request that a sound API must refuse with a 4xx. */
export interface BoundaryCase {
  name: string;
  /** The request body (a string is sent as it is). */
  body: unknown;
}

type Schema = { type?: unknown; properties?: Record<string, { type?: unknown; enum?: unknown[] }>; required?: string[] };

const typesOf = (prop: { type?: unknown } | undefined): string[] => (Array.isArray(prop?.type) ? (prop.type as string[]) : typeof prop?.type === 'string' ? [prop.type] : []);

/**
 * Boundary cases generated from the JSON Schema of one record and a valid record: a required field
 * missing, a field of the wrong type, extreme values (±1e300, which the training data never had),
 * an empty list, a body that is not JSON.
 */
export function boundaryCases(schema: Schema, valid: Record<string, unknown>): BoundaryCase[] {
  const cases: BoundaryCase[] = [];
  const required = schema.required ?? [];
  const props = schema.properties ?? {};
  if (required.length > 0) {
    const [name] = required;
    const { [name!]: _dropped, ...rest } = valid;
    cases.push({ name: `missing field "${name}"`, body: rest });
  }
  const numeric = Object.keys(props).find((n) => typesOf(props[n]).includes('number') && !typesOf(props[n]).includes('string'));
  const text = Object.keys(props).find((n) => typesOf(props[n]).includes('string') && !typesOf(props[n]).includes('number'));
  if (numeric !== undefined) cases.push({ name: `wrong type: "${numeric}" as text`, body: { ...valid, [numeric]: 'not a number' } });
  else if (text !== undefined) cases.push({ name: `wrong type: "${text}" as an object`, body: { ...valid, [text]: { nested: true } } });
  const numbers = Object.keys(props).filter((n) => typesOf(props[n]).includes('number'));
  if (numbers.length > 0) {
    cases.push({ name: `extreme values: ${numbers.length} numeric field(s) at 1e300`, body: { ...valid, ...Object.fromEntries(numbers.map((n) => [n, 1e300])) } });
    cases.push({ name: `extreme values: ${numbers.length} numeric field(s) at -1e300`, body: { ...valid, ...Object.fromEntries(numbers.map((n) => [n, -1e300])) } });
  }
  cases.push({ name: 'empty list', body: [] });
  cases.push({ name: 'a body that is not JSON', body: '{"truncated": ' });
  return cases;
}
