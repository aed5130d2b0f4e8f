import type { TensorType } from './tensor-types';

/** Element type of a tensor spec: a TensorType, or another ONNX type name (float16, `non-tensor`, ...). */
export type TensorSpecType = TensorType | 'float16' | (string & {});

/** One input or output of a model: its name, element type and shape (a string or null for a free dimension). */
export interface TensorSpec {
  name: string;
  type: TensorSpecType;
  shape: Array<number | string | null>;
}

/**
 * A classifier: the outputs that hold its labels and probabilities (or decision scores), its class
 * names, and which rule gives the label.
 */
export interface ClassificationTask {
  kind: 'classification';
  /** Class names in the order of the probability columns (from the graph, metadata or the caller). */
  classes?: Array<string | number>;
  /** The model's label output, when it has one. */
  label?: string;
  /** The probability tensor [N, classes] (for a ZipMap model, the tensor that fed the ZipMap). */
  probabilities?: string;
  /** Decision scores [N, classes] of a classifier without probabilities (e.g. SVC without probability=True). */
  scores?: string;
  /**
   * `model`: the label output is the answer. `argmax`: the label is `classes[argmax(probabilities)]`,
   * for models whose label output is known not to follow their probabilities.
   */
  labelRule: 'model' | 'argmax';
}

/** A regressor: the outputs that hold its values ([N] or [N, targets]). */
export interface RegressionTask {
  kind: 'regression';
  /** Value outputs, in order. */
  outputs: string[];
}

/** What a model predicts, derived from its graph (and metadata) when it is saved. */
export type ModelTask = ClassificationTask | RegressionTask;

/** A ZipMap output that is served as the tensor feeding it. */
export interface ZipMapOutput {
  /** The graph's ZipMap output (a sequence of maps). */
  output: string;
  /** The float tensor [N, classes] the ZipMap reads. */
  probabilities: string;
  /** The ZipMap's own class labels. */
  classes: Array<string | number>;
}

/** The inputs and outputs of a model as served (ZipMap outputs replaced by their probability tensors), and its task. */
export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Absent in signatures stored before tasks were recorded: the runner then works it out itself. */
  task?: ModelTask;
  /** ZipMap outputs of the stored graph, each served as the tensor that fed it. */
  zipMaps?: ZipMapOutput[];
  /** Names of the D columns of a single input [N, D] (from metadata), so records can be sent by name. */
  featureNames?: string[];
}
