import { normalizeInput, toWireOutputData } from './tensor';

describe('tensors', () => {
  it('keeps int64 results exact: numbers when safe, decimal strings otherwise', () => {
    expect(toWireOutputData(new BigInt64Array([1n, -2n]))).toEqual(new Float64Array([1, -2]));
    expect(toWireOutputData(new BigInt64Array([2n ** 60n, 1n]))).toEqual(['1152921504606846976', '1']);
  });

  it('reads int64 at the edges of the safe range as Number(BigInt) does, views into larger buffers included', () => {
    const safe = [0n, 1n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), -(2n ** 32n) - 1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 123456789012345n];
    expect(toWireOutputData(BigInt64Array.from(safe))).toEqual(Float64Array.from(safe, Number));
    expect(toWireOutputData(BigUint64Array.from([0n, 2n ** 32n + 5n, 2n ** 53n - 1n]))).toEqual(Float64Array.of(0, 2 ** 32 + 5, 2 ** 53 - 1));
    const view = new BigInt64Array(BigInt64Array.of(9n, -7n, 5n).buffer, 8, 2);
    expect(toWireOutputData(view)).toEqual(Float64Array.of(-7, 5));
    for (const unsafe of [2n ** 53n, -(2n ** 53n), -(2n ** 63n), 2n ** 63n - 1n]) expect(toWireOutputData(BigInt64Array.of(1n, unsafe))).toEqual(['1', unsafe.toString()]);
    expect(toWireOutputData(BigUint64Array.of(2n ** 64n - 1n))).toEqual([(2n ** 64n - 1n).toString()]);
  });

  it('uses a typed array of the right kind as it is, without a copy', () => {
    const data = new Float32Array([1, 2]);
    expect(normalizeInput('x', { type: 'float32', data, dims: [1, 2] }, undefined).data).toBe(data);
  });

  it('converts plain arrays to the array ONNX Runtime takes', () => {
    expect(normalizeInput('x', { type: 'int64', data: [1, 2], dims: [2] }, undefined).data).toEqual(new BigInt64Array([1n, 2n]));
    expect(normalizeInput('x', { type: 'bool', data: [true, false], dims: [2] }, undefined).data).toEqual(new Uint8Array([1, 0]));
    expect(() => normalizeInput('x', { type: 'int64', data: [1.5], dims: [1] }, undefined)).toThrow('element 0 is not an integer');
  });
});
