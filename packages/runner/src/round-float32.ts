/**
 * The shortest decimal that reads back as the same float32. Models compute probabilities in
 * float32, so a JSON answer reads 0.97 instead of 0.9700000286102295, within half a float32 ulp.
 *
 * @example
 * roundFloat32(Math.fround(0.97)); // 0.97
 */
export function roundFloat32(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits < 10; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}
