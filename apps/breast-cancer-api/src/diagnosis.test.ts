import { roundFloat32 } from '@mlserve/runner';
import { findNegativeValues } from './diagnosis';

const kFeatures = ['mean radius', 'mean texture', 'worst area'];

describe('findNegativeValues', () => {
  it('names each negative measurement', () => {
    const warnings = findNegativeValues({ 'mean radius': -1, 'mean texture': 2, 'worst area': -0.5 }, kFeatures);
    expect(warnings).toEqual(['mean radius has a negative value: -1', 'worst area has a negative value: -0.5']);
  });

  it('finds nothing to say about zero and positive values', () => {
    expect(findNegativeValues({ 'mean radius': 0, 'mean texture': 2, 'worst area': 1e-9 }, kFeatures)).toEqual([]);
  });
});

describe('roundFloat32', () => {
  it('answers the shortest decimal of a float32 probability', () => {
    expect(roundFloat32(Math.fround(0.97))).toBe(0.97);
    expect(roundFloat32(0)).toBe(0);
  });
});
