import type { ClassificationTask, ModelTask, RegressionTask } from '@mlserve/core';
import { createRunnerError } from './errors';
import type { RunnerPipeline } from './model-source';
import { type RecordFeed, planFeed } from './record-feed';
import type { ModelSignature, TensorOutput } from './tensor';

/** One prediction of a classifier with probabilities. */
export interface Prediction {
  /** The class: `classes[index]` when the model has classes, else `index`. */
  label: string | number;
  /** The position of the class in `classes` (and in `probabilities`). */
  index: number;
  /** One probability per class, in the order of the model's classes. */
  probabilities: number[];
}

/** One prediction of a classifier without probabilities (e.g. SVC without probability=True): the label only. */
export interface LabelPrediction {
  label: string | number;
  index: number;
}

/** One prediction of a regressor: one number, or one per target. */
export interface RegressionPrediction {
  value: number | number[];
}

/** Any answer of `runner.predict()`: which one follows from the model's task. */
export type AnyPrediction = Prediction | LabelPrediction | RegressionPrediction;

/** What predict() needs to know about a model, worked out once from its signature. */
export interface PredictPlan {
  feed: RecordFeed;
  task: ModelTask;
}

/** How records reach the model and what its outputs mean; a string says why predict() cannot be used. */
export function planPredict(signature: ModelSignature, pipeline: RunnerPipeline | undefined): PredictPlan | string {
  const task = signature.task;
  if (!task) return 'predict() needs a classifier (label or probabilities output) or a regressor (output "variable"); this model is neither; use run()';
  const feed = planFeed(signature, pipeline);
  return typeof feed === 'string' ? feed : { feed, task };
}

/**
 * What the class labels of a label output are, to find each label's position: the graph's own
 * class labels when known, else the label is the position.
 */
export interface LabelLookup {
  /** Class names in probability-column order, as the caller sees them. */
  classes: ReadonlyArray<string | number> | undefined;
  /** The labels the model's label output writes (its classifier's or ZipMap's classlabels). */
  graphLabels: ReadonlyArray<string | number> | undefined;
}

/** Turns a batch's outputs into one prediction per row, following the task. */
export function toPredictions(outputs: Record<string, TensorOutput>, task: ModelTask, lookup: LabelLookup): AnyPrediction[] {
  return task.kind === 'regression' ? toValues(outputs, task) : toClasses(outputs, task, lookup);
}

function rowsAndWidth(output: TensorOutput): [number, number] {
  const [rows = 0, width = 1] = output.dims.length === 1 ? [output.dims[0], 1] : output.dims;
  return [rows, width];
}

function toValues(outputs: Record<string, TensorOutput>, task: RegressionTask): RegressionPrediction[] {
  const output = outputs[task.outputs[0]!]!;
  const [rows, width] = rowsAndWidth(output);
  const data = output.data as ArrayLike<number>;
  const out: RegressionPrediction[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    out[i] = { value: width === 1 ? Number(data[i]) : Array.from({ length: width }, (_, j) => Number(data[i * width + j])) };
  }
  return out;
}

function toClasses(outputs: Record<string, TensorOutput>, task: ClassificationTask, lookup: LabelLookup): Array<Prediction | LabelPrediction> {
  const classes = lookup.classes ?? task.classes;
  const probabilities = task.probabilities ? outputs[task.probabilities] : undefined;
  const labels = task.label ? outputs[task.label] : undefined;
  const scores = task.scores ? outputs[task.scores] : undefined;
  const ranked = probabilities ?? (task.labelRule === 'argmax' ? scores : undefined);
  const [rows, width] = ranked ? rowsAndWidth(ranked) : rowsAndWidth(labels!);
  if (probabilities && classes && classes.length !== width) {
    throw createRunnerError('MLS_ERR_RUNNER_NOT_CLASSIFIER', `the model returns ${width} probabilities per row but has ${classes.length} classes`);
  }
  const graphLabels = lookup.graphLabels ?? task.classes;
  const byArgmax = task.labelRule === 'argmax' || !labels;
  const rankedData = ranked?.data as ArrayLike<number> | undefined;
  const labelData = labels?.data as ArrayLike<string | number> | undefined;
  const probabilityData = probabilities?.data as ArrayLike<number> | undefined;
  // The answer for a class position, worked out once per position rather than once per row.
  const labelOf = (index: number): string | number => classes?.[index] ?? (graphLabels?.[index] as string | number | undefined) ?? index;
  const known = Array.from({ length: Math.max(width, classes?.length ?? 0, graphLabels?.length ?? 0) }, (_, index) => labelOf(index));
  const predictions: Array<Prediction | LabelPrediction> = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let index: number;
    let label: string | number;
    if (byArgmax) {
      const base = i * width;
      index = 0;
      for (let j = 1; j < width; j++) if (rankedData![base + j]! > rankedData![base + index]!) index = j;
      label = known[index]!;
    } else {
      const value = labelData![i]!;
      const found = graphLabels ? graphLabels.indexOf(value) : -1;
      index = found !== -1 ? found : typeof value === 'number' ? value : -1;
      // A label the model writes but no class list names (say a string label without classes): answered as it is.
      if (index === -1 || (classes === undefined && typeof value !== 'number')) label = value;
      else label = known[index] ?? labelOf(index);
    }
    // Object literals of one shape (no spread): V8 keeps one hidden class for every row.
    predictions[i] = probabilityData === undefined ? { label, index } : { label, index, probabilities: rowOf(probabilityData, i, width) };
  }
  return predictions;
}

/** One row of a [rows, width] matrix as a plain array (a literal for the common binary case: packed doubles). */
function rowOf(data: ArrayLike<number>, row: number, width: number): number[] {
  const base = row * width;
  if (width === 2) return [data[base]!, data[base + 1]!];
  const values = new Array<number>(width);
  for (let j = 0; j < width; j++) values[j] = data[base + j]!;
  return values;
}
