import type { ClassificationTask, ModelSignature, ModelTask, RegressionTask, TensorSpec, TensorSpecType, ZipMapOutput } from '@mlserve/core';
import type { Pipeline, PipelineJSON } from '@mlserve/pipeline';
import type { ReferenceStats } from '@mlserve/core';

export type { ReferenceStats };

/** Element type of a tensor spec, as onnxruntime names it (core's TensorSpecType). */
export type TensorType = TensorSpecType;

export type { ClassificationTask, ModelSignature, ModelTask, RegressionTask, TensorSpec, ZipMapOutput };

/** Size and sha256 (hex) of one stored file. */
export interface FileDigest {
  size: number;
  sha256: string;
}

/** The contents of `model.json`, format `mlserve.model/v1`. */
export interface ModelManifest {
  format: 'mlserve.model/v1';
  name: string;
  version: string;
  createdAt: string;
  mlserveVersion: string;
  onnxruntimeVersion: string;
  files: { 'model.onnx': FileDigest; 'pipeline.json'?: FileDigest; 'stats.json'?: FileDigest };
  signature: ModelSignature;
  classes?: Array<string | number>;
  labels: Record<string, string>;
  metadata: Record<string, unknown>;
  metrics: Record<string, number>;
}

/** What `store.save()` stores. */
export interface SaveModelInput {
  /** Path to a `.onnx` file, or its bytes. */
  model: string | Uint8Array;
  /** A fitted @mlserve/pipeline `Pipeline`, its JSON (`mlserve.pipeline/v1`), or a path to a pipeline.json. */
  pipeline?: Pipeline | PipelineJSON | string;
  /** Class names in the order of the model's probability columns. */
  classes?: Array<string | number>;
  /** Reference statistics (`mlserve.stats/v1`, the exporter's stats.json) or a path to a stats.json. */
  stats?: ReferenceStats | string;
  /** BentoML-style string labels, e.g. `{ owner: 'risk-team' }`. */
  labels?: Record<string, string>;
  /** Free JSON metadata. */
  metadata?: Record<string, unknown>;
  /** Numeric metrics, e.g. `{ test_accuracy: 0.82 }`. */
  metrics?: Record<string, number>;
  /** A version of your choosing (`v1.0.0`, `1.2`, `v2.0.0-rc.1`); generated when left out. */
  version?: string;
}

/** Names one stored version. */
export interface ModelRef {
  name: string;
  version: string;
  /** `name:version` */
  tag: string;
  /** Absolute path of the version directory. */
  path: string;
}

/** A stored version with its manifest. */
export interface ModelInfo extends ModelRef {
  createdAt: string;
  /** Total bytes of the files listed in the manifest (model.onnx and pipeline.json). */
  size: number;
  manifest: ModelManifest;
}

/** A stored version ready to serve: `get()`'s answer. */
export interface StoredModel extends ModelInfo {
  /** Absolute path of model.onnx. */
  modelPath: string;
  /** The loaded pipeline when the version has a pipeline.json. */
  pipeline?: Pipeline;
  /** The reference statistics when the version has a stats.json. */
  stats?: ReferenceStats;
  classes?: Array<string | number>;
  signature: ModelSignature;
}

/** Options of `new ModelStore()`. */
export interface ModelStoreOptions {
  /** Store directory; defaults to `$MLSERVE_HOME`, then `~/.mlserve`. */
  root?: string;
  /** How long to wait for another process's lock on a name before failing (ms). */
  lockTimeoutMs?: number;
  /** The most bytes a model's files may hold, checked against declared sizes before an archive is read (default 4 GiB). */
  maxModelSize?: number;
}

/** Options of `store.get()`. */
export interface GetModelOptions {
  /** Re-hash model.onnx against its sha256 in model.json. **Default:** `true`. */
  verify?: boolean;
}

/**
 * Options of `store.importModel()`. `pipeline`, `classes`, `labels` and `metadata` apply to
 * directories and `.onnx` files only: for a directory, `pipeline` and `classes` replace the
 * directory's, and `labels` and `metadata` are merged over metadata.json's.
 */
export interface ImportModelOptions extends Pick<SaveModelInput, 'pipeline' | 'classes' | 'labels' | 'metadata' | 'version' | 'stats'> {
  /** Store under this name instead of the one recorded in the archive or metadata.json. */
  name?: string;
  /**
   * Save nothing when the latest version of the name already holds the same model.onnx (sha256)
   * and an equal pipeline; resolve to that version with `saved: false`. Directories and `.onnx` only.
   */
  ifChanged?: boolean;
}

/** What `store.importModel()` resolves to: the version now stored, and whether this call wrote it. */
export interface ImportedModel extends ModelRef {
  /** False only when `ifChanged` found the latest version unchanged. */
  saved: boolean;
}
