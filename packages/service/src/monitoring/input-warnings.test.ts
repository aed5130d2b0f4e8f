import { computeReferenceStats } from '@mlserve/core';
import { findInputWarnings } from './input-warnings';

const kStats = computeReferenceStats(
  [
    { 'mean radius': 10, 'mean texture': 2, 'worst area': 100, delta: -3 },
    { 'mean radius': 20, 'mean texture': 4, 'worst area': 300, delta: 3 },
  ],
  { predictions: ['a', 'b'], task: 'classification' },
);

describe('findInputWarnings', () => {
  it('names each negative measurement where training had none', () => {
    const warnings = findInputWarnings(kStats, { 'mean radius': -1, 'mean texture': 2, 'worst area': -0.5, delta: 0 });
    expect(warnings).toEqual(['mean radius has a negative value: -1', 'worst area has a negative value: -0.5']);
  });

  it('names values outside the training range, and lets negative ones pass where training had them', () => {
    expect(findInputWarnings(kStats, { 'mean radius': 25, 'mean texture': 3, 'worst area': 200, delta: -2 })).toEqual(['mean radius is 25, outside the training range [10, 20]']);
  });

  it('finds nothing to say about values inside the range, missing ones or text', () => {
    expect(findInputWarnings(kStats, { 'mean radius': 10, 'mean texture': null, 'worst area': '7' })).toEqual([]);
  });
});
