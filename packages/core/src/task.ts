import type { OnnxGraphInfo } from './onnx-graph';
import type { ClassificationTask, ModelTask, TensorSpec } from './signature';

/** What besides the graph tells a model's task: metadata.json's `task`, and class names given by the user. */
export interface TaskHints {
  task?: unknown;
  classes?: ReadonlyArray<string | number> | undefined;
}

const isFloat = (spec: TensorSpec): boolean => spec.type === 'float32' || spec.type === 'float64';
const width = (spec: TensorSpec): number | string | null | undefined => (spec.shape.length === 1 ? 1 : spec.shape[1]);

/**
 * Works out what a model predicts from its served outputs (ZipMap outputs already replaced by their
 * probability tensors), its graph and the hints:
 * - classification: an `ai.onnx.ml` classifier or a ZipMap in the graph, metadata `task:
 *   "classification"`, or outputs named like skl2onnx's (`label`/`output_label`,
 *   `probabilities`/`output_probability`); its probabilities are the output so named, or else
 *   its float output [N, k > 1];
 * - regression: a regressor node, metadata `task: "regression"`, an output named `variable`, or a
 *   single float output [N] or [N, 1].
 * Labels follow the model's label output, except for a binary TreeEnsembleClassifier, whose label
 * output ONNX Runtime decides by a threshold on the positive score rather than argmax of the
 * probabilities (they disagree on ties), or a model without a label output.
 * Returns undefined when nothing says (the model can then only be run()).
 */
export function deriveTask(outputs: readonly TensorSpec[], graph: OnnxGraphInfo | undefined, hints: TaskHints = {}): ModelTask | undefined {
  const named = (...names: string[]): TensorSpec | undefined => outputs.find((o) => names.includes(o.name));
  const floats = outputs.filter(isFloat);
  const classifier = graph?.classifiers[0];
  const zipMap = graph?.zipMaps[0];
  const labelSpec = named('label', 'output_label') ?? (classifier ? outputs.find((o) => o.name === classifier.outputs[0]) : undefined);
  const namedProbabilities = (zipMap ? named(zipMap.probabilities) : undefined) ?? floats.find((o) => o.name === 'probabilities' || o.name === 'output_probability');
  const scores = floats.find((o) => o.name === 'scores');
  const value = floats.find((o) => o.name === 'variable');

  let kind: ModelTask['kind'] | undefined;
  if (hints.task === 'classification' || hints.task === 'regression') kind = hints.task;
  else if (classifier || zipMap) kind = 'classification';
  else if (graph?.regressors.length) kind = 'regression';
  else if (value) kind = 'regression';
  else if (labelSpec || namedProbabilities) kind = 'classification';
  else if (floats.length === 1 && floats[0]!.shape.length <= 2 && width(floats[0]!) === 1) kind = 'regression';
  if (kind === undefined) return undefined;

  if (kind === 'regression') {
    const regressor = graph?.regressors[0];
    const fromNode = regressor ? outputs.filter((o) => regressor.outputs.includes(o.name)) : [];
    const specs = value ? [value] : fromNode.length > 0 ? fromNode : floats;
    return specs.length > 0 ? { kind, outputs: specs.map((o) => o.name) } : undefined;
  }
  // Unnamed float outputs [N, k] are probabilities only once something else says "classifier".
  const probabilities = namedProbabilities ?? (named('scores') ? undefined : floats.find((o) => o.name !== labelSpec?.name && o.shape.length === 2 && width(o) !== 1));
  const classes = hints.classes ? [...hints.classes] : (zipMap?.classes.length ? zipMap.classes : undefined) ?? classifier?.classes;
  const task: ClassificationTask = { kind, labelRule: 'model' };
  if (classes) task.classes = [...classes];
  if (labelSpec) task.label = labelSpec.name;
  if (probabilities) task.probabilities = probabilities.name;
  else if (scores) task.scores = scores.name;
  const binaryTrees = classifier?.opType === 'TreeEnsembleClassifier' && (classifier.classes?.length ?? classes?.length) === 2;
  if (!task.label || (binaryTrees && task.probabilities)) task.labelRule = 'argmax';
  if (!task.label && !task.probabilities && !task.scores) return undefined;
  return task;
}
