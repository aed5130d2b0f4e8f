import { kV2ContentsField, kV2RawArrays } from '@mlserve/core';
import { createRequire } from 'node:module';
import { MlserveError } from '@mlserve/errors';
import { createClientError } from './errors';
import type { V2Client, V2Datatype, V2InferOutput, V2InferRequest, V2InferResponse, V2ModelMetadata, V2ServerMetadata, V2TensorData } from './v2-types';

/** Options of {@link createGrpcClient}. */
export interface GrpcClientOptions {
  /** `host:port` of the service's V2 gRPC server. */
  address: string;
  /** An API key, sent as `authorization: Bearer <key>` metadata. */
  apiKey?: string;
  /** Deadline of each call, in ms (default 30000). */
  timeoutMs?: number;
}

type Grpc = typeof import('@grpc/grpc-js');
type UnaryMethod = (
  request: unknown,
  metadata: unknown,
  options: { deadline: Date },
  callback: (err: (Error & { code?: number; details?: string; metadata?: { get(key: string): unknown[] } }) | null, res: unknown) => void,
) => void;

type GrpcStub = { close(): void } & Record<string, UnaryMethod>;

/** ModelInferResponse as proto-loader decodes it. */
interface GrpcInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: Array<{ name: string; datatype: V2Datatype; shape: number[]; contents?: Record<string, unknown[]> }>;
  raw_output_contents?: Buffer[];
}

// gRPC status -> the HTTP status an mlserve error of it carries.
const kHttpStatus: Record<number, number> = { 3: 400, 4: 504, 5: 404, 8: 413, 14: 503, 16: 401 };

function flatten(data: V2TensorData): Array<number | string | boolean> {
  return (data as unknown[]).flat(Infinity) as Array<number | string | boolean>;
}

function fromRaw(datatype: string, raw: Buffer): Array<number | string | boolean> {
  const copy = new Uint8Array(raw);
  switch (datatype) {
    case 'BOOL':
      return Array.from(copy, (b) => b !== 0);
    case 'BYTES': {
      const out: string[] = [];
      for (let at = 0; at + 4 <= raw.length;) {
        const n = raw.readUInt32LE(at);
        out.push(raw.toString('utf8', at + 4, at + 4 + n));
        at += 4 + n;
      }
      return out;
    }
    default: {
      const Ctor = kV2RawArrays[datatype as V2Datatype];
      if (Ctor === undefined) throw createClientError('MLS_ERR_CLIENT_RESPONSE', `raw output of datatype ${datatype} cannot be read`);
      return Array.from(new Ctor(copy.buffer), Number);
    }
  }
}

/**
 * The Open Inference Protocol (V2) over gRPC. Needs `@grpc/grpc-js`, `@grpc/proto-loader` and
 * `@mlserve/service` (whose `proto/open_inference_grpc.proto` it loads) installed beside it.
 */
export class V2GrpcClient implements V2Client {
  readonly #client: GrpcStub;
  readonly #grpc: Grpc;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: GrpcClientOptions) {
    if (typeof options?.address !== 'string' || !/^[^\s]+:\d+$/.test(options.address)) throw new TypeError('options.address must be "host:port"');
    if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) throw new TypeError('options.apiKey must be a non-empty string');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError('options.timeoutMs must be a positive integer');
    const require = createRequire(__filename);
    this.#grpc = require('@grpc/grpc-js') as Grpc;
    const loader = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
    const protoFile = require.resolve('@mlserve/service/proto/open_inference_grpc.proto');
    const definition = loader.loadSync(protoFile, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const proto = this.#grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: new (address: string, credentials: unknown) => GrpcStub } };
    this.#client = new proto.inference.GRPCInferenceService(options.address, this.#grpc.credentials.createInsecure());
    this.#apiKey = options.apiKey;
    this.#timeoutMs = timeoutMs;
  }

  /** Closes the channel. */
  close(): void {
    this.#client.close();
  }

  async serverLive(): Promise<boolean> {
    return (await this.#call<{ live?: boolean }>('ServerLive', {})).live === true;
  }

  async serverReady(): Promise<boolean> {
    return (await this.#call<{ ready?: boolean }>('ServerReady', {})).ready === true;
  }

  async modelReady(name: string, version = ''): Promise<boolean> {
    return (await this.#call<{ ready?: boolean }>('ModelReady', { name, version })).ready === true;
  }

  serverMetadata(): Promise<V2ServerMetadata> {
    return this.#call<V2ServerMetadata>('ServerMetadata', {});
  }

  async modelMetadata(name: string, version = ''): Promise<V2ModelMetadata> {
    return this.#call<V2ModelMetadata>('ModelMetadata', { name, version });
  }

  async infer(name: string, request: V2InferRequest, options: { version?: string; timeoutMs?: number } = {}): Promise<V2InferResponse> {
    const inputs = request.inputs.map((input) => {
      const field = (kV2ContentsField as Record<string, string | undefined>)[input.datatype];
      if (field === undefined) throw new TypeError(`input "${input.name}": datatype ${input.datatype} cannot be sent as typed contents`);
      const values = flatten(input.data);
      return {
        name: input.name,
        datatype: input.datatype,
        shape: input.shape,
        contents: { [field]: input.datatype === 'BYTES' ? values.map((v) => Buffer.from(String(v))) : values },
      };
    });
    const res = await this.#call<GrpcInferResponse>(
      'ModelInfer',
      { model_name: name, model_version: options.version ?? '', id: request.id ?? '', inputs, outputs: request.outputs ?? [] },
      options.timeoutMs,
    );
    const raw: Buffer[] = res.raw_output_contents ?? [];
    const outputs: V2InferOutput[] = res.outputs.map((o, i) => {
      let data: Array<number | string | boolean>;
      if (raw.length > 0) data = fromRaw(o.datatype, raw[i]!);
      else {
        const values = o.contents?.[(kV2ContentsField as Record<string, string | undefined>)[o.datatype] ?? ''] ?? [];
        data = o.datatype === 'BYTES' ? (values as Buffer[]).map((b) => b.toString('utf8')) : (values as Array<number | boolean>);
      }
      return { name: o.name, datatype: o.datatype, shape: o.shape, data };
    });
    const answer: V2InferResponse = { model_name: res.model_name, outputs };
    if (res.model_version) answer.model_version = res.model_version;
    if (res.id) answer.id = res.id;
    return answer;
  }

  #call<T>(method: string, request: unknown, timeoutMs = this.#timeoutMs): Promise<T> {
    const metadata = new this.#grpc.Metadata();
    if (this.#apiKey !== undefined) metadata.set('authorization', `Bearer ${this.#apiKey}`);
    return new Promise((resolve, reject) => {
      this.#client[method]!(request, metadata, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
        if (err === null) return resolve(res as T);
        const code = err.metadata?.get('mlserve-error-code')[0]?.toString();
        const details = { grpcCode: err.code, method };
        if (code !== undefined) return reject(new MlserveError(code, kHttpStatus[err.code ?? -1] ?? 500, err.details ?? err.message, { details, cause: err }));
        if (err.code === this.#grpc.status.DEADLINE_EXCEEDED)
          return reject(createClientError('MLS_ERR_CLIENT_TIMEOUT', `${method} did not answer within ${timeoutMs} ms`, { details, cause: err }));
        if (err.code === this.#grpc.status.UNAVAILABLE)
          return reject(createClientError('MLS_ERR_CLIENT_NETWORK', `${method} failed: ${err.details ?? err.message}`, { details, cause: err }));
        reject(createClientError('MLS_ERR_CLIENT_GRPC', `${method} failed: ${err.details ?? err.message}`, { details, cause: err }));
      });
    });
  }
}

/** Creates a V2 gRPC client of a service started with `grpcPort` (or `mlserve serve --grpc-port`). */
export function createGrpcClient(options: GrpcClientOptions): V2GrpcClient {
  return new V2GrpcClient(options);
}
