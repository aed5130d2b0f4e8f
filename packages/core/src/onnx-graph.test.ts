import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { readOnnxGraph, toServingModel } from './onnx-graph';

const kUtf8 = new TextEncoder();

/** A skl2onnx-shaped classifier: LinearClassifier -> label, probabilities -> ZipMap -> output_probability. */
function zipMapModel(): Uint8Array {
  const tensorType = (elemType: number, dims: Array<{ dimParam?: string; dimValue?: number }>) => ({ tensorType: { elemType, shape: { dim: dims } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skl2onnx',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
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
    expect(info.outputs).toEqual([
      { name: 'label', tensor: true },
      { name: 'output_probability', tensor: false },
    ]);
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

describe('reading the wire format directly', () => {
  const fixtures = ['zipmap.onnx', 'forest.onnx', 'skl_multiclass_strings.onnx', 'skl_regressor.onnx', 'two_inputs.onnx', 'string_input.onnx'];

  it.each(fixtures)('reads %s as onnx-proto decodes it', (name) => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '..', '..', 'runner', 'test', 'fixtures', name)));
    const model = onnx.ModelProto.decode(bytes);
    const graph = model.graph as onnx.GraphProto;
    const initializers = new Set(graph.initializer.map((t) => t.name));
    const info = readOnnxGraph(bytes);
    expect(info.producer).toBe(`${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim());
    expect(info.inputs).toEqual(graph.input.map((i) => i.name).filter((n) => !initializers.has(n)));
    expect(info.outputs).toEqual(graph.output.map((o) => ({ name: o.name, tensor: Boolean(o.type?.tensorType) })));
  });

  it('keeps the fields it does not know in the serving copy, and the copy decodes as the original minus the ZipMap', () => {
    const bytes = zipMapModel();
    // Field 99 of ModelProto, unknown to onnx-proto: a newer ONNX's field must survive the copy.
    const withUnknown = new Uint8Array([...bytes, 0x9a, 0x06, 0x02, 0x68, 0x69]);
    const served = toServingModel(withUnknown, readOnnxGraph(withUnknown).zipMaps);
    expect([...served.subarray(served.length - 5)]).toEqual([0x9a, 0x06, 0x02, 0x68, 0x69]);
    const graph = onnx.ModelProto.decode(served).graph as onnx.GraphProto;
    expect(graph.node.map((n) => n.opType)).toEqual(['LinearClassifier']);
    expect(graph.input.map((i) => i.name)).toEqual(['input']);
  });

  it('reads int64 class labels, negative ones included', () => {
    const model = onnx.ModelProto.create({
      graph: {
        node: [{ opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', output: ['label', 'scores'], attribute: [{ name: 'classlabels_int64s', ints: [-1, 0, 7] }] }],
        output: [{ name: 'label', type: { tensorType: { elemType: 7 } } }],
      },
    });
    expect(readOnnxGraph(onnx.ModelProto.encode(model).finish()).classifiers).toEqual([{ opType: 'TreeEnsembleClassifier', outputs: ['label', 'scores'], classes: [-1, 0, 7] }]);
  });

  it('throws on a truncated model and on one without a graph', () => {
    const bytes = zipMapModel();
    expect(() => readOnnxGraph(bytes.subarray(0, bytes.length - 3))).toThrow(/past the end|truncated/);
    expect(() => readOnnxGraph(onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8 })).finish())).toThrow('the file holds no ONNX graph');
  });
});
