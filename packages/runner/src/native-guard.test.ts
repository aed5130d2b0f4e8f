import { spawn } from 'node:child_process';
import { fixture } from '../test/helpers';

/** Runs end-mid-batch.cjs in a process of its own: an abort there must not take jest with it. */
function endMidBatch(mode: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture('end-mid-batch.cjs'), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Without the guard each of these aborted the process (SIGABRT, "terminate called after throwing
// an instance of 'Napi::Error'"): the threads were terminated inside ONNX Runtime.
describe('ending the workers while one is inside ONNX Runtime', () => {
  it('lets process.exit() exit with its own code during a batch', async () => {
    const run = await endMidBatch('exit');
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 3, signal: null, stderr: '' });
  });

  it('lets destroy() during a batch answer its caller MLS_ERR_RUNNER_CLOSED, and a new runner serve after it', async () => {
    const run = await endMidBatch('destroy');
    expect({ code: run.code, signal: run.signal, stdout: run.stdout }).toEqual({
      code: 0,
      signal: null,
      stdout: 'batch: MLS_ERR_RUNNER_CLOSED\nnext runner: 1x2\n',
    });
  });

  it('lets destroy() end runners whose workers are still creating their sessions', async () => {
    const run = await endMidBatch('loading');
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect(run.stdout).toMatch(/^ready: MLS_ERR_RUNNER_CLOSED/);
  });

  // Requiring onnxruntime-node runs the addon's init: a thread terminated there aborted too. The
  // fixture reads /proc/self/maps for the addon.
  (process.platform === 'linux' ? it : it.skip)('lets a worker of a stopping pool load nothing of ONNX Runtime, not even the addon', async () => {
    const run = await endMidBatch('stopped');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'load: the worker pool is stopping\naddon loaded: false\n' });
  });
});
