import { randomBytes } from 'node:crypto';
import { createStoreError } from './errors';

// Crockford's base32 in lowercase: no i, l, o, u, and ASCII order equals numeric order, so
// comparing two versions as strings compares their creation times.
const kAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const kTimeChars = 10; // 50 bits, enough for the 48-bit millisecond timestamp
const kTailChars = 6; // 30 bits of randomness (or a counter when incremented)
const kMaxTail = 2 ** (kTailChars * 5) - 1;

/** Matches versions that {@link createVersion} generates. */
export const kVersionPattern = /^[0-9a-hjkmnp-tv-z]{16}$/;

let lastTime = 0;
let lastTail = 0;

function encode(value: number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out = kAlphabet[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function decode(text: string): number {
  let value = 0;
  for (const ch of text) value = value * 32 + kAlphabet.indexOf(ch);
  return value;
}

/**
 * A new version: 16 lowercase Crockford base32 characters, the first 10 the creation time in
 * milliseconds, the last 6 random (ULID-like). Versions are strictly increasing within a process,
 * even in the same millisecond or when the clock steps back; pass `after` (the newest existing
 * version, read under the store lock) to keep them increasing across processes too.
 */
export function createVersion(after?: string, now: number = Date.now()): string {
  let time = Math.max(now, lastTime);
  let tail: number;
  if (time === lastTime) {
    tail = lastTail + 1;
  } else {
    tail = randomBytes(4).readUInt32BE(0) & (kMaxTail >>> 1); // start in the lower half: room to count up
  }
  if (after !== undefined && kVersionPattern.test(after)) {
    const afterTime = decode(after.slice(0, kTimeChars));
    const afterTail = decode(after.slice(kTimeChars));
    if (time < afterTime || (time === afterTime && tail <= afterTail)) {
      time = afterTime;
      tail = afterTail + 1;
    }
  }
  if (tail > kMaxTail) {
    time += 1;
    tail = 0;
  }
  lastTime = time;
  lastTail = tail;
  return encode(time, kTimeChars) + encode(tail, kTailChars);
}

/** The creation time encoded in a generated version, or undefined for any other string. */
export function versionTime(version: string): Date | undefined {
  if (!kVersionPattern.test(version)) return undefined;
  return new Date(decode(version.slice(0, kTimeChars)));
}

/**
 * Matches versions a user may choose: `v1.0.0`, `1.2`, `v2`, `v2.0.0-rc.1` (an optional `v`, one
 * to three dot-separated numbers, an optional `-` suffix of `a-z 0-9 .`).
 */
export const kUserVersionPattern = /^v?\d{1,9}(\.\d{1,9}){0,2}(-[0-9a-z]+(\.[0-9a-z]+)*)?$/;

/** True for a version the store generates or a user may choose. */
export function isKnownVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length <= 63 && (kVersionPattern.test(version) || kUserVersionPattern.test(version));
}

/** Throws `MLS_ERR_STORE_INVALID_TAG` unless `version` is a version a user may choose. */
export function assertUserVersion(version: unknown, what = 'input.version'): asserts version is string {
  if (typeof version === 'string' && version.length <= 63 && kUserVersionPattern.test(version) && !kVersionPattern.test(version)) return;
  throw createStoreError(
    'MLS_ERR_STORE_INVALID_TAG',
    `Invalid ${what} ${typeof version === 'string' ? JSON.stringify(version) : String(version)}: a chosen version looks like v1.0.0, 1.2, v2 or v2.0.0-rc.1 ` +
      `(an optional "v", one to three dot-separated numbers, an optional "-" suffix of a-z, 0-9 and "."); leave it out to get a generated one`,
    { details: { field: what } },
  );
}
