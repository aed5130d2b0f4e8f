import { PerformanceTracker } from './performance-tracker';
import { SlidingWindow } from './sliding-window';

const classifier = (window = 3, maxLogged = 100) =>
  new PerformanceTracker({ model: 'm', task: 'classification', classes: ['no', 'yes'], maxLogged, window, baseline: 0.9, tolerance: 0.05 });

describe('PerformanceTracker', () => {
  it('measures accuracy over the last `window` labelled rows only', () => {
    const t = classifier();
    t.log('a', ['yes', 'no', 'yes', 'no'], [1, 0, 1, 0]);
    t.commit(t.prepare([{ id: 'a', index: 0, label: 'no' }], [0]));
    expect(t.report()).toMatchObject({ accuracy: 0, status: 'alert', threshold: 0.9 - 0.05 });
    t.commit(
      t.prepare(
        [1, 2, 3].map((index) => ({ id: 'a', index, label: index % 2 === 1 ? 'no' : 'yes' })),
        [0, 1, 2],
      ),
    );
    expect(t.report()).toMatchObject({ labelled: 3, accuracy: 1, status: 'ok' });
    expect(t.report().history.map((p) => p.value)).toEqual([0, 1]);
  });

  it('replaces the label of a row labelled again', () => {
    const t = classifier();
    t.log('a', ['yes'], [1]);
    t.commit(t.prepare([{ id: 'a', label: 'yes' }], [0]));
    t.commit(t.prepare([{ id: 'a', label: 1 }], [0]));
    t.commit(t.prepare([{ id: 'a', label: 'no' }], [0]));
    expect(t.report()).toMatchObject({ labelled: 1, accuracy: 0 });
  });

  it('forgets the oldest requests once more than maxLogged rows are kept', () => {
    const t = classifier(3, 4);
    t.log('old', ['yes', 'yes', 'yes'], [1, 1, 1]);
    t.log('new', ['no', 'no'], [0, 0]);
    expect([t.has('old'), t.has('new')]).toEqual([false, true]);
    expect(() => t.prepare([{ id: 'old', index: 0, label: 'yes' }], [7])).toThrow(
      expect.objectContaining({ code: 'MLS_ERR_MONITOR_UNKNOWN_PREDICTION', message: expect.stringMatching(/^items\[7\]/) }),
    );
  });

  it('measures a regressor by its mean absolute error, alerting above baseline × (1 + tolerance)', () => {
    const t = new PerformanceTracker({ model: 'r', task: 'regression', classes: undefined, maxLogged: 10, window: 10, baseline: 1, tolerance: 0.5 });
    t.log('x', [10, 20], [-1, -1]);
    t.commit(
      t.prepare(
        [
          { id: 'x', index: 0, label: 11 },
          { id: 'x', index: 1, label: 22 },
        ],
        [0, 1],
      ),
    );
    expect(t.report()).toMatchObject({ task: 'regression', mae: 1.5, threshold: 1.5, status: 'ok' });
    t.commit(t.prepare([{ id: 'x', index: 1, label: 30 }], [0]));
    expect(t.report()).toMatchObject({ mae: 5.5, status: 'alert' });
    expect(() => t.prepare([{ id: 'x', index: 0, label: 'ten' }], [0])).toThrow(expect.objectContaining({ code: 'MLS_ERR_MONITOR_INVALID_LABEL' }));
  });
});

describe('SlidingWindow', () => {
  it('keeps the last `size` values, none older than maxAgeMs', () => {
    const w = new SlidingWindow<number>(3, 1000);
    for (let i = 0; i < 5; i++) w.push(i, i * 400);
    expect(w.values(1600)).toEqual([2, 3, 4]);
    expect(w.values(2500)).toEqual([4]);
  });
});
