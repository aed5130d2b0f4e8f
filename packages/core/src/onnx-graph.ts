import { createRequire } from 'node:module';
import type { onnx } from 'onnx-proto';
import type { ZipMapOutput } from './signature';

type OnnxProto = typeof import('onnx-proto').onnx;
let protoModule: OnnxProto | undefined;

/**
 * onnx-proto is CommonJS whose exports Node's ESM loader cannot name, so it is required (tsup
 * shims `__filename` in the ESM build); loaded on first use, so users of the rest of the package
 * (the deadline queue) never load protobufjs.
 */
function proto(): OnnxProto {
  protoModule ??= (createRequire(__filename)('onnx-proto') as typeof import('onnx-proto')).onnx;
  return protoModule;
}

/** A classifier or regressor operator of `ai.onnx.ml` found in a graph. */
export interface OnnxEstimatorNode {
  opType: string;
  /** Its outputs (a classifier's are `[label, scores]`). */
  outputs: string[];
  /** A classifier's `classlabels_strings`, `classlabels_int64s` or `classlabels_ints`. */
  classes?: Array<string | number>;
}

/** What mlserve reads from an ONNX graph beyond what ONNX Runtime reports. */
export interface OnnxGraphInfo {
  producer: string;
  /** Graph inputs that are not initializers. */
  inputs: string[];
  /** Graph outputs, each with whether it is a tensor. */
  outputs: Array<{ name: string; tensor: boolean }>;
  /** ZipMap outputs and the probability tensors feeding them. */
  zipMaps: ZipMapOutput[];
  /** `ai.onnx.ml` classifier nodes (TreeEnsembleClassifier, LinearClassifier, SVMClassifier), in graph order. */
  classifiers: OnnxEstimatorNode[];
  /** `ai.onnx.ml` regressor nodes (TreeEnsembleRegressor, LinearRegressor, SVMRegressor). */
  regressors: OnnxEstimatorNode[];
}

const kUtf8 = new TextDecoder();

function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/**
 * Class labels of a classifier or ZipMap node: `classlabels_strings`, or `classlabels_int64s`
 * (TreeEnsembleClassifier, ZipMap) or `classlabels_ints` (LinearClassifier, SVMClassifier).
 */
function classLabels(node: onnx.INodeProto): Array<string | number> | undefined {
  const strings = attribute(node, 'classlabels_strings')?.strings;
  if (strings && strings.length > 0) return strings.map((s) => kUtf8.decode(s));
  const ints = (attribute(node, 'classlabels_int64s') ?? attribute(node, 'classlabels_ints'))?.ints;
  if (ints && ints.length > 0) return ints.map((i) => Number(i));
  return undefined;
}

/**
 * Decodes an ONNX model (with onnx-proto's protobuf messages) and reads its estimator nodes, class
 * labels and ZipMap outputs. Throws an Error when the bytes are not an ONNX ModelProto.
 */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphInfo {
  const model = proto().ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('the file holds no ONNX graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const info: OnnxGraphInfo = {
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputs: (graph.input ?? []).map((i) => i.name ?? '').filter((name) => !initializers.has(name)),
    outputs: (graph.output ?? []).map((o) => ({ name: o.name ?? '', tensor: Boolean(o.type?.tensorType) })),
    zipMaps: [],
    classifiers: [],
    regressors: [],
  };
  for (const node of graph.node ?? []) {
    const opType = node.opType ?? '';
    if (node.domain !== 'ai.onnx.ml') continue;
    if (opType === 'ZipMap') {
      const output = node.output?.[0];
      const input = node.input?.[0];
      if (output && input && info.outputs.some((o) => o.name === output)) info.zipMaps.push({ output, probabilities: input, classes: classLabels(node) ?? [] });
    } else if (opType.endsWith('Classifier')) {
      const classes = classLabels(node);
      info.classifiers.push({ opType, outputs: [...(node.output ?? [])], ...(classes ? { classes } : {}) });
    } else if (opType.endsWith('Regressor')) {
      info.regressors.push({ opType, outputs: [...(node.output ?? [])] });
    }
  }
  return info;
}

/**
 * The serving graph of a model with ZipMap outputs: each ZipMap output is replaced by the float
 * tensor [N, classes] that feeds it (onnxruntime-node returns tensors only); everything else is
 * kept. Fields newer than onnx-proto's ONNX schema (IR 8) are dropped from the copy, never from
 * the stored file.
 */
export function toServingModel(bytes: Uint8Array, zipMaps: readonly ZipMapOutput[]): Uint8Array {
  const { ModelProto, TensorProto, ValueInfoProto } = proto();
  const model = ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto;
  for (const zipMap of zipMaps) {
    const index = graph.output.findIndex((o) => o.name === zipMap.output);
    if (index === -1) continue;
    graph.output.splice(index, 1);
    graph.node = graph.node.filter((n) => !(n.opType === 'ZipMap' && n.output?.[0] === zipMap.output));
    if (graph.output.some((o) => o.name === zipMap.probabilities)) continue;
    const known = graph.valueInfo.find((v) => v.name === zipMap.probabilities);
    const width = zipMap.classes.length;
    const dims = [{ dimParam: 'N' }, width > 0 ? { dimValue: width } : { dimParam: 'classes' }];
    graph.output.splice(
      index,
      0,
      known ?? ValueInfoProto.create({ name: zipMap.probabilities, type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim: dims } } } }),
    );
  }
  return ModelProto.encode(model).finish();
}
