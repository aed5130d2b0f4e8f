import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Grpc from '@grpc/grpc-js';
import { isMlserveError, toErrorBody } from '@mlserve/errors';
import type { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Admission } from '../admission';
import type { DeadlineQueue } from '@mlserve/core';
import type { ServiceMetrics } from '../metrics';
import { createServiceError, kServiceErrors } from '../errors';
import { type GrpcTensorContents, fromContents, fromRaw, toContents, toRaw } from './grpc-tensors';
import { type V2InferRequest, type V2RequestInput, infer } from './inference';
import type { V2Model, V2ModelSet } from './model-view';

/** What the V2 gRPC server needs of its service. */
export interface V2GrpcHost {
  readonly name: string;
  readonly version: string;
  readonly logger: Logger;
  readonly models: V2ModelSet;
  /** Extensions named in the server metadata. */
  readonly extensions: readonly string[];
  /** Largest message received, in bytes (the service's body limit). */
  readonly maxMessageBytes: number;
  readonly admission: Admission | undefined;
  readonly handlerDeadlines: DeadlineQueue | undefined;
  /** Counts each call in the service's request metrics (`api="grpc:<method>"`, method `GRPC`, the HTTP status of its outcome). */
  readonly metrics: Pick<ServiceMetrics, 'startRequest' | 'endRequest'>;
  /** Checks the API key of a call from its metadata (absent: no keys configured). */
  readonly keyCheck: ((headers: Record<string, string | undefined>) => boolean) | undefined;
  isReady(): boolean;
}

/** The gRPC service name of the Open Inference Protocol. */
export const kGrpcServiceName = 'inference.GRPCInferenceService';

/** Where the protocol's .proto file is: `proto/` at the package root, above `src/v2/` or `dist/`. */
export function protoFilePath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'proto', 'open_inference_grpc.proto');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) throw new Error('open_inference_grpc.proto not found beside @mlserve/service');
  }
}

interface GrpcModules {
  grpc: typeof Grpc;
  protoLoader: typeof import('@grpc/proto-loader');
  HealthImplementation: typeof HealthImplementation;
  /** The gRPC status of each HTTP status the service's errors carry. */
  grpcCodes: Map<number, Grpc.status>;
  /** The HTTP status a gRPC status is counted under in the metrics. */
  httpStatuses: Map<number, number>;
}

// gRPC and protobufjs are ~120 modules: loaded when a service first serves gRPC, never at the start of one that does not.
let loaded: Promise<GrpcModules> | undefined;
let modules: GrpcModules | undefined;

/**
 * Loads @grpc/grpc-js, @grpc/proto-loader and grpc-health-check once; the functions below need them loaded.
 * With require(), not import(): all three are CommonJS, and a dynamic import() in this package's
 * CommonJS build fails under jest's module sandbox in the tests of anyone who serves gRPC.
 */
export function loadGrpcModules(): Promise<GrpcModules> {
  loaded ??= Promise.resolve().then(() => {
    const lazyRequire = createRequire(__filename);
    const grpc = lazyRequire('@grpc/grpc-js') as typeof Grpc;
    const protoLoader = lazyRequire('@grpc/proto-loader') as GrpcModules['protoLoader'];
    const { HealthImplementation } = lazyRequire('grpc-health-check') as { HealthImplementation: GrpcModules['HealthImplementation'] };
    const s = grpc.status;
    modules = { grpc, protoLoader, HealthImplementation, grpcCodes: grpcCodesOf(s), httpStatuses: httpStatusesOf(s) };
    return modules;
  });
  return loaded;
}

function loadedModules(): GrpcModules {
  if (modules === undefined) throw new Error('@mlserve/service: the gRPC modules are not loaded (await loadGrpcModules() first)');
  return modules;
}

/** Loads the protocol's service definition (longs as numbers, bytes as Buffers, field names as in the .proto). */
export async function loadInferenceProto(): Promise<Grpc.GrpcObject> {
  const { grpc, protoLoader } = await loadGrpcModules();
  const definition = protoLoader.loadSync(protoFilePath(), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(definition);
}

const grpcCodesOf = (status: typeof Grpc.status) =>
  new Map<number, Grpc.status>([
    [400, status.INVALID_ARGUMENT],
    [401, status.UNAUTHENTICATED],
    [404, status.NOT_FOUND],
    [408, status.DEADLINE_EXCEEDED],
    [413, status.RESOURCE_EXHAUSTED],
    [415, status.INVALID_ARGUMENT],
    [503, status.UNAVAILABLE],
    [504, status.DEADLINE_EXCEEDED],
  ]);

const httpStatusesOf = (status: typeof Grpc.status) =>
  new Map<number, number>([
    [status.INVALID_ARGUMENT, 400],
    [status.UNAUTHENTICATED, 401],
    [status.NOT_FOUND, 404],
    [status.RESOURCE_EXHAUSTED, 413],
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 504],
  ]);

/** Turns an error into a gRPC status error; 5xx other than 503/504 keep their real message in the log. */
export function toGrpcError(logger: Logger, err: unknown): Grpc.ServiceError {
  const { grpc, grpcCodes } = loadedModules();
  const body = toErrorBody(err);
  let message = body.message;
  if (!isMlserveError(err)) logger.error({ err }, 'unhandled error in a gRPC call');
  if (body.statusCode >= 500 && body.statusCode !== 503 && body.statusCode !== 504) {
    if (isMlserveError(err)) logger.error({ code: body.code, reason: body.message, err }, 'gRPC call failed');
    message = (kServiceErrors as Record<string, { message: string } | undefined>)[body.code]?.message ?? 'Internal server error';
  }
  const metadata = new grpc.Metadata();
  metadata.set('mlserve-error-code', body.code);
  return Object.assign(new Error(message), { code: grpcCodes.get(body.statusCode) ?? grpc.status.INTERNAL, details: message, metadata }) as Grpc.ServiceError;
}

interface GrpcInferInput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  contents?: GrpcTensorContents | null;
}

interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters?: Record<string, unknown>;
  inputs: GrpcInferInput[];
  outputs: Array<{ name: string }>;
  raw_input_contents: Buffer[];
}

/** Turns a ModelInferRequest into the transport-neutral request, reading raw or typed contents. */
export function fromGrpcRequest(request: GrpcInferRequest): V2InferRequest {
  const raw = request.raw_input_contents ?? [];
  if (raw.length > 0 && raw.length !== request.inputs.length) {
    throw createServiceError('MLS_ERR_IO_TENSOR', `raw_input_contents has ${raw.length} entries, one per input (${request.inputs.length}) is required`);
  }
  const inputs: V2RequestInput[] = request.inputs.map((input, i) => {
    const shape = input.shape.map(Number);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw createServiceError('MLS_ERR_IO_TENSOR', `input "${input.name}": shape dimensions must be non-negative integers`);
    const hasContents = Object.values(input.contents ?? {}).some((v) => Array.isArray(v) && v.length > 0);
    if (raw.length > 0 && hasContents) throw createServiceError('MLS_ERR_IO_TENSOR', `input "${input.name}": contents must be empty when raw_input_contents is used`);
    const data = raw.length > 0 ? fromRaw({ name: input.name, datatype: input.datatype, shape }, raw[i]!) : fromContents(input.name, input.datatype, input.contents);
    return { name: input.name, datatype: input.datatype, shape, data };
  });
  if (inputs.length === 0) throw createServiceError('MLS_ERR_IO_VALIDATION', 'inputs must hold at least one tensor');
  return { id: request.id === '' ? undefined : request.id, inputs, outputs: request.outputs.map((o) => ({ name: o.name })) };
}

/**
 * The Open Inference Protocol over gRPC (`inference.GRPCInferenceService`) and the standard gRPC
 * health service (`grpc.health.v1.Health`), on a port of their own, for the same models, runners
 * and batching as the REST endpoints.
 */
export class V2GrpcServer {
  readonly #host: V2GrpcHost;
  readonly #server: Grpc.Server;
  readonly #health: HealthImplementation;
  #port: number | undefined;
  #closing: Promise<void> | undefined;

  /** Loads gRPC (see {@link loadGrpcModules}) and builds the server. */
  static async create(host: V2GrpcHost): Promise<V2GrpcServer> {
    const proto = (await loadInferenceProto()) as unknown as { inference: { GRPCInferenceService: { service: Grpc.ServiceDefinition } } };
    return new V2GrpcServer(host, proto.inference.GRPCInferenceService.service);
  }

  /** Use {@link V2GrpcServer.create}. */
  constructor(host: V2GrpcHost, service: Grpc.ServiceDefinition) {
    const { grpc, HealthImplementation } = loadedModules();
    this.#host = host;
    this.#health = new HealthImplementation({ '': 'NOT_SERVING', [kGrpcServiceName]: 'NOT_SERVING' });
    this.#server = new grpc.Server({ 'grpc.max_receive_message_length': host.maxMessageBytes, 'grpc.max_send_message_length': -1 });
    this.#server.addService(service, this.#implementation());
    this.#health.addToServer(this.#server);
  }

  /** The port bound by {@link listen}. */
  get port(): number | undefined {
    return this.#port;
  }

  /** Binds `host:port` (0: a free port, insecure credentials) and resolves with the port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, loadedModules().grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err) return reject(err);
        this.#port = bound;
        this.updateHealth();
        resolve(bound);
      });
    });
  }

  /** Sets the health service's status from the service's readiness. */
  updateHealth(): void {
    const status = this.#host.isReady() ? 'SERVING' : 'NOT_SERVING';
    this.#health.setStatus('', status);
    this.#health.setStatus(kGrpcServiceName, status);
  }

  /** Stops taking calls, lets those in flight finish for up to `timeoutMs`, then cuts them. */
  close(timeoutMs: number): Promise<void> {
    this.#health.setStatus('', 'NOT_SERVING');
    this.#health.setStatus(kGrpcServiceName, 'NOT_SERVING');
    return (this.#closing ??= new Promise((resolve) => {
      const timer = setTimeout(() => this.#server.forceShutdown(), timeoutMs);
      timer.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }));
  }

  #findModel(name: string, version: string): V2Model {
    const model = this.#host.models.get(name);
    if (model === undefined) throw createServiceError('MLS_ERR_HTTP_NOT_FOUND', `Unknown model "${name}"`);
    if (!model.hasVersion(version)) throw createServiceError('MLS_ERR_HTTP_NOT_FOUND', `Model "${name}" has no version "${version}"`);
    return model;
  }

  /** Checks the API key, then answers with `answer()` (a value or a promise), mapping errors to gRPC statuses. */
  #unary<Req, Res>(method: string, answer: (request: Req) => Res | Promise<Res>, open = false): Grpc.handleUnaryCall<Req, Res> {
    const label = `grpc:${method}`;
    const metrics = this.#host.metrics;
    const { httpStatuses } = loadedModules();
    return (call, rawCallback) => {
      const start = performance.now();
      metrics.startRequest('other');
      // The model label only for a served model (ModelInfer names it model_name, the others name).
      const named = (call.request as { model_name?: unknown; name?: unknown } | undefined)?.model_name ?? (call.request as { name?: unknown } | undefined)?.name;
      const model = typeof named === 'string' && this.#host.models.get(named) !== undefined ? named : undefined;
      const callback = (err: Grpc.ServiceError | null, value?: Res) => {
        const status = err === null ? 200 : (httpStatuses.get(err.code) ?? 500);
        metrics.endRequest('other', label, 'GRPC', status, (performance.now() - start) / 1000, model);
        rawCallback(err, value);
      };
      try {
        if (!open && this.#host.keyCheck !== undefined) {
          const get = (key: string) => call.metadata.get(key)[0]?.toString();
          if (!this.#host.keyCheck({ authorization: get('authorization'), 'x-api-key': get('x-api-key') })) {
            throw createServiceError('MLS_ERR_AUTH_UNAUTHORIZED', 'A valid API key is required: send metadata "authorization: Bearer <key>" or "x-api-key: <key>"');
          }
        }
        Promise.resolve(answer(call.request)).then(
          (value) => callback(null, value),
          (err: unknown) => callback(toGrpcError(this.#host.logger, err)),
        );
      } catch (err) {
        callback(toGrpcError(this.#host.logger, err));
      }
    };
  }

  #implementation(): Grpc.UntypedServiceImplementation {
    const host = this.#host;
    return {
      ServerLive: this.#unary('ServerLive', () => ({ live: true }), true),
      ServerReady: this.#unary('ServerReady', () => ({ ready: host.isReady() }), true),
      ModelReady: this.#unary('ModelReady', (r: { name: string; version: string }) => ({ ready: this.#findModel(r.name, r.version).runner.isReady && host.isReady() }), true),
      ServerMetadata: this.#unary('ServerMetadata', () => ({ name: host.name, version: host.version, extensions: [...host.extensions] })),
      ModelMetadata: this.#unary('ModelMetadata', (r: { name: string; version: string }) => {
        const meta = this.#findModel(r.name, r.version).metadata();
        return { ...meta, versions: meta.versions ?? [] };
      }),
      ModelInfer: this.#unary('ModelInfer', (r: GrpcInferRequest) => this.#infer(r)),
    };
  }

  async #infer(grpcRequest: GrpcInferRequest): Promise<unknown> {
    const model = this.#findModel(grpcRequest.model_name, grpcRequest.model_version);
    const request = fromGrpcRequest(grpcRequest);
    const rows = request.inputs[0]?.shape[0] ?? 1;
    const admission = this.#host.admission;
    const refusal = admission?.admit(rows);
    if (refusal !== undefined) throw createServiceError('MLS_ERR_SERVICE_OVERLOADED', `Service is overloaded, retry in ${refusal.retryAfterS} s: ${refusal.reason}`);
    const deadlines = this.#host.handlerDeadlines;
    let deadline: ReturnType<DeadlineQueue['add']> | undefined;
    try {
      const result = await new Promise<Awaited<ReturnType<typeof infer>>>((resolve, reject) => {
        deadline = deadlines?.add(performance.now(), () => reject(createServiceError('MLS_ERR_SERVICE_TIMEOUT', `Model "${model.name}" did not answer within ${deadlines.ms} ms`)));
        infer(model, request).then(resolve, reject);
      });
      const raw = grpcRequest.raw_input_contents.length > 0;
      return {
        model_name: result.model_name,
        model_version: result.model_version ?? '',
        id: result.id ?? '',
        outputs: result.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape, ...(raw ? {} : { contents: toContents(o) }) })),
        raw_output_contents: raw ? result.outputs.map(toRaw) : [],
      };
    } finally {
      if (deadline !== undefined) deadlines!.delete(deadline);
      if (refusal === undefined && admission !== undefined) admission.release(rows);
    }
  }
}
