import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRunner, type Runner, type RunnerOptions } from '@mlserve/runner';
import type { Pipeline } from '@mlserve/pipeline';
import { pino, type Logger } from 'pino';
import type { ListenResult, Service } from '../src';

export const kFixtures = join(__dirname, 'fixtures');
export const kModelPath = join(kFixtures, 'tiny-classifier.onnx');

/** The fixture pipeline (age, fare, sex -> 4 features), loaded by @mlserve/pipeline. */
export function loadFixturePipeline(): Pipeline {
  // Required lazily so that test files which need no pipeline run without its build.
  const { loadPipeline } = require('@mlserve/pipeline') as typeof import('@mlserve/pipeline');
  return loadPipeline(JSON.parse(readFileSync(join(kFixtures, 'pipeline.json'), 'utf8')));
}

/** A real runner (one worker) on the tiny classifier with the fixture pipeline. */
export function createTinyRunner(options: RunnerOptions = {}): Runner {
  return createRunner(
    { modelPath: kModelPath, name: 'tiny_model', tag: 'tiny_model:v1', pipeline: loadFixturePipeline(), classes: ['died', 'survived'] },
    { workers: 1, ...options },
  );
}

/** A pino logger that keeps every line (parsed) in memory. */
export function createMemoryLogger(level = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** Starts a service on 127.0.0.1, port 0. */
export async function start(svc: Service): Promise<ListenResult> {
  return svc.listen(0, '127.0.0.1');
}

/** POSTs a body (JSON-encoded unless a string) and returns status, headers and parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await parse(res) };
}

/** GETs a URL and returns status, headers and parsed body. */
export async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await parse(res) };
}

async function parse(res: Response): Promise<any> {
  const text = await res.text();
  return (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `check` until it returns a truthy value (server-side events land just after the response). */
export async function waitFor<T>(check: () => T, timeoutMs = 2000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sends raw HTTP/1.1 and resolves with what the server answered before closing (or within `waitMs`). */
export function rawRequest(port: number, head: string, body: string, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
    socket.write(head + body);
  });
}
