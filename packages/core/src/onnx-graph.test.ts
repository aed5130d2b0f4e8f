import { onnx } from 'onnx-proto';
import { readOnnxGraph, toServingModel } from './onnx-graph';

const kUtf8 = new TextEncoder();

/** A skl2onnx-shaped classifier: LinearClassifier -> label, probabilities -> ZipMap -> output_probability. */
function zipMapModel(): Uint8Array {
  const tensorType = (elemType: number, dims: Array<{ dimParam?: string; dimValue?: number }>) => ({ tensorType: { elemType, shape: { dim: dims } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skl2onnx',
    opsetImport: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    graph: {
      name: 'g',
      node: [
        {
          opType: 'LinearClassifier',
          domain: 'ai.onnx.ml',
          input: ['input'],
          output: ['label', 'probabilities'],
          attribute: [
            { name: 'classlabels_strings', type: onnx.AttributeProto.AttributeType.STRINGS, strings: [kUtf8.encode('no'), kUtf8.encode('yes')] },
            { name: 'coefficients', type: onnx.AttributeProto.AttributeType.FLOATS, floats: [1, -1, -1, 1] },
          ],
        },
        {
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          input: ['probabilities'],
          output: ['output_probability'],
          attribute: [{ name: 'classlabels_strings', type: onnx.AttributeProto.AttributeType.STRINGS, strings: [kUtf8.encode('no'), kUtf8.encode('yes')] }],
        },
      ],
      input: [{ name: 'input', type: tensorType(onnx.TensorProto.DataType.FLOAT, [{ dimParam: 'N' }, { dimValue: 2 }]) }],
      output: [
        { name: 'label', type: tensorType(onnx.TensorProto.DataType.STRING, [{ dimParam: 'N' }]) },
        { name: 'output_probability', type: { sequenceType: { elemType: { mapType: { keyType: onnx.TensorProto.DataType.STRING, valueType: tensorType(1, []) } } } } },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

describe('readOnnxGraph', () => {
  it('finds the classifier node with its class labels and the ZipMap with the tensor feeding it', () => {
    const info = readOnnxGraph(zipMapModel());
    expect(info.producer).toBe('skl2onnx');
    expect(info.inputs).toEqual(['input']);
    expect(info.outputs).toEqual([{ name: 'label', tensor: true }, { name: 'output_probability', tensor: false }]);
    expect(info.classifiers).toEqual([{ opType: 'LinearClassifier', outputs: ['label', 'probabilities'], classes: ['no', 'yes'] }]);
    expect(info.zipMaps).toEqual([{ output: 'output_probability', probabilities: 'probabilities', classes: ['no', 'yes'] }]);
  });

  it('throws on bytes that are not an ONNX model', () => {
    expect(() => readOnnxGraph(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow();
  });
});

describe('toServingModel', () => {
  it('replaces the ZipMap output by the float tensor [N, classes] that fed it, and drops the ZipMap node', () => {
    const bytes = zipMapModel();
    const graph = onnx.ModelProto.decode(toServingModel(bytes, readOnnxGraph(bytes).zipMaps)).graph as onnx.GraphProto;
    expect(graph.output.map((o) => o.name)).toEqual(['label', 'probabilities']);
    const probabilities = graph.output[1]!.type!.tensorType as onnx.TypeProto.Tensor;
    expect(probabilities.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(probabilities.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 2]);
    expect(graph.node.map((n) => n.opType)).toEqual(['LinearClassifier']);
  });
});
