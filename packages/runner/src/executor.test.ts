import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveWorkerFile } from './executor';

describe('resolveWorkerFile()', () => {
  it('finds the built worker beside the sources', () => {
    expect(resolveWorkerFile()).toBe(join(__dirname, '..', 'dist', 'worker.cjs'));
  });

  it('throws MLS_ERR_RUNNER_MODEL_LOAD naming the missing worker entry when the package is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-runner-'));
    try {
      expect(() => resolveWorkerFile(dir)).toThrow(expect.objectContaining({ code: 'MLS_ERR_RUNNER_MODEL_LOAD', message: expect.stringContaining(join(dir, 'worker.cjs')) }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
