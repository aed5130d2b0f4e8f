import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runnerHintFile, seedBentoHint } from './runner-hint';

describe("the warm workers' model hint of mlserve serve", () => {
  let dir: string;
  let file: string;
  const version = (bento: string, name: string, v: string): string => {
    const d = path.join(bento, 'models', name, v);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(bento, 'models', name, 'latest'), v);
    return path.join(d, 'model.onnx');
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlserve-hint-'));
    file = path.join(dir, 'home', 'cache', 'runner-hints', 'h.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps one file per target under $MLSERVE_HOME/cache/runner-hints', () => {
    const a = runnerHintFile('/home/u/.mlserve', { kind: 'file', file: '/app/src/service.ts', exportName: 'svc', watchDir: '/app/src' });
    const b = runnerHintFile('/home/u/.mlserve', { kind: 'file', file: '/app/src/service.ts', exportName: 'other', watchDir: '/app/src' });
    expect(path.dirname(a)).toBe('/home/u/.mlserve/cache/runner-hints');
    expect(a).not.toBe(b);
  });

  it("seeds a bento's first start with its only model, without session options", () => {
    const bento = path.join(dir, 'bento');
    const model = version(bento, 'titanic_model', '01abc');
    seedBentoHint(file, bento);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ modelPath: model });
  });

  it('leaves a hint the runner recorded, and seeds none for a bento of several models or versions', () => {
    const bento = path.join(dir, 'bento');
    version(bento, 'a', '1');
    version(bento, 'b', '1');
    seedBentoHint(file, bento);
    expect(() => readFileSync(file)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const single = path.join(dir, 'single');
    version(single, 'a', '1');
    version(single, 'a', '2');
    seedBentoHint(file, single);
    expect(() => readFileSync(file)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"modelPath":"/recorded.onnx"}');
    const one = path.join(dir, 'one');
    version(one, 'a', '1');
    seedBentoHint(file, one);
    expect(readFileSync(file, 'utf8')).toBe('{"modelPath":"/recorded.onnx"}');
  });
});
