import { createRunnerError } from './errors';
import type { RunnerPipeline } from './model-source';
import type { ModelSignature, TensorOutput, TensorSpec, WireTensor } from './tensor';

/** One prediction of `runner.predict()`. */
export interface Prediction {
  /** `classes[index]` when the model has classes, else `index`. */
  label: string | number;
  /** The argmax of `probabilities`. */
  index: number;
  /** One probability per class, in the order of the model's classes. */
  probabilities: number[];
}

/** What predict() needs to know about a model, worked out once at ready(). */
export interface PredictPlan {
  input: TensorSpec;
  probabilities: string;
}

/**
 * Picks the input predict() feeds and the output it reads: the model must have one numeric input,
 * and an output named `probabilities` (or else a float output of rank 2). The TreeEnsemble `label`
 * output is never used: in the binary case it does not follow argmax(probabilities).
 */
export function planPredict(signature: ModelSignature): PredictPlan | string {
  if (signature.inputs.length !== 1) return `predict() needs a model with one input, this one has ${signature.inputs.length}; use run()`;
  const input = signature.inputs[0]!;
  if (input.type !== 'float32' && input.type !== 'float64') return `predict() needs a float input, "${input.name}" is ${input.type}; use run()`;
  const isFloat = (o: TensorSpec): boolean => o.type === 'float32' || o.type === 'float64';
  const probabilities =
    signature.outputs.find((o) => (o.name === 'probabilities' || o.name === 'output_probability') && isFloat(o)) ??
    signature.outputs.find((o) => isFloat(o) && o.shape.length === 2);
  if (!probabilities) return 'predict() needs a probabilities output (float [N, classes]); this model has none; use run()';
  return { input, probabilities: probabilities.name };
}

/**
 * Turns records into the model's input tensor: through the pipeline when there is one, otherwise
 * each record must already be a row of numbers.
 */
export function recordsToTensor(records: unknown[], pipeline: RunnerPipeline | undefined, input: TensorSpec): WireTensor {
  if (pipeline) {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (typeof r !== 'object' || r === null || Array.isArray(r)) {
        throw createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${i} must be an object`, { details: { row: i } });
      }
    }
    const { data, shape } =
      records.length === 1 && pipeline.transformOne
        ? pipeline.transformOne(records[0] as Record<string, unknown>)
        : pipeline.transform(records as Array<Record<string, unknown>>);
    const tensorData = input.type === 'float64' ? Float64Array.from(data) : data;
    return { type: input.type as 'float32', data: tensorData, dims: [shape[0] ?? records.length, shape[1] ?? 0] };
  }
  const width = (records[0] as { length?: unknown } | undefined)?.length;
  if (typeof width !== 'number') {
    throw createRunnerError('MLS_ERR_RUNNER_INPUT', 'this model has no pipeline: records must be arrays of numbers', { details: { row: 0 } });
  }
  const data = input.type === 'float64' ? new Float64Array(records.length * width) : new Float32Array(records.length * width);
  for (let i = 0; i < records.length; i++) {
    const row = records[i] as ArrayLike<unknown>;
    if (!(Array.isArray(row) || ArrayBuffer.isView(row)) || row.length !== width) {
      throw createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${i} must be an array of ${width} numbers`, { details: { row: i } });
    }
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== 'number') throw createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${i}, column ${j} is not a number`, { details: { row: i, column: j } });
      data[i * width + j] = v;
    }
  }
  return { type: input.type as 'float32', data, dims: [records.length, width] };
}

/** Labels from argmax(probabilities), mapped through the classes. */
export function toPredictions(output: TensorOutput, classes: ReadonlyArray<string | number> | undefined): Prediction[] {
  const [rows = 0, width = 1] = output.dims.length === 1 ? [output.dims[0], 1] : output.dims;
  if (classes && classes.length !== width) {
    throw createRunnerError('MLS_ERR_RUNNER_NOT_CLASSIFIER', `the model returns ${width} probabilities per row but has ${classes.length} classes`);
  }
  const data = output.data as Float32Array;
  const predictions: Prediction[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const probabilities = new Array<number>(width);
    let index = 0;
    for (let j = 0; j < width; j++) {
      const p = data[i * width + j]!;
      probabilities[j] = p;
      if (p > probabilities[index]!) index = j;
    }
    predictions[i] = { label: classes ? classes[index]! : index, index, probabilities };
  }
  return predictions;
}
