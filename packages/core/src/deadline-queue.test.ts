import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineQueue } from './deadline-queue';

describe('DeadlineQueue', () => {
  it('expires deadlines oldest first, each with its value', async () => {
    const queue = new DeadlineQueue<string>(20);
    const expired: string[] = [];
    const start = performance.now();
    queue.add(start, (v) => expired.push(v), 'a');
    queue.add(start + 5, (v) => expired.push(v), 'b');
    await sleep(60);
    expect(expired).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
  });

  it('never calls a deleted deadline back, and keeps the others', async () => {
    const queue = new DeadlineQueue<number>(15);
    const expired: number[] = [];
    const now = performance.now();
    const first = queue.add(now, (v) => expired.push(v), 1);
    queue.add(now, (v) => expired.push(v), 2);
    queue.delete(first);
    queue.delete(first);
    expect(queue.values()).toEqual([2]);
    await sleep(50);
    expect(expired).toEqual([2]);
  });

  it('with Infinity only lists what is pending, oldest first, and clear() forgets it', () => {
    const queue = new DeadlineQueue<string>(Infinity);
    queue.add(performance.now(), () => {}, 'x');
    queue.add(performance.now(), () => {}, 'y');
    expect(queue.values()).toEqual(['x', 'y']);
    expect(queue.oldest?.value).toBe('x');
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.values()).toEqual([]);
  });

  it('takes a callback without a value, as a plain timer list', async () => {
    const queue = new DeadlineQueue(10);
    let fired = 0;
    queue.add(performance.now(), () => fired++);
    await sleep(40);
    expect(fired).toBe(1);
  });

  it('refuses a duration that is not positive', () => {
    expect(() => new DeadlineQueue(0)).toThrow(RangeError);
    expect(() => new DeadlineQueue(Number.NaN)).toThrow('ms must be a positive number or Infinity');
  });
});
