import { sessionsSettled, trackSessionLoad } from './sessions-loading';

// The CLI's smoke test (a service file that fails after creating its runner exits 1, not SIGABRT) covers it with real workers.
describe('sessionsSettled (before exiting while runners may be starting)', () => {
  it('waits for a load that has not settled, and gives up after timeoutMs', async () => {
    let settle!: () => void;
    void trackSessionLoad(new Promise<void>((resolve) => (settle = resolve)));
    const started = performance.now();
    await sessionsSettled(100);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    settle();
    await sessionsSettled(5000);
  });

  it('resolves at once when nothing loads', async () => {
    const started = performance.now();
    await sessionsSettled(5000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
