import { rmSync } from 'node:fs';

/** Removes the tarballs global-setup.ts packed. */
export default function globalTeardown(): void {
  const packed = process.env.MLSERVE_CONSUMER_PACKS;
  if (packed) rmSync((JSON.parse(packed) as { dir: string }).dir, { recursive: true, force: true });
}
