import fc from 'fast-check';

/** How `fuzzApp` drives an app. */
export interface FuzzAppOptions {
  /** The app's base URL. */
  url: string;
  /** A record the API accepts (the documented example): fields are kept, dropped or replaced. */
  example: object;
  /** Paths requests go to; `/predict` should appear several times to weigh it. */
  paths: string[];
  /** Throws when a 2xx answer of `/predict` does not have the documented shape. */
  checkPrediction(prediction: unknown): void;
  /** Requests to send (default `$MLSERVE_FUZZ_REQUESTS` or 2,000), 10 at a time. */
  requests?: number;
  /** fast-check seed (default `$MLSERVE_FUZZ_SEED` or the clock), printed for replay. */
  seed?: number;
  /** Stop sending after this long (default 40 s); the run still counts. */
  timeLimitMs?: number;
}

const kBatch = 10;

/** Records near `example`: each field kept (most often), dropped, or replaced by a number, a string or null. */
export function nearRecord(example: object): fc.Arbitrary<Record<string, unknown>> {
  const field = (value: unknown) => fc.oneof({ arbitrary: fc.constant(value), weight: 6 }, fc.double(), fc.integer({ min: -3, max: 5 }), fc.string(), fc.constant(null));
  return fc.record(Object.fromEntries(Object.entries(example).map(([key, value]) => [key, field(value)])), { requiredKeys: [] });
}

/** True for the documented error body `{ statusCode, code, error, message }` with the answer's status. */
function isErrorBodyOf(body: unknown, status: number): boolean {
  const b = body as Record<string, unknown> | null;
  return typeof b === 'object' && b !== null && b.statusCode === status && typeof b.code === 'string' && typeof b.error === 'string' && typeof b.message === 'string';
}

/**
 * Property-based fuzzing of an app: records near the example, lists of them, arbitrary JSON and
 * strings, to random paths and methods. The property: never a 5xx; every 4xx is the documented JSON
 * error body; every 2xx of `/predict` passes `checkPrediction`. Resolves with the requests sent
 * and the seed; rejects with fast-check's report (seed and counterexample) on the first failure.
 */
export async function fuzzApp(options: FuzzAppOptions): Promise<{ sent: number; seed: number }> {
  const requests = options.requests ?? Number(process.env.MLSERVE_FUZZ_REQUESTS ?? 2_000);
  const seed = options.seed ?? Number(process.env.MLSERVE_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const record = fc.oneof(nearRecord(options.example), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 5 }));
  const request = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
    path: fc.constantFrom(...options.paths),
    body: fc.oneof(
      record.map((r) => JSON.stringify(r)),
      fc.array(record, { maxLength: 20 }).map((r) => JSON.stringify(r)),
      fc.json(),
      fc.string({ maxLength: 100 }),
    ),
  });
  let sent = 0;
  const send = async (r: { method: string; path: string; body: string }): Promise<void> => {
    sent++;
    const res = await fetch(`${options.url}${r.path}`, { method: r.method, headers: { 'content-type': 'application/json' }, body: r.method === 'GET' ? undefined : r.body });
    const body: unknown = await res.json();
    if (res.status >= 500) throw new Error(`${r.method} ${r.path} answered ${res.status}: ${JSON.stringify(body)}`);
    if (res.status >= 400 && !isErrorBodyOf(body, res.status)) throw new Error(`${r.method} ${r.path} answered ${res.status} without the error body: ${JSON.stringify(body)}`);
    if (res.status < 400 && r.path === '/predict') for (const p of [body].flat()) options.checkPrediction(p);
  };
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: kBatch, maxLength: kBatch }), async (batch) => {
      await Promise.all(batch.map(send));
    }),
    { numRuns: Math.ceil(requests / kBatch), seed, interruptAfterTimeLimit: options.timeLimitMs ?? 40_000, markInterruptAsFailure: false },
  );
  return { sent, seed };
}
