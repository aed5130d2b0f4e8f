import { makeTempDir } from '../test/helpers';
import { writeLockfile } from './bento-lock';

describe('writeLockfile', () => {
  it('reports why npm failed instead of throwing, so build can go on with a warning', async () => {
    const tmp = makeTempDir();
    try {
      await expect(writeLockfile(tmp.dir, 'false')).resolves.toMatch(/Command failed: false install --package-lock-only/);
      await expect(writeLockfile(tmp.dir, 'no-such-npm-here')).resolves.toMatch(/ENOENT/);
    } finally {
      tmp.cleanup();
    }
  });
});
