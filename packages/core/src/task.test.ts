import type { OnnxGraphInfo } from './onnx-graph';
import type { TensorSpec } from './signature';
import { deriveTask } from './task';

const spec = (name: string, type: string, shape: Array<number | string | null>): TensorSpec => ({ name, type, shape });
const graph = (over: Partial<OnnxGraphInfo>): OnnxGraphInfo => ({ producer: '', inputs: ['input'], outputs: [], zipMaps: [], classifiers: [], regressors: [], ...over });

describe('deriveTask', () => {
  it('reads a skl2onnx ZipMap classifier: the ZipMap’s tensor is the probabilities, its labels the classes', () => {
    const outputs = [spec('output_label', 'string', ['N']), spec('probabilities', 'float32', ['N', 2])];
    const info = graph({ zipMaps: [{ output: 'output_probability', probabilities: 'probabilities', classes: ['no', 'yes'] }] });
    expect(deriveTask(outputs, info)).toEqual({ kind: 'classification', classes: ['no', 'yes'], label: 'output_label', probabilities: 'probabilities', labelRule: 'model' });
  });

  it('keeps argmax for a binary TreeEnsembleClassifier, and the caller’s classes over the graph’s', () => {
    const outputs = [spec('label', 'int64', ['N']), spec('probabilities', 'float32', ['N', 2])];
    const info = graph({ classifiers: [{ opType: 'TreeEnsembleClassifier', outputs: ['label', 'probabilities'], classes: [0, 1] }] });
    expect(deriveTask(outputs, info, { classes: ['died', 'survived'] })).toMatchObject({ classes: ['died', 'survived'], labelRule: 'argmax' });
  });

  it('calls a single float output [N, 1] or one named variable a regression', () => {
    expect(deriveTask([spec('variable', 'float32', ['N', 1])], undefined)).toEqual({ kind: 'regression', outputs: ['variable'] });
    expect(deriveTask([spec('y', 'float32', ['N'])], undefined)).toEqual({ kind: 'regression', outputs: ['y'] });
  });

  it('follows metadata’s task over the output names', () => {
    expect(deriveTask([spec('out', 'float32', ['N', 3])], undefined, { task: 'regression' })).toEqual({ kind: 'regression', outputs: ['out'] });
    expect(deriveTask([spec('out', 'float32', ['N', 3])], undefined, { task: 'classification' })).toMatchObject({ kind: 'classification', probabilities: 'out', labelRule: 'argmax' });
  });

  it('says nothing about outputs that name no task', () => {
    expect(deriveTask([spec('sum', 'float32', ['N', 2]), spec('dot', 'float32', ['N'])], undefined)).toBeUndefined();
    expect(deriveTask([spec('code', 'int64', ['N', 1])], undefined)).toBeUndefined();
  });
});
