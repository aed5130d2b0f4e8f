import { TurnBudget } from './turn-budget';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('TurnBudget', () => {
  it('runs tasks at once while the turn has budget, and defers the rest to later turns, in order', async () => {
    const budget = new TurnBudget(5);
    const ran: string[] = [];
    budget.run(() => ran.push('a'));
    budget.run(() => {
      ran.push('b');
      busy(6);
    });
    budget.run(() => ran.push('c'));
    budget.run(() => ran.push('d'));
    expect(ran).toEqual(['a', 'b']);
    // Something queued behind the deferred tasks (a socket read) runs before they do.
    const seenBefore = new Promise<string[]>((resolve) => setTimeout(() => resolve([...ran]), 0));
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(await seenBefore).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives every turn its budget again', async () => {
    const budget = new TurnBudget(5);
    budget.run(() => busy(6));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const ran: number[] = [];
    budget.run(() => ran.push(1));
    expect(ran).toEqual([1]);
  });
});
