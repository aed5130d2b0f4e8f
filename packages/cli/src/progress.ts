import type { Writer } from './context';

/** A progress display; every method is a no-op when the output is not a terminal. */
export interface Progress {
  /** Sets the completed amount (same unit as `total`) and an optional note. */
  update(done: number, note?: string): void;
  /** Clears the bar and prints a final line, if any. */
  done(message?: string): void;
}

/**
 * A one-line progress bar on stderr when it is a terminal, silent otherwise, so piped output and
 * CI logs stay clean. Redraws at most ten times a second.
 */
export function createProgress(stream: Writer, label: string, total?: number): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  const frames = ['|', '/', '-', '\\'];
  let frame = 0;
  const draw = (done: number, note?: string): void => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
    let body: string;
    if (total && total > 0) {
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * width);
      body = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
    } else {
      frame = (frame + 1) % frames.length;
      body = frames[frame] ?? '';
    }
    stream.write(`\r\x1b[2K${label} ${body}${note ? ` ${note}` : ''}`);
  };
  return {
    update(done, note) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done, note);
    },
    done(message) {
      stream.write('\r\x1b[2K');
      if (message) stream.write(`${message}\n`);
    },
  };
}

/** Runs a promise-returning task with a spinner on a terminal. */
export async function withSpinner<T>(stream: Writer, label: string, task: () => Promise<T>): Promise<T> {
  const progress = createProgress(stream, label);
  const timer = stream.isTTY ? setInterval(() => progress.update(0), 120) : undefined;
  try {
    return await task();
  } finally {
    if (timer) clearInterval(timer);
    progress.done();
  }
}
