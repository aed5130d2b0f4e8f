import { createCrashLoopGuard } from './crash-loop';

describe('the API workers crash-loop guard', () => {
  it('replaces quick exits after a doubling delay and stops after more than 5 in a row', () => {
    const guard = createCrashLoopGuard();
    const decisions = Array.from({ length: 6 }, () => guard.onExit(10_000, 10_500));
    expect(decisions.slice(0, 5)).toEqual([100, 200, 400, 800, 1600].map((delayMs) => ({ action: 'replace', delayMs })));
    expect(decisions[5]).toEqual({ action: 'stop', quickExits: 6 });
  });

  it('counts a worker that never became ready as a quick exit', () => {
    const guard = createCrashLoopGuard({ maxQuickExits: 1 });
    expect(guard.onExit(undefined)).toEqual({ action: 'replace', delayMs: 100 });
    expect(guard.onExit(undefined)).toEqual({ action: 'stop', quickExits: 2 });
  });

  it('replaces at once, and starts counting again, after a worker that served for a while', () => {
    const guard = createCrashLoopGuard({ maxQuickExits: 2 });
    guard.onExit(0, 100);
    guard.onExit(0, 100);
    expect(guard.onExit(0, 5_000)).toEqual({ action: 'replace', delayMs: 0 });
    expect(guard.onExit(0, 100)).toEqual({ action: 'replace', delayMs: 100 });
  });
});
