import { createStoreError } from './errors';

/** Names and versions: lowercase letters, digits, `-`, `.`, `_`; starting and ending with a letter or digit. */
const kNamePattern = /^[a-z0-9]([-._a-z0-9]*[a-z0-9])?$/;
const kMaxNameLength = 63;

/** A tag split into its parts; `version` is `'latest'` when the tag names no version. */
export interface ParsedTag {
  name: string;
  version: string;
}

/**
 * True when `value` may be used as a model name or version. The pattern keeps every name a single
 * path segment (no `/`, no `..`, no leading dot), so no path built from it leaves the store.
 */
export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= kMaxNameLength && kNamePattern.test(value) && !value.includes('..');
}

/**
 * Throws `MLS_ERR_STORE_INVALID_TAG` unless `value` is a valid model name (`what` = 'name') or
 * version (`what` = 'version').
 */
export function assertValidName(value: unknown, what: 'name' | 'version' = 'name'): asserts value is string {
  if (isValidName(value)) return;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw createStoreError(
    'MLS_ERR_STORE_INVALID_TAG',
    `Invalid model ${what} ${shown}: use 1 to ${kMaxNameLength} characters of a-z, 0-9, "-", "." and "_", ` +
      `starting and ending with a letter or digit (no upper case, slashes or "..")`,
  );
}

/** Throws `MLS_ERR_STORE_INVALID_TAG` unless `name`, taken from the file or directory `from`, is a valid model name. */
export function assertDerivedName(name: string, from: string): void {
  if (isValidName(name)) return;
  throw createStoreError('MLS_ERR_STORE_INVALID_TAG', `Cannot name the model after ${from}: ${JSON.stringify(name)} is not a valid model name; pass options.name`);
}

/**
 * Splits `name`, `name:latest`, `name:version` or `name:<version prefix>` into name and version.
 * Throws `MLS_ERR_STORE_INVALID_TAG` for anything else.
 *
 * @example parseTag('titanic_model') // { name: 'titanic_model', version: 'latest' }
 */
export function parseTag(tag: string): ParsedTag {
  if (typeof tag !== 'string') {
    throw createStoreError('MLS_ERR_STORE_INVALID_TAG', `A tag must be a string like "name" or "name:version", got ${typeof tag}`);
  }
  const parts = tag.split(':');
  if (parts.length > 2) {
    throw createStoreError('MLS_ERR_STORE_INVALID_TAG', `Invalid tag ${JSON.stringify(tag)}: expected "name" or "name:version"`);
  }
  const [name, version = 'latest'] = parts as [string, string?];
  assertValidName(name, 'name');
  assertValidName(version, 'version');
  return { name, version };
}

/** `name:version`, the tag that names one version exactly. */
export function formatTag(name: string, version: string): string {
  return `${name}:${version}`;
}
