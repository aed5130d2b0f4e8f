import { IdlePath, kInlineBudgetMs, kOverlapHoldMs } from './idle-path';

describe('the idle path rule', () => {
  it('admits nothing until a batch has run, since the cost of the model is not known yet', () => {
    const path = new IdlePath(8);
    expect(path.admits(1, 1000)).toBe(false);
    path.ended(1, 0.05);
    expect(path.admits(1, 1000)).toBe(true);
  });

  it('admits at most maxRows rows, and only as many as the measured cost fits in the budget', () => {
    const path = new IdlePath(8);
    path.ended(4, 0.8);
    expect(path.costMs(2)).toBe(0.8);
    expect(path.costMs(6)).toBeCloseTo(1.2);
    expect(path.admits(5, 1000)).toBe(true);
    expect(path.admits(6, 1000)).toBe(false);
    path.ended(64, 0.5);
    expect(path.admits(8, 1000)).toBe(true);
    expect(path.admits(9, 1000)).toBe(false);
  });

  it('holds every batch back for kOverlapHoldMs after a request arrived while another was pending', () => {
    const path = new IdlePath(8);
    path.ended(1, 0.05);
    path.arrived(1000, false);
    expect(path.admits(1, 1000)).toBe(true);
    path.arrived(1001, true);
    expect(path.admits(1, 1001)).toBe(false);
    expect(path.admits(1, 1001 + kOverlapHoldMs - 1)).toBe(false);
    expect(path.admits(1, 1001 + kOverlapHoldMs)).toBe(true);
  });

  it('never admits a model that is slow every time, and ignores one slow run of a fast one', () => {
    const heavy = new IdlePath(8);
    for (let i = 0; i < 20; i++) heavy.ended(1, 3 * kInlineBudgetMs);
    expect(heavy.admits(1, 1000)).toBe(false);
    const light = new IdlePath(8);
    light.ended(1, 50);
    expect(light.admits(1, 1000)).toBe(false);
    light.ended(1, 0.05);
    light.ended(1, 40);
    expect(light.admits(1, 1000)).toBe(true);
  });

  it('forgets a fast run once eight slower batches have run since', () => {
    const path = new IdlePath(8);
    path.ended(1, 0.05);
    for (let i = 0; i < 7; i++) path.ended(1, 2);
    expect(path.admits(1, 1000)).toBe(true);
    path.ended(1, 2);
    expect(path.admits(1, 1000)).toBe(false);
  });

  it('learns nothing from a batch that failed', () => {
    const path = new IdlePath(8);
    path.ended(1, undefined);
    expect(path.admits(1, 1000)).toBe(false);
  });
});
