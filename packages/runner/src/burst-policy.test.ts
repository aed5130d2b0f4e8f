import { BurstPolicy, kBurstCooldownMs, kBurstWindowMs } from './burst-policy';

/** A policy whose calling thread was busy `utilization.value` of every window. */
function policy(): { burst: BurstPolicy; utilization: { value: number } } {
  const utilization = { value: 0 };
  const burst = new BurstPolicy((mark) => ({ idle: 0, active: 0, utilization: mark ? utilization.value : 0 }));
  return { burst, utilization };
}

/**
 * Drives the window from `start` to `start + kBurstWindowMs`: every worker holds a batch for
 * `busyShare` of it; returns the verdict taken at its end.
 */
function window(burst: BurstPolicy, start: number, busyShare: number, running: boolean): ReturnType<BurstPolicy['observe']> {
  burst.observe(start, true, running);
  if (busyShare < 1) expect(burst.observe(start + busyShare * kBurstWindowMs, false, running)).toBeUndefined();
  return burst.observe(start + kBurstWindowMs, busyShare === 1, running);
}

/** When busy windows from `start` on first start the extra workers. */
function firstStart(burst: BurstPolicy, start: number): number {
  for (let at = start; at < start + 20 * kBurstWindowMs; at += kBurstWindowMs) if (window(burst, at, 1, false) === 'start') return at + kBurstWindowMs;
  return Number.NaN;
}

describe('when the extra workers start and stop (BurstPolicy)', () => {
  it('starts them after a window in which the workers were always busy and the calling thread mostly idle', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, false);
    utilization.value = 0.5;
    expect(window(burst, 0, 1, false)).toBe('start');
  });

  it('decides only once a whole window has passed', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, false);
    utilization.value = 0.2;
    expect(burst.observe(10, true, false)).toBeUndefined();
    expect(burst.observe(kBurstWindowMs - 1, true, false)).toBeUndefined();
    expect(burst.observe(kBurstWindowMs, true, false)).toBe('start');
  });

  it('does not start them while the calling thread is busy (many small requests) or the workers wait for work', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, false);
    utilization.value = 0.8;
    expect(window(burst, 0, 1, false)).toBeUndefined();
    utilization.value = 0.3;
    expect(window(burst, kBurstWindowMs, 0.8, false)).toBeUndefined();
    expect(window(burst, 2 * kBurstWindowMs, 0.95, false)).toBe('start');
  });

  it('stops running ones once the calling thread is the limit, and waits before starting them again', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, true);
    utilization.value = 0.7;
    expect(window(burst, 0, 1, true)).toBeUndefined();
    utilization.value = 0.95;
    expect(window(burst, kBurstWindowMs, 1, true)).toBe('stop');
    // As the scheduler does once the executor has stopped them.
    burst.stopped(2 * kBurstWindowMs);
    utilization.value = 0.5;
    expect(firstStart(burst, 2 * kBurstWindowMs)).toBe(2 * kBurstWindowMs + kBurstCooldownMs);
  });

  it('stops running ones once the workers are busy less than a quarter of a window (the load changed)', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, true);
    utilization.value = 0.5;
    expect(window(burst, 0, 0.3, true)).toBeUndefined();
    expect(window(burst, kBurstWindowMs, 0.2, true)).toBe('stop');
  });

  it('waits as long after a failed start', () => {
    const { burst, utilization } = policy();
    burst.observe(0, false, false);
    utilization.value = 0.1;
    burst.stopped(0);
    expect(firstStart(burst, 0)).toBe(kBurstCooldownMs);
  });
});
