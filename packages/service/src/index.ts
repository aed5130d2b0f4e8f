// The service and its lifecycle
export { createService, isService, Service } from './service';
export type { ApiOptions } from './service';
export type { ListenOptions, ListenResult } from './lifecycle';
export type { ApiMiddleware } from './middleware-chain';
export type { ApiDefinition } from './openapi';
export { apiKeysFromEnv, kDefaultServiceOptions } from './options';
export type { CorsOptions, ServiceOptions } from './options';

// IO descriptors, and the parts to compose your own
export { json } from './json';
export type { JsonOptions } from './json';
export { kDefaultRecordsOptions, records } from './records';
export type { InputRecord, RecordsOptions } from './records';
export { decodeRecordList } from './record-list';
export type { RecordDecoder, RecordListOptions } from './record-list';
export { tensor } from './tensor';
export type { TensorOptions, TensorValue } from './tensor';
export type { TensorDataMap, TensorDType } from '@mlserve/core';
export { text } from './text';
export type { TextOptions } from './text';
export type { DecodedInput, IODescriptor, InputOf } from './io-descriptor';
export { createValidationError, kMaxValidationIssues } from './validation';
export type { ValidationErrorOptions, ValidationIssue } from './validation';

// Monitoring
export { ModelMonitor } from './monitoring/model-monitor';
export type { ModelCard, MonitoredModel, MonitoredPrediction, MonitoredRunner } from './monitoring/model-monitor';
export { kDefaultMonitoringOptions } from './monitoring/monitoring-options';
export type { InputWarningMode, MonitoringOptions, PredictionLogOptions } from './monitoring/monitoring-options';
export type { DriftReport, MonitorStatus, PsiResult } from './monitoring/drift';
export type { FeedbackItem, MetricPoint, PerformanceReport } from './monitoring/performance-tracker';
export type { TrafficReport } from './monitoring/traffic';
export { findInputWarnings } from './monitoring/input-warnings';

// Errors
export { kServiceErrors, createServiceError } from './errors';
export { isErrorBody } from './error-body';
export type { ErrorResponseBody } from './error-body';
export type { ServiceErrorCode } from './errors';

// What the service needs of runners, pipelines and handlers
export type { ApiContext, ApiHandler, JSONSchema, PipelineLike, RunnerBatchEvent, RunnerLike } from './types';

// Open Inference Protocol (V2)
export { isV2Datatype, kV2Datatypes, kV2ElementBytes, tensorTypeOf, v2DatatypeOf } from '@mlserve/core';
export type { V2Datatype } from '@mlserve/core';
export { isV2Runner, kV2Platform, V2Model, V2ModelSet } from './v2/model-view';
export type { V2RunnerLike, V2Tensor, V2TensorMetadata, V2TensorSpec } from './v2/model-view';
export { infer as inferV2, toRunnerInputs } from './v2/inference';
export type { V2InferRequest, V2InferResult, V2RequestInput, V2ResultOutput } from './v2/inference';
export { kTensorDataSchema, kV2Schemas } from './v2/schemas';
export { kRepositoryExtension } from './v2/repository';
export type { ModelRepositorySource, RepositoryIndexEntry, V2LoadableRunner } from './v2/repository';
export { kGrpcServiceName } from './v2/grpc-server';
