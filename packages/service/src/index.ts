// The service and its lifecycle
export { createService, isService, Service } from './service';
export type { ApiOptions } from './service';
export type { ListenOptions, ListenResult } from './lifecycle';
export type { ApiMiddleware } from './middleware-chain';
export type { ApiDefinition } from './openapi';
export { kDefaultServiceOptions } from './options';
export type { CorsOptions, ServiceOptions } from './options';

// IO descriptors, and the parts to compose your own
export { json } from './json';
export type { JsonOptions } from './json';
export { kDefaultRecordsOptions, records } from './records';
export type { InputRecord, RecordsOptions } from './records';
export { decodeRecordList } from './record-list';
export type { RecordDecoder, RecordListOptions } from './record-list';
export { tensor } from './tensor';
export type { TensorDType, TensorOptions, TensorValue, TensorDataMap } from './tensor';
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
