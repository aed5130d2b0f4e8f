import { type ModelTask, type OnnxGraphInfo, deriveTask, readOnnxGraph, toServingModel } from '@mlserve/core';
import { readFileSync } from 'node:fs';
import type { ModelSignature } from './tensor';

/** What the runner read from the model file before starting its workers. */
export interface ServingGraph {
  info: OnnxGraphInfo;
  /** The graph the workers load instead of the file, when it has ZipMap outputs (dropped once loaded). */
  bytes: Uint8Array | undefined;
}

/**
 * Reads the model's graph (class labels, estimator nodes, ZipMap outputs) and, for a ZipMap
 * classifier, derives the serving graph that returns the probability tensor feeding the ZipMap:
 * the file on disk stays as the user gave it. Undefined when the file cannot be read as ONNX:
 * ONNX Runtime then says why when the workers load it. Synchronous, so that a runner's start
 * reaches its workers' spawn within the call that started it (see `MLSERVE_RUNNER_START`).
 */
export function readServingGraph(modelPath: string): ServingGraph | undefined {
  let file: Uint8Array;
  let info: OnnxGraphInfo;
  try {
    file = readFileSync(modelPath);
    info = readOnnxGraph(file);
  } catch {
    return undefined;
  }
  const bytes = info.zipMaps.length > 0 ? toServingModel(file, info.zipMaps) : undefined;
  return { info, bytes };
}

/**
 * The signature the runner serves: the session's inputs and outputs, with the task, ZipMaps and
 * feature names of the stored signature when there is one, else the task worked out from the graph.
 */
export function mergeSignature(
  session: ModelSignature,
  stored: ModelSignature | undefined,
  graph: OnnxGraphInfo | undefined,
  classes: ReadonlyArray<string | number> | undefined,
  featureNames: string[] | undefined,
): ModelSignature {
  const signature: ModelSignature = { inputs: session.inputs, outputs: session.outputs };
  let task: ModelTask | undefined = stored?.task ?? deriveTask(session.outputs, graph, { classes });
  if (task?.kind === 'classification' && classes) task = { ...task, classes: [...classes] };
  if (task) signature.task = task;
  const zipMaps = stored?.zipMaps ?? (graph && graph.zipMaps.length > 0 ? graph.zipMaps : undefined);
  if (zipMaps) signature.zipMaps = zipMaps;
  const names = stored?.featureNames ?? featureNames;
  const [input, ...others] = session.inputs;
  if (names && input && others.length === 0 && input.shape.length === 2 && (input.shape[1] === names.length || typeof input.shape[1] !== 'number')) signature.featureNames = names;
  return signature;
}
