export { ModelStore, kDefaultModelStoreOptions } from './model-store';
export { parseTag, formatTag, isValidName } from './tag';
export type { ParsedTag } from './tag';
export { createVersion, kVersionPattern, kUserVersionPattern } from './version';
export { detectModelFile } from './detect-file';
export type { ModelFileKind } from './detect-file';
export { kModelManifestFormat } from './manifest';
export { kStoreErrors, createStoreError } from './errors';
export type { StoreErrorCode } from './errors';
export type {
  FileDigest,
  GetModelOptions,
  ImportModelOptions,
  ImportedModel,
  ModelInfo,
  ModelManifest,
  ModelRef,
  ModelSignature,
  ModelStoreOptions,
  ReferenceStats,
  SaveModelInput,
  StoredModel,
  TensorSpec,
  TensorType,
} from './types';
