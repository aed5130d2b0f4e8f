import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const hash = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Returns a check of the API keys a request presents in `Authorization: Bearer <key>` and
 * `x-api-key: <key>`. The rule for several credentials: at least one must be presented and every
 * presented one must be valid, so a wrong key is never hidden behind a good one (a client sending
 * both learns of its stale header instead of depending on which one wins). Keys are compared as
 * SHA-256 digests in constant time, so timing reveals nothing of them.
 */
export function createKeyCheck(keys: readonly string[]): (req: IncomingMessage) => boolean {
  const digests = keys.map(hash);
  const isValid = (presented: string): boolean => {
    const digest = hash(presented);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, digest) || ok;
    return ok;
  };
  return (req) => {
    const presented: string[] = [];
    const header = req.headers['x-api-key'];
    if (header !== undefined) presented.push(...(Array.isArray(header) ? header : [header]));
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      // Another scheme (Basic for a proxy) is not an API key; a Bearer token is one.
      if (/^bearer\s+/i.test(auth)) presented.push(auth.replace(/^bearer\s+/i, '').trim());
    }
    if (presented.length === 0) return false;
    return presented.every((key) => key !== '' && isValid(key));
  };
}
