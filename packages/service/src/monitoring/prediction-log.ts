import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Settings of a {@link PredictionLog}. */
export interface PredictionLogSettings {
  dir: string;
  maxBytes: number;
  maxFiles: number;
}

// Lines waiting for the disk beyond this are dropped (and counted) rather than held in memory.
const kMaxPendingBytes = 8 * 1024 * 1024;

/**
 * Appends one JSON line per prediction request to `<dir>/predictions.jsonl`, rotating it to
 * `predictions.1.jsonl` ... `predictions.<maxFiles>.jsonl` once it passes `maxBytes`, as BentoML's
 * monitoring data collection does, for offline analysis. Writes never block a request.
 */
export class PredictionLog {
  readonly #s: PredictionLogSettings;
  readonly #logger: Logger;
  #stream: WriteStream | undefined;
  #bytes = 0;
  #pending = 0;
  #chain: Promise<void> = Promise.resolve();
  /** Lines dropped because the disk fell behind. */
  dropped = 0;

  constructor(settings: PredictionLogSettings, logger: Logger) {
    this.#s = settings;
    this.#logger = logger;
  }

  /** The file being written. */
  get file(): string {
    return join(this.#s.dir, 'predictions.jsonl');
  }

  /** Queues one record (JSON-encoded on one line). */
  append(record: Record<string, unknown>): void {
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line);
    if (this.#pending + size > kMaxPendingBytes) {
      this.dropped++;
      return;
    }
    this.#pending += size;
    this.#chain = this.#chain
      .then(() => this.#write(line, size))
      .catch((err: unknown) => this.#logger.error({ err, file: this.file }, 'could not write the prediction log'))
      .finally(() => (this.#pending -= size));
  }

  /** Resolves once everything queued is written; closes the file. */
  async close(): Promise<void> {
    await this.#chain;
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  async #write(line: string, size: number): Promise<void> {
    if (this.#stream === undefined) {
      await mkdir(this.#s.dir, { recursive: true });
      this.#bytes = await stat(this.file).then(
        (s) => s.size,
        () => 0,
      );
      this.#stream = createWriteStream(this.file, { flags: 'a' });
    }
    if (this.#bytes > 0 && this.#bytes + size > this.#s.maxBytes) await this.#rotate();
    const stream = this.#stream!;
    this.#bytes += size;
    if (!stream.write(line)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }

  async #rotate(): Promise<void> {
    const stream = this.#stream!;
    await new Promise<void>((resolve) => stream.end(resolve));
    const numbered = (n: number) => join(this.#s.dir, `predictions.${n}.jsonl`);
    if (this.#s.maxFiles === 0) await rm(this.file, { force: true });
    else {
      await rm(numbered(this.#s.maxFiles), { force: true });
      for (let n = this.#s.maxFiles - 1; n >= 1; n--) await rename(numbered(n), numbered(n + 1)).catch(() => undefined);
      await rename(this.file, numbered(1));
    }
    this.#stream = createWriteStream(this.file, { flags: 'a' });
    this.#bytes = 0;
  }
}
