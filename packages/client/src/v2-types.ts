import type { V2Datatype } from '@mlserve/core';

/** A V2 tensor datatype (from @mlserve/core). */
export type { V2Datatype };

/** Nested or flat tensor data (row-major). */
export type V2TensorData = Array<number | string | boolean | V2TensorData>;

/** `$metadata_tensor`. */
export interface V2TensorMetadata {
  name: string;
  datatype: V2Datatype | string;
  /** -1: a dimension of any size. */
  shape: number[];
}

/** `$metadata_server_response`. */
export interface V2ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/** `$metadata_model_response`. */
export interface V2ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
}

/** `$inference_request_input`. */
export interface V2InferInput {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  parameters?: Record<string, unknown>;
  data: V2TensorData;
}

/** `$inference_request`. */
export interface V2InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2InferInput[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

/** `$response_output`: data flat, row-major. */
export interface V2InferOutput {
  name: string;
  shape: number[];
  datatype: V2Datatype | string;
  parameters?: Record<string, unknown>;
  data: Array<number | string | boolean>;
}

/** `$inference_response`. */
export interface V2InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: V2InferOutput[];
}

/** What every V2 client (REST or gRPC) offers. */
export interface V2Client {
  /** True when the server is live. */
  serverLive(options?: { timeoutMs?: number }): Promise<boolean>;
  /** True when every model is ready (false on a 503 / not-ready answer). */
  serverReady(options?: { timeoutMs?: number }): Promise<boolean>;
  /** True when the model (and version) is ready. */
  modelReady(name: string, version?: string): Promise<boolean>;
  serverMetadata(): Promise<V2ServerMetadata>;
  modelMetadata(name: string, version?: string): Promise<V2ModelMetadata>;
  /** Runs the model; `version` picks `/versions/<v>`. */
  infer(name: string, request: V2InferRequest, options?: { version?: string; requestId?: string; timeoutMs?: number }): Promise<V2InferResponse>;
}
