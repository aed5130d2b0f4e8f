import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTarGz } from '../test/helpers';
import { extractArchive } from './archive';

describe('extractArchive()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlserve-archive-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('rejects with the write error, and leaves no unhandled rejection, when a file cannot be written', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const archive = join(dir, 'a.mlmodel');
      await writeFile(
        archive,
        makeTarGz([
          { name: 'model.json', data: '{}' },
          { name: 'model.onnx', data: Buffer.alloc(200_000) },
        ]),
      );
      const out = join(dir, 'out');
      await mkdir(out);
      // a file in the way: the write stream of model.json fails while the archive is still being read
      await writeFile(join(out, 'model.json'), 'in the way');
      await expect(extractArchive(archive, out)).rejects.toMatchObject({ code: 'EEXIST' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('writes every entry whole, small ones after a large one included, and hashes what it wrote', async () => {
    const entries = [
      { name: 'model.json', data: '{"format":"mlserve.model/v1"}' },
      { name: 'model.onnx', data: randomBytes(1_500_000) },
      { name: 'pipeline.json', data: '{"format":"mlserve.pipeline/v1","inputs":[],"steps":[]}' },
    ];
    const archive = join(dir, 'a.mlmodel');
    await writeFile(archive, makeTarGz(entries));
    const out = join(dir, 'out');
    await mkdir(out);
    const digests = await extractArchive(archive, out);
    for (const { name, data } of entries) {
      const written = await readFile(join(out, name));
      expect(written.equals(Buffer.from(data))).toBe(true);
      expect(digests.get(name)).toEqual({ size: written.byteLength, sha256: createHash('sha256').update(written).digest('hex') });
    }
  });
});
