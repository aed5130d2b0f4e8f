import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A Connect-style middleware for the API routes, added with `svc.use()`: call `next()` to go on,
 * `next(err)` to answer with the JSON error body of `err`, or answer `res` yourself to stop there.
 * A thrown error or a rejected promise counts as `next(err)`.
 */
export type ApiMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => unknown;

/**
 * Runs `chain` in order on one request; `done()` once every middleware called `next()`, or
 * `done(err)` at the first error. A middleware that answers without calling `next` ends the chain.
 */
export function runMiddleware(chain: readonly ApiMiddleware[], req: IncomingMessage, res: ServerResponse, done: (err?: unknown) => void): void {
  let index = 0;
  const step = (err?: unknown): void => {
    if (err !== undefined && err !== null) return done(err);
    if (res.writableEnded || res.destroyed) return;
    const middleware = chain[index++];
    if (middleware === undefined) return done();
    let called = false;
    // A second next() from the same middleware would run the rest of the chain twice.
    const next = (e?: unknown) => {
      if (called) return;
      called = true;
      step(e);
    };
    try {
      const result = middleware(req, res, next);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function')
        (result as PromiseLike<unknown>).then(undefined, (e: unknown) => next(e ?? new Error('middleware rejected')));
    } catch (e) {
      next(e ?? new Error('middleware threw'));
    }
  };
  step();
}
