import { createCliError } from './errors';

/** One value or many, as strings. */
function asList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Parses repeatable `--<option> k=v` values into an object; values stay strings. */
export function parseKeyValues(value: unknown, option: string): Record<string, string> | undefined {
  const pairs = asList(value);
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw createCliError('MLS_ERR_CLI_USAGE', `--${option} expects key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Parses `--classes a,b` (numbers stay numbers, so `0,1` matches integer labels). */
export function parseClasses(value: unknown): Array<string | number> | undefined {
  if (value === undefined || value === '') return undefined;
  return asList(value)!
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^-?\d+$/.test(s) ? Number(s) : s));
}
