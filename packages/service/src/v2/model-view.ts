import { type V2Datatype, v2DatatypeOf } from '@mlserve/core';

/** One named tensor a V2 runner takes or returns (core's `TensorInput` / `TensorOutput`). */
export interface V2Tensor {
  type: string;
  data: ArrayLike<unknown>;
  dims: number[];
}

/** A tensor spec of a runner's model signature (core's `TensorSpec`). */
export interface V2TensorSpec {
  name: string;
  type: string;
  shape: Array<number | string | null>;
}

/** What the V2 endpoints need of a runner: `@mlserve/runner`'s `Runner` satisfies it. */
export interface V2RunnerLike {
  readonly name: string;
  readonly isReady: boolean;
  readonly model?: { name?: string; tag?: string; signature?: unknown };
  ready(): Promise<void>;
  run(inputs: Record<string, V2Tensor>): Promise<Record<string, V2Tensor>>;
}

/** The metadata of one tensor, as V2 describes it (variable dimensions are -1). */
export interface V2TensorMetadata {
  name: string;
  datatype: V2Datatype | string;
  shape: number[];
}

/** The V2 platform name of an ONNX model run by ONNX Runtime. */
export const kV2Platform = 'onnx_onnxv1';

/**
 * A runner seen as a V2 model: addressed by the runner's name, its version the stored model's
 * version (the part of its tag after `:`), its inputs and outputs from the runner's signature.
 */
export class V2Model {
  /** The model name in V2 paths and messages. */
  readonly name: string;
  /** The version (`undefined` when the runner's model has no tag). */
  readonly version: string | undefined;
  /** The runner that serves it (its `run()` is where inference goes). */
  readonly runner: V2RunnerLike;

  constructor(runner: V2RunnerLike) {
    this.runner = runner;
    this.name = runner.name;
    const tag = runner.model?.tag;
    const colon = typeof tag === 'string' ? tag.lastIndexOf(':') : -1;
    this.version = colon > 0 && colon < tag!.length - 1 ? tag!.slice(colon + 1) : undefined;
  }

  /** True when `version` (from a path or message; empty or absent: any) names this model's version. */
  hasVersion(version: string | undefined): boolean {
    return version === undefined || version === '' || version === this.version;
  }

  /** The input specs once known (from the store, or the session once ready). */
  get inputs(): readonly V2TensorSpec[] {
    return signatureOf(this.runner)?.inputs ?? [];
  }

  /** The output specs once known. */
  get outputs(): readonly V2TensorSpec[] {
    return signatureOf(this.runner)?.outputs ?? [];
  }

  /** The V2 model metadata object (`$metadata_model_response`). */
  metadata(): { name: string; versions?: string[]; platform: string; inputs: V2TensorMetadata[]; outputs: V2TensorMetadata[] } {
    const body: ReturnType<V2Model['metadata']> = { name: this.name, platform: kV2Platform, inputs: this.inputs.map(toMetadata), outputs: this.outputs.map(toMetadata) };
    if (this.version !== undefined) body.versions = [this.version];
    return body;
  }
}

/** True for a runner the V2 endpoints can serve (it has `run(namedTensors)`). */
export function isV2Runner(runner: unknown): runner is V2RunnerLike {
  return typeof (runner as V2RunnerLike | null)?.run === 'function' && typeof (runner as V2RunnerLike).name === 'string';
}

function signatureOf(runner: V2RunnerLike): { inputs: V2TensorSpec[]; outputs: V2TensorSpec[] } | undefined {
  const signature = runner.model?.signature as { inputs?: unknown; outputs?: unknown } | undefined;
  if (!Array.isArray(signature?.inputs) || !Array.isArray(signature.outputs)) return undefined;
  return signature as { inputs: V2TensorSpec[]; outputs: V2TensorSpec[] };
}

function toMetadata(spec: V2TensorSpec): V2TensorMetadata {
  return { name: spec.name, datatype: v2DatatypeOf(spec.type) ?? spec.type.toUpperCase(), shape: spec.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

/** The models of a server, by name. */
export class V2ModelSet {
  readonly #models = new Map<string, V2Model>();

  constructor(runners: Iterable<unknown>) {
    for (const runner of runners) if (isV2Runner(runner) && !this.#models.has(runner.name)) this.#models.set(runner.name, new V2Model(runner));
  }

  /** The model named `name`, if served. */
  get(name: string): V2Model | undefined {
    return this.#models.get(name);
  }

  /** Every model, in the order the runners were given. */
  all(): V2Model[] {
    return [...this.#models.values()];
  }

  /** Serves `runner` under its name (replacing none: the name must be free). */
  add(runner: V2RunnerLike): V2Model {
    if (this.#models.has(runner.name)) throw new Error(`A model named "${runner.name}" is already served`);
    const model = new V2Model(runner);
    this.#models.set(runner.name, model);
    return model;
  }

  /** Stops serving the model named `name`; returns it. */
  remove(name: string): V2Model | undefined {
    const model = this.#models.get(name);
    this.#models.delete(name);
    return model;
  }

  /** Number of models. */
  get size(): number {
    return this.#models.size;
  }
}
