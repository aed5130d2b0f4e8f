import { roundFloat32 } from './round-float32';

// The definition roundFloat32 must keep: the first of 1..9 significant digits that reads back as the same float32.
function byDefinition(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}

describe('roundFloat32', () => {
  it('answers the shortest decimal of a float32', () => {
    expect(roundFloat32(Math.fround(0.97))).toBe(0.97);
    expect(roundFloat32(Math.fround(0.27))).toBe(0.27);
    expect(roundFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(roundFloat32(Math.fround(0.0001234))).toBe(0.0001234);
    expect(roundFloat32(1)).toBe(1);
  });

  it('agrees with the toPrecision definition on every 4099th float32 below 1, and next to the powers of ten', () => {
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    const mismatches: number[] = [];
    const check = (value: number) => {
      if (!Object.is(roundFloat32(value), byDefinition(value))) mismatches.push(value);
    };
    for (let b = 0; b < 0x3f800000; b += 4099) {
      bits[0] = b;
      check(f[0]!);
    }
    for (const power of [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]) {
      bits[0] = new Uint32Array(Float32Array.of(power).buffer)[0]! - 200;
      for (let i = 0; i < 400; i++, bits[0]++) check(f[0]!);
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps the definition for values that are not float32s, negative or out of [1e-4, 1)', () => {
    for (const value of [0.1, 0.7, -0.25, Math.fround(-0.3), 3.5, 16777217, 1e-7, 0, -0, 1e300]) expect(roundFloat32(value)).toBe(byDefinition(value));
    expect(roundFloat32(Number.NaN)).toBeNaN();
    expect(roundFloat32(Infinity)).toBe(Infinity);
  });
});
