import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHintedModel, readModelHint, recordModelHint } from './model-hint';

describe('the model hint of a warm pool', () => {
  const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  let dir: string;
  const saved = process.env.MLSERVE_RUNNER_HINT_FILE;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlserve-hint-'));
    process.env.MLSERVE_RUNNER_HINT_FILE = join(dir, 'cache', 'hint.json');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.MLSERVE_RUNNER_HINT_FILE;
    else process.env.MLSERVE_RUNNER_HINT_FILE = saved;
  });

  it('reads back the model and session options recorded, creating the directory', () => {
    expect(readModelHint(sessionOptions)).toBeUndefined();
    recordModelHint({ modelPath: '/models/titanic/1/model.onnx', sessionOptions });
    expect(readModelHint(sessionOptions)).toEqual({ modelPath: '/models/titanic/1/model.onnx', sessionOptions });
  });

  it('leaves the file as it is when the same model is recorded again, and replaces it for another', () => {
    const file = process.env.MLSERVE_RUNNER_HINT_FILE!;
    recordModelHint({ modelPath: '/models/a.onnx', sessionOptions });
    const first = statSync(file).ino;
    recordModelHint({ modelPath: '/models/a.onnx', sessionOptions: { ...sessionOptions } });
    expect(statSync(file).ino).toBe(first);
    recordModelHint({ modelPath: '/models/b.onnx', sessionOptions });
    expect(statSync(file).ino).not.toBe(first);
    expect(readModelHint(sessionOptions)?.modelPath).toBe('/models/b.onnx');
  });

  it('records nothing for a serving graph derived from the file, nor without MLSERVE_RUNNER_HINT_FILE', () => {
    recordModelHint({ modelPath: '/models/zipmap.onnx', modelBytes: new Uint8Array([1]), sessionOptions });
    expect(readModelHint(sessionOptions)).toBeUndefined();
    delete process.env.MLSERVE_RUNNER_HINT_FILE;
    recordModelHint({ modelPath: '/models/a.onnx', sessionOptions });
    expect(readModelHint(sessionOptions)).toBeUndefined();
  });

  it('reads a hint without session options as one of the default options', () => {
    const file = process.env.MLSERVE_RUNNER_HINT_FILE!;
    recordModelHint({ modelPath: '/models/a.onnx', sessionOptions: {} });
    writeFileSync(file, JSON.stringify({ modelPath: '/models/b.onnx' }));
    expect(readModelHint({ intraOpNumThreads: 3 })).toEqual({ modelPath: '/models/b.onnx', sessionOptions: { intraOpNumThreads: 3 } });
  });

  it('ignores a hint file that is not a hint', () => {
    recordModelHint({ modelPath: '/models/a.onnx', sessionOptions });
    const file = process.env.MLSERVE_RUNNER_HINT_FILE!;
    for (const text of ['{"modelPath":', '{"modelPath":1,"sessionOptions":{}}', '{"modelPath":"/a.onnx","sessionOptions":null}', 'null']) {
      writeFileSync(file, text);
      expect(readModelHint(sessionOptions)).toBeUndefined();
    }
    expect(readFileSync(file, 'utf8')).toBe('null');
  });

  it('matches only the same file, without a derived graph, with the same session options', () => {
    const hint = { modelPath: '/m.onnx', sessionOptions };
    expect(isHintedModel(hint, { modelPath: '/m.onnx', sessionOptions: { ...sessionOptions } })).toBe(true);
    expect(isHintedModel(hint, { modelPath: '/other.onnx', sessionOptions })).toBe(false);
    expect(isHintedModel(hint, { modelPath: '/m.onnx', sessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 } })).toBe(false);
    expect(isHintedModel(hint, { modelPath: '/m.onnx', modelBytes: new Uint8Array([1]), sessionOptions })).toBe(false);
    expect(isHintedModel(hint, undefined)).toBe(false);
  });
});
