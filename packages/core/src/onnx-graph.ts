import type { ZipMapOutput } from './signature';
import { type WireField, concatBytes, findField, integers, lengthDelimited, payload, readFields, scanFields, stringField, text, varintField } from './protobuf-wire';

// Field numbers of onnx.proto's messages, the few read here.
const kModel = { producerName: 2, producerVersion: 3, graph: 7 } as const;
const kGraph = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const kNode = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 } as const;
const kAttribute = { name: 1, ints: 8, strings: 9 } as const;
const kTensorName = 8;
const kValueInfo = { name: 1, type: 2 } as const;
const kTypeTensor = 1;
const kFloat = 1;

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

/** A message's fields grouped by number (repeated fields keep their order). */
function byNumber(bytes: Uint8Array, start?: number, end?: number): Map<number, WireField[]> {
  const groups = new Map<number, WireField[]>();
  for (const f of readFields(bytes, start, end)) {
    const list = groups.get(f.field);
    if (list) list.push(f);
    else groups.set(f.field, [f]);
  }
  return groups;
}

/** The last value of a string field (protobuf: the last one wins), or ''. */
function lastText(bytes: Uint8Array, groups: Map<number, WireField[]>, field: number): string {
  const list = groups.get(field);
  return list && list.length > 0 ? text(bytes, list[list.length - 1]!) : '';
}

/** A node, read as far as mlserve needs: op type, domain, inputs, outputs, and where its attributes are. */
interface NodeView {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: WireField[];
}

// A tree ensemble is one node whose attributes hold every tree, often one field per value: only
// the attributes' names are read, and only a class-label attribute's values.
function readNode(bytes: Uint8Array, f: WireField): NodeView {
  const node: NodeView = { opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  scanFields(bytes, f.valueStart, f.end, (field) => {
    if (field.field === kNode.opType) node.opType = text(bytes, field);
    else if (field.field === kNode.domain) node.domain = text(bytes, field);
    else if (field.field === kNode.input) node.inputs.push(text(bytes, field));
    else if (field.field === kNode.output) node.outputs.push(text(bytes, field));
    else if (field.field === kNode.attribute) node.attributes.push({ ...field });
    return false;
  });
  return node;
}

function attributeNamed(bytes: Uint8Array, node: NodeView, name: string): WireField | undefined {
  return node.attributes.find((a) => {
    const n = findField(bytes, a.valueStart, a.end, kAttribute.name);
    return n !== undefined && text(bytes, n) === name;
  });
}

/**
 * Class labels of a classifier or ZipMap node: `classlabels_strings`, or `classlabels_int64s`
 * (TreeEnsembleClassifier, ZipMap) or `classlabels_ints` (LinearClassifier, SVMClassifier).
 */
function classLabels(bytes: Uint8Array, node: NodeView): Array<string | number> | undefined {
  const strings = attributeNamed(bytes, node, 'classlabels_strings');
  const labels = strings
    ? readFields(bytes, strings.valueStart, strings.end)
        .filter((f) => f.field === kAttribute.strings)
        .map((f) => text(bytes, f))
    : [];
  if (labels.length > 0) return labels;
  const ints = attributeNamed(bytes, node, 'classlabels_int64s') ?? attributeNamed(bytes, node, 'classlabels_ints');
  const numbers = ints
    ? integers(
        bytes,
        readFields(bytes, ints.valueStart, ints.end).filter((f) => f.field === kAttribute.ints),
      )
    : [];
  return numbers.length > 0 ? numbers : undefined;
}

/** The graph of a model: its fields, and the bytes they index (several `graph` fields merge, as protobuf says). */
function readGraph(bytes: Uint8Array): { model: Map<number, WireField[]>; graph: Uint8Array; fields: WireField[] } {
  const model = byNumber(bytes);
  const graphs = model.get(kModel.graph) ?? [];
  if (graphs.length === 0) throw new Error('the file holds no ONNX graph');
  const graph = graphs.length === 1 ? payload(bytes, graphs[0]!) : concatBytes(graphs.map((g) => payload(bytes, g)));
  return { model, graph, fields: readFields(graph) };
}

function valueInfoName(graph: Uint8Array, f: WireField): string {
  return lastText(graph, byNumber(graph, f.valueStart, f.end), kValueInfo.name);
}

/**
 * Reads an ONNX model's estimator nodes, class labels and ZipMap outputs straight from its protobuf
 * bytes: the large fields (tree weights, initializers' data) are skipped, not decoded. Throws an
 * Error when the bytes are not an ONNX ModelProto.
 */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphInfo {
  const { model, graph, fields } = readGraph(bytes);
  const initializers = new Set<string>();
  const inputs: string[] = [];
  const outputs: OnnxGraphInfo['outputs'] = [];
  const nodes: NodeView[] = [];
  for (const f of fields) {
    if (f.field === kGraph.initializer) initializers.add(lastText(graph, byNumber(graph, f.valueStart, f.end), kTensorName));
    else if (f.field === kGraph.input) inputs.push(valueInfoName(graph, f));
    else if (f.field === kGraph.output) {
      const info = byNumber(graph, f.valueStart, f.end);
      const types = info.get(kValueInfo.type) ?? [];
      const tensor = types.some((t) => readFields(graph, t.valueStart, t.end).some((tf) => tf.field === kTypeTensor));
      outputs.push({ name: lastText(graph, info, kValueInfo.name), tensor });
    } else if (f.field === kGraph.node) nodes.push(readNode(graph, f));
  }
  const producer = `${lastText(bytes, model, kModel.producerName)} ${lastText(bytes, model, kModel.producerVersion)}`.trim();
  const info: OnnxGraphInfo = { producer, inputs: inputs.filter((name) => !initializers.has(name)), outputs, zipMaps: [], classifiers: [], regressors: [] };
  for (const node of nodes) {
    const { opType } = node;
    if (node.domain !== 'ai.onnx.ml') continue;
    if (opType === 'ZipMap') {
      const output = node.outputs[0];
      const input = node.inputs[0];
      if (output && input && info.outputs.some((o) => o.name === output)) info.zipMaps.push({ output, probabilities: input, classes: classLabels(graph, node) ?? [] });
    } else if (opType.endsWith('Classifier')) {
      const classes = classLabels(graph, node);
      info.classifiers.push({ opType, outputs: [...node.outputs], ...(classes ? { classes } : {}) });
    } else if (opType.endsWith('Regressor')) {
      info.regressors.push({ opType, outputs: [...node.outputs] });
    }
  }
  return info;
}

/** A ValueInfoProto of a float tensor [N, width] (`classes` when the width is unknown). */
function floatMatrixInfo(name: string, width: number): Uint8Array {
  const dim = (d: Uint8Array) => lengthDelimited(1, d);
  const dims = concatBytes([dim(stringField(2, 'N')), dim(width > 0 ? varintField(1, width) : stringField(2, 'classes'))]);
  const tensorType = concatBytes([varintField(1, kFloat), lengthDelimited(2, dims)]);
  return concatBytes([stringField(kValueInfo.name, name), lengthDelimited(kValueInfo.type, lengthDelimited(kTypeTensor, tensorType))]);
}

/**
 * The serving graph of a model with ZipMap outputs: each ZipMap output is replaced by the float
 * tensor [N, classes] that feeds it (onnxruntime-node returns tensors only), and the ZipMap node
 * dropped. Everything else is copied byte for byte, fields this package does not know included.
 */
export function toServingModel(bytes: Uint8Array, zipMaps: readonly ZipMapOutput[]): Uint8Array {
  const { graph, fields } = readGraph(bytes);
  // The graph's fields as byte ranges; an output may be replaced by new bytes.
  let entries: Array<{ field: number; bytes: Uint8Array; source?: WireField }> = fields.map((f) => ({ field: f.field, bytes: graph.subarray(f.start, f.end), source: f }));
  const nameOf = (e: (typeof entries)[number]) => (e.source ? valueInfoName(graph, e.source) : undefined);
  for (const zipMap of zipMaps) {
    const index = entries.findIndex((e) => e.field === kGraph.output && nameOf(e) === zipMap.output);
    if (index === -1) continue;
    const isZipMapNode = (e: (typeof entries)[number]) => {
      if (e.field !== kGraph.node || !e.source) return false;
      const node = readNode(graph, e.source);
      return node.opType === 'ZipMap' && node.outputs[0] === zipMap.output;
    };
    const hasOutput = entries.some((e) => e.field === kGraph.output && nameOf(e) === zipMap.probabilities);
    const known = entries.find((e) => e.field === kGraph.valueInfo && nameOf(e) === zipMap.probabilities);
    const replacement = hasOutput
      ? []
      : [
          {
            field: kGraph.output,
            bytes: lengthDelimited(kGraph.output, known?.source ? payload(graph, known.source) : floatMatrixInfo(zipMap.probabilities, zipMap.classes.length)),
          },
        ];
    entries = [...entries.slice(0, index), ...replacement, ...entries.slice(index + 1)].filter((e) => !isZipMapNode(e));
  }
  const newGraph = lengthDelimited(kModel.graph, concatBytes(entries.map((e) => e.bytes)));
  // The model's other fields stay as they were; the graph goes where the (first) graph field was.
  const parts: Uint8Array[] = [];
  let graphWritten = false;
  for (const f of readFields(bytes)) {
    if (f.field !== kModel.graph) parts.push(bytes.subarray(f.start, f.end));
    else if (!graphWritten) {
      parts.push(newGraph);
      graphWritten = true;
    }
  }
  return concatBytes(parts);
}
