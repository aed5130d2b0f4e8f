import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const hash = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Returns a check of `Authorization: Bearer <key>` or `x-api-key: <key>` against the accepted
 * keys. Keys are compared as SHA-256 digests in constant time, so timing reveals nothing of them.
 */
export function createKeyCheck(keys: readonly string[]): (req: IncomingMessage) => boolean {
  const digests = keys.map(hash);
  return (req) => {
    let presented = req.headers['x-api-key'];
    if (Array.isArray(presented)) presented = presented[0];
    if (presented === undefined) {
      const auth = req.headers.authorization;
      if (auth !== undefined && /^bearer\s+/i.test(auth)) presented = auth.replace(/^bearer\s+/i, '').trim();
    }
    if (presented === undefined || presented === '') return false;
    const digest = hash(presented);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, digest) || ok;
    return ok;
  };
}
