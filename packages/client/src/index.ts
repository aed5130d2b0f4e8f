export { createClient, MlserveClient } from './client';
export type { ServiceHealth } from './client';
export type { ApiMap, ApiTypes, OpenApiApis, UntypedApis } from './api-types';
export { kDefaultClientOptions } from './options';
export type { ClientOptions } from './options';
export { retryDelayMs } from './http-call';
export type { ClientResponse, RequestOptions } from './http-call';
export { V2RestClient } from './v2-rest-client';
export { createGrpcClient, V2GrpcClient } from './grpc-client';
export type { GrpcClientOptions } from './grpc-client';
export type {
  V2Client,
  V2Datatype,
  V2InferInput,
  V2InferOutput,
  V2InferRequest,
  V2InferResponse,
  V2ModelMetadata,
  V2ServerMetadata,
  V2TensorData,
  V2TensorMetadata,
} from './v2-types';
export { createClientError, kClientErrors } from './errors';
export type { ClientErrorCode } from './errors';
