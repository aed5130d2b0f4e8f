import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineQueue } from './deadline-queue';

describe('DeadlineQueue', () => {
  it('expires deadlines in the order they were added, once each, not before their time', async () => {
    const queue = new DeadlineQueue(40);
    const expired: Array<[string, number]> = [];
    const start = performance.now();
    queue.add(performance.now(), () => expired.push(['a', performance.now() - start]));
    await sleep(15);
    queue.add(performance.now(), () => expired.push(['b', performance.now() - start]));
    await sleep(100);
    expect(expired.map(([name]) => name)).toEqual(['a', 'b']);
    expect(expired[0]![1]).toBeGreaterThanOrEqual(39);
    expect(expired[1]![1]).toBeGreaterThanOrEqual(54);
  });

  it('never calls a deleted deadline, wherever it stood in the queue', async () => {
    const queue = new DeadlineQueue(20);
    const expired: string[] = [];
    const now = performance.now();
    const first = queue.add(now, () => expired.push('first'));
    queue.add(now, () => expired.push('middle'));
    const last = queue.add(now, () => expired.push('last'));
    queue.delete(first);
    queue.delete(last);
    queue.delete(last);
    await sleep(60);
    expect(expired).toEqual(['middle']);
  });

  it('keeps working when a deadline is added from an expiring one', async () => {
    const queue = new DeadlineQueue(20);
    const expired: string[] = [];
    queue.add(performance.now(), () => {
      expired.push('first');
      queue.add(performance.now(), () => expired.push('second'));
    });
    await sleep(90);
    expect(expired).toEqual(['first', 'second']);
  });
});
