import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../test/helpers';
import { type RunnerOptions, autoWorkers, createRunner, kDefaultRunnerOptions } from './index';

const model = { modelPath: fixture('linear.onnx') };

/** Runs `check` with MLSERVE_RUNNER_WORKERS set to `value`, as `mlserve serve --workers` sets it, then restores it. */
function withWorkersEnv(value: string, check: () => void): void {
  const saved = process.env.MLSERVE_RUNNER_WORKERS;
  try {
    process.env.MLSERVE_RUNNER_WORKERS = value;
    check();
  } finally {
    if (saved === undefined) delete process.env.MLSERVE_RUNNER_WORKERS;
    else process.env.MLSERVE_RUNNER_WORKERS = saved;
  }
}

describe('runner options', () => {
  it.each<[string, unknown, ErrorConstructor, string]>([
    ['workers', 0, RangeError, 'options.workers must be a positive integer'],
    ['workers', 1.5, RangeError, 'options.workers must be a positive integer'],
    ['workers', 'many', RangeError, "options.workers must be a positive integer or 'auto'"],
    ['maxWorkers', 1.5, RangeError, 'options.maxWorkers must be an integer >= workers'],
    ['inlineMaxRows', -1, RangeError, 'options.inlineMaxRows must be an integer >= 0'],
    ['inlineThreads', 0, RangeError, 'options.inlineThreads must be a positive integer'],
    ['maxBatchSize', -1, RangeError, 'options.maxBatchSize must be a positive integer'],
    ['maxBatchSize', '64', RangeError, 'options.maxBatchSize must be a positive integer'],
    ['batchesPerWorker', 0, RangeError, 'options.batchesPerWorker must be a positive integer'],
    ['maxLatencyMs', 0, RangeError, 'options.maxLatencyMs must be a positive number or Infinity'],
    ['maxLatencyMs', Number.NaN, RangeError, 'options.maxLatencyMs must be a positive number or Infinity'],
    ['maxQueue', 2.5, RangeError, 'options.maxQueue must be a positive integer or Infinity'],
    ['timeoutMs', -5, RangeError, 'options.timeoutMs must be a positive number or Infinity'],
    ['batchWaitMs', -1, RangeError, 'options.batchWaitMs must be a finite number >= 0'],
    ['batchWaitMs', Infinity, RangeError, 'options.batchWaitMs must be a finite number >= 0'],
    ['inProcess', 'yes', TypeError, 'options.inProcess must be a boolean'],
    ['sessionOptions', 3, TypeError, 'options.sessionOptions must be an object'],
    ['name', '', TypeError, 'options.name must be a non-empty string'],
    ['workerFile', 'relative/worker.cjs', TypeError, 'options.workerFile must be an absolute path'],
    ['maxBatchsize', 8, TypeError, 'options.maxBatchsize is not a runner option'],
  ])('options.%s = %p throws', (key, value, ErrorClass, message) => {
    const create = () => createRunner(model, { [key]: value } as RunnerOptions);
    expect(create).toThrow(ErrorClass);
    expect(create).toThrow(message);
  });

  it.each<[string, unknown, string]>([
    ['no model', undefined, 'model must be a StoredModel'],
    ['no modelPath', {}, 'model.modelPath must be a non-empty string'],
    ['an empty path', { name: 'iris', tag: 'iris:v1', path: '' }, 'model.path must be a non-empty string'],
    ['a pipeline without transform', { modelPath: 'm.onnx', pipeline: { steps: [] } }, 'model.pipeline must be a fitted @mlserve/pipeline Pipeline'],
    ['empty classes', { modelPath: 'm.onnx', classes: [] }, 'model.classes must be a non-empty array'],
  ])('a model with %s throws a TypeError', (_name, value, message) => {
    expect(() => createRunner(value as never)).toThrow(TypeError);
    expect(() => createRunner(value as never)).toThrow(message);
  });

  it('applies the defaults, and merges sessionOptions over one intra-op and one inter-op thread', () => {
    const runner = createRunner(model, { sessionOptions: { graphOptimizationLevel: 'basic' } });
    expect(runner.options).toMatchObject({
      workers: kDefaultRunnerOptions.workers,
      maxBatchSize: 512,
      maxLatencyMs: 10_000,
      maxQueue: 10_000,
      timeoutMs: 30_000,
      batchWaitMs: 0,
      inProcess: false,
      inlineThreads: Math.min(2, availableParallelism()),
      sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic' },
    });
    expect(runner.name).toBe('linear');
    expect(runner.isReady).toBe(false);
  });

  it('takes its default worker count from MLSERVE_RUNNER_WORKERS, as `mlserve serve --workers` sets it', () => {
    withWorkersEnv('3', () => {
      expect(createRunner(model).options.workers).toBe(3);
      expect(createRunner(model, { workers: 2 }).options.workers).toBe(2);
    });
    withWorkersEnv('many', () => expect(() => createRunner(model)).toThrow('MLSERVE_RUNNER_WORKERS must be a positive integer'));
  });

  it("sizes workers: 'auto' from the cores, one left to the main thread, and fewer for a large model", () => {
    expect(autoWorkers(1000, 2)).toBe(1);
    expect(autoWorkers(1000, 16)).toBe(15);
    expect(autoWorkers(200 * 2 ** 20, 16)).toBe(2);
    expect(autoWorkers(1000, 1)).toBe(1);
    expect(createRunner(model, { workers: 'auto' }).options.workers).toBe(autoWorkers(0));
    withWorkersEnv('auto', () => expect(createRunner(model).options.workers).toBe(autoWorkers(0)));
  });

  it('lets one more worker start under load when the count is not given, at most one a core, and keeps a count that is', () => {
    const lent = Math.min(kDefaultRunnerOptions.workers + 1, availableParallelism());
    expect(createRunner(model).options.maxWorkers).toBe(Math.max(kDefaultRunnerOptions.workers, lent));
    expect(createRunner(model, { workers: 'auto' }).options.maxWorkers).toBe(Math.max(autoWorkers(0), Math.min(autoWorkers(0) + 1, availableParallelism())));
    expect(createRunner(model, { workers: 1 }).options.maxWorkers).toBe(1);
    expect(createRunner(model, { workers: 1, maxWorkers: 3 }).options.maxWorkers).toBe(3);
    expect(() => createRunner(model, { workers: 2, maxWorkers: 1 })).toThrow('options.maxWorkers must be an integer >= workers (2)');
    withWorkersEnv('2', () => expect(createRunner(model).options.maxWorkers).toBe(2));
  });

  it('keeps no calling-thread session and at most 2 workers for a model file over 64 MB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-large-'));
    try {
      const file = join(dir, 'large.onnx');
      // Sparse: only the size is read when the runner is created.
      writeFileSync(file, '');
      truncateSync(file, 65 * 2 ** 20);
      const runner = createRunner(file, { workers: 'auto' });
      expect(runner.options.inlineMaxRows).toBe(0);
      expect(runner.options.workers).toBe(Math.min(2, autoWorkers(0)));
      expect(runner.options.maxWorkers).toBe(runner.options.workers);
      expect(createRunner(file, { inlineMaxRows: 4 }).options.inlineMaxRows).toBe(4);
      expect(createRunner(model).options.inlineMaxRows).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes model.onnx from the directory of a model-store ModelRef, without pipeline or classes', async () => {
    const runner = createRunner({ name: 'iris', version: 'v1', tag: 'iris:v1', path: '/models/iris/v1' });
    try {
      expect(runner.name).toBe('iris');
      expect(runner.model).toMatchObject({ name: 'iris', tag: 'iris:v1', modelPath: join('/models/iris/v1', 'model.onnx'), classes: undefined });
    } finally {
      await runner.close();
    }
  });

  it('takes its name from the model, a path, or options.name', () => {
    expect(createRunner({ name: 'titanic_model', tag: 'titanic_model:abc', modelPath: 'x.onnx' }).name).toBe('titanic_model');
    expect(createRunner('/models/iris.onnx').name).toBe('iris');
    expect(createRunner(model, { name: 'clf', maxQueue: Infinity }).name).toBe('clf');
  });
});
