import { roundFloat32 } from '@mlserve/runner';

describe('roundFloat32', () => {
  it('answers the shortest decimal of a float32 probability', () => {
    expect(roundFloat32(Math.fround(0.97))).toBe(0.97);
    expect(roundFloat32(0)).toBe(0);
  });
});
