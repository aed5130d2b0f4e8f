// Powers of ten up to 1e12: exact doubles, and 5^12 < 2^28, so a float32 (24-bit significand) times
// one of them fits the 53 bits of a double: the product is exact.
const kPowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/**
 * The shortest decimal that reads back as the same float32. Models compute probabilities in
 * float32, so a JSON answer reads 0.97 instead of 0.9700000286102295, within half a float32 ulp.
 *
 * @example
 * roundFloat32(Math.fround(0.97)); // 0.97
 */
export function roundFloat32(value: number): number {
  const target = Math.fround(value);
  if (value === target && value >= 1e-4 && value < 1) return roundProbability(value);
  for (let digits = 1; digits < 10; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}

/**
 * roundFloat32 of a float32 in [1e-4, 1) (most probabilities) without strings: the same candidates
 * `Number(value.toPrecision(digits))`, computed exactly. With e the decimal exponent of the value
 * and k = digits - 1 - e <= 12, value * 10^k is exact, so rounding it half up gives toPrecision's
 * digits n (the nearest, the larger of two), and n / 10^k, a correctly rounded division of exact
 * numbers, is the double that parsing "n e-k" gives.
 */
function roundProbability(value: number): number {
  let e = Math.floor(Math.log10(value));
  // log10 can be one off next to a power of ten; the exact product says which decade it is.
  const scaled = value * kPowersOfTen[-e]!;
  if (scaled < 1) e -= 1;
  else if (scaled >= 10) e += 1;
  for (let digits = 1; digits < 10; digits += 1) {
    const k = digits - 1 - e;
    const p = kPowersOfTen[k]!;
    const candidate = Math.floor(value * p + 0.5) / p;
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
