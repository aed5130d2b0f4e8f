import path from 'node:path';
import { captureWriter, makeTempDir } from '../../../test/helpers';
import { formatImportances } from './get';
import { getModel, importModel } from './index';

describe('models get: feature importances', () => {
  it('lists the 10 largest, sorted, with bars scaled to the largest', () => {
    const raw = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, (i + 1) / 100]));
    const lines = formatImportances(raw);
    expect(lines[0]).toBe('feature importances (top 10 of 12):');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['f11', 'f10', 'f9', 'f8', 'f7', 'f6', 'f5', 'f4', 'f3', 'f2']);
    expect(lines[1]).toMatch(/f11 {2}0\.1200 {2}█{30}$/);
    expect(lines[10]).toMatch(/f2 {3}0\.0300 {2}█{8}$/);
    expect(formatImportances(undefined)).toEqual([]);
  });

  it('prints them for the breast cancer model instead of the unsorted dict', async () => {
    const tmp = makeTempDir();
    try {
      await importModel({ home: tmp.dir, file: path.resolve(__dirname, '../../../../../apps/breast-cancer-api/artifacts'), stdout: captureWriter() });
      const stdout = captureWriter();
      await getModel({ home: tmp.dir, tag: 'breast_cancer_model', stdout });
      const text = stdout.text();
      expect(text).toMatch(/feature importances \(top 10 of 30\):\n {2}worst area +0\.1400 {2}█{30}\n {2}worst concave points/);
      expect(text).not.toContain('featureImportances');
    } finally {
      tmp.cleanup();
    }
  });
});
