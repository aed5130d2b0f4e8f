import { existsSync } from 'node:fs';
import path from 'node:path';
import { captureWriter, kTinyModelDir, makeTempDir } from '../../../test/helpers';
import { deleteModel, exportModel, getModel, importModel, listModels } from './index';

describe('models commands on a temporary store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('imports an exporter directory with its pipeline, classes and metadata', async () => {
    const ref = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter(), stderr: captureWriter() });
    expect(ref.tag).toMatch(/^tiny:/);
    const stdout = captureWriter();
    const details = await getModel({ home: tmp.dir, tag: 'tiny', stdout, json: true });
    const manifest = details.manifest as { classes: unknown; labels: unknown; metadata: Record<string, unknown>; metrics: unknown };
    expect(manifest.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(manifest.labels).toEqual({ owner: 'cli-tests' });
    expect(manifest.metrics).toEqual({ test_accuracy: 0.9 });
    expect(manifest.metadata).toMatchObject({ dataset: 'synthetic', estimator: 'LogisticRegression' });
    expect(JSON.parse(stdout.text()).tag).toBe(ref.tag);
  });

  it('imports a bare .onnx with a pipeline, classes and metadata from the command line', async () => {
    const ref = await importModel({
      home: tmp.dir,
      file: path.join(kTinyModelDir, 'model.onnx'),
      name: 'bare',
      pipeline: path.join(kTinyModelDir, 'pipeline.json'),
      classes: ['a', 'b', 'c'],
      metadata: { team: 'x' },
      stdout: captureWriter(),
    });
    const stdout = captureWriter();
    await getModel({ home: tmp.dir, tag: ref.tag, stdout });
    expect(stdout.text()).toContain('classes:  a, b, c');
    expect(stdout.text()).toContain('pipeline: 3 input columns -> 4 features');
    expect(stdout.text()).toContain('team: x');
  });

  it('imports nothing with ifChanged when the latest version holds the same model and pipeline', async () => {
    const first = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    expect(first.saved).toBe(true);
    const stdout = captureWriter();
    const again = await importModel({ home: tmp.dir, file: kTinyModelDir, ifChanged: true, stdout });
    expect(again).toEqual({ ...first, saved: false });
    expect(stdout.text()).toBe(`Unchanged: ${first.tag} already holds this model and pipeline\n`);
    expect(await listModels({ home: tmp.dir, stdout: captureWriter() })).toHaveLength(1);
    const archive = await exportModel({ home: tmp.dir, tag: first.tag, out: tmp.dir, stdout: captureWriter() });
    await expect(importModel({ home: tmp.dir, file: archive, name: 'copy', ifChanged: true, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_USAGE',
    });
  });

  it('lists models newest first as a table or JSON', async () => {
    const first = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const second = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const stdout = captureWriter();
    const list = await listModels({ home: tmp.dir, stdout });
    expect(list.map((m) => m.tag)).toEqual([second.tag, first.tag]);
    expect(stdout.text().split('\n')[0]).toMatch(/^Tag\s+Size\s+Created$/);
    const json = captureWriter();
    await listModels({ home: tmp.dir, name: 'tiny', stdout: json, json: true });
    expect(JSON.parse(json.text()).map((m: { tag: string }) => m.tag)).toEqual([second.tag, first.tag]);
    const empty = captureWriter();
    expect(await listModels({ home: tmp.dir, name: 'none', stdout: empty })).toEqual([]);
    expect(empty.text()).toContain('No models named "none"');
  });

  it('exports to an archive that imports back under another name', async () => {
    const ref = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const file = await exportModel({ home: tmp.dir, tag: 'tiny', out: tmp.dir, stdout: captureWriter(), stderr: captureWriter() });
    expect(file).toBe(path.join(tmp.dir, `tiny-${ref.version}.mlmodel`));
    const copy = await importModel({ home: path.join(tmp.dir, 'other'), file, name: 'copy', stdout: captureWriter() });
    expect(copy.tag).toMatch(/^copy:/);
  });

  it('deletes only when confirmed: -y, or yes on a terminal', async () => {
    const ref = await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const stdout = captureWriter();
    await expect(deleteModel({ home: tmp.dir, tag: ref.tag, stdout, interactive: false })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_CONFIRM_REQUIRED',
      message: expect.stringContaining('-y'),
    });
    await expect(deleteModel({ home: tmp.dir, tag: ref.tag, stdout, interactive: true, confirm: async () => false })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_ABORTED' });
    const questions: string[] = [];
    await deleteModel({ home: tmp.dir, tag: ref.tag, stdout, interactive: true, confirm: async (q) => (questions.push(q), true) });
    expect(questions).toEqual([`Delete model ${ref.tag}?`]);
    expect(existsSync(ref.path)).toBe(false);
  });

  it('reports a missing file or model with its code', async () => {
    await expect(importModel({ home: tmp.dir, file: 'nope.onnx', stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_FILE_NOT_FOUND' });
    await expect(importModel({ home: tmp.dir, file: path.join(kTinyModelDir, 'metadata.json'), stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_INPUT_FORMAT',
    });
    await expect(getModel({ home: tmp.dir, tag: 'ghost', stdout: captureWriter() })).rejects.toMatchObject({ code: expect.stringMatching(/^MLS_ERR_STORE_/) });
  });
});
