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
    // The deferred tasks run in the next turn (after its I/O callbacks), in order.
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
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
