import type { IncomingMessage } from 'node:http';
import type { DeadlineQueue } from './deadline-queue';
import { createServiceError } from './errors';

/** Called once with the body as text, or with the error that ended the read. */
export type BodyCallback = (err: Error | undefined, text: string) => void;

/** The 413 of a body over `limit` bytes. */
export function createBodyTooLargeError(limit: number): Error {
  return createServiceError('MLS_ERR_IO_BODY_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes`, { details: { limit } });
}

/**
 * Reads a request body of at most `limit` bytes as UTF-8. `deadlines` bounds how long it may take
 * from `start` (a client trickling its body would otherwise hold a request and its memory for minutes).
 * Callbacks, not a promise: on the hot path every request saves a promise and its ticks.
 */
export function readBody(req: IncomingMessage, limit: number, deadlines: DeadlineQueue | undefined, start: number, done: BodyCallback): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    // Discard the body so closing the connection after the 413 does not reset it under the client.
    req.resume();
    done(createBodyTooLargeError(limit), '');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | undefined, text: string) => {
    if (finished) return;
    finished = true;
    if (deadline !== undefined) deadlines!.delete(deadline);
    done(err, text);
  };
  const stopReading = (err: Error) => {
    req.off('data', onData);
    req.resume();
    finish(err, '');
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      stopReading(createBodyTooLargeError(limit));
      return;
    }
    chunks.push(chunk);
  };
  const deadline = deadlines?.add(start, () => {
    stopReading(createServiceError('MLS_ERR_IO_BODY_TIMEOUT', `Request body was not received within ${deadlines.ms} ms`, { details: { requestTimeoutMs: deadlines.ms } }));
  });
  req.on('data', onData);
  req.once('end', () => finish(undefined, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
  // An aborted request ends in 'close' (after an 'error' nobody needs to hear: node:http only
  // emits it to listeners).
  req.once('close', () => {
    // Also emitted after every complete request: the error is built only when it is one.
    if (!finished) finish(Object.assign(new Error('The client closed the request'), { code: 'ECONNRESET' }), '');
  });
}
