import { isTensorType, kTensorTypes } from './tensor-types';

describe('tensor types', () => {
  it('knows every ONNX Runtime element type and nothing else', () => {
    for (const type of kTensorTypes) expect(isTensorType(type)).toBe(true);
    expect(isTensorType('float16')).toBe(false);
    expect(isTensorType('constructor')).toBe(false);
    expect(isTensorType(1)).toBe(false);
  });
});
