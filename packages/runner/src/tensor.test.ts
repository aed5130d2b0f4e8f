import { normalizeInput, toWireOutputData } from './tensor';

describe('tensors', () => {
  it('keeps int64 results exact: numbers when safe, decimal strings otherwise', () => {
    expect(toWireOutputData(new BigInt64Array([1n, -2n]))).toEqual(new Float64Array([1, -2]));
    expect(toWireOutputData(new BigInt64Array([2n ** 60n, 1n]))).toEqual(['1152921504606846976', '1']);
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
