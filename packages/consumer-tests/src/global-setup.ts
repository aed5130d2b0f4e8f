import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packAll } from './pack';

/** Packs every package once for all test files; they read the tarballs' paths from the environment. */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlserve-packs-'));
  const start = Date.now();
  const packs = await packAll(dir);
  process.env.MLSERVE_CONSUMER_PACKS = JSON.stringify({ dir, ms: Date.now() - start, packs: Object.fromEntries(packs) });
}
