import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { BatchEvent, Runner } from '@mlserve/runner';
import { createTinyRunner } from '../../test/helpers';
import { createAllTypesRunner, kSamples } from '../../test/v2-fixtures';
import { createService, type Service } from '../index';
import { protoFilePath } from './grpc-server';

type Client = grpc.Client & Record<string, (request: unknown, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, res: any) => void) => void>;

function connect(port: number): { client: Client; call: (method: string, request: unknown, metadata?: grpc.Metadata) => Promise<any>; health: (service: string) => Promise<any> } {
  const proto = grpc.loadPackageDefinition(protoLoader.loadSync(protoFilePath(), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true })) as any;
  const client = new proto.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as Client;
  const call = (method: string, request: unknown, metadata = new grpc.Metadata()) =>
    new Promise<any>((resolve, reject) => client[method]!(request, metadata, (err, res) => (err ? reject(err) : resolve(res))));
  // The standard health service, called by its path with hand-written codecs (its messages are tiny).
  const health = (service: string) =>
    new Promise<any>((resolve, reject) => {
      const request = Buffer.concat([Buffer.from([0x0a, service.length]), Buffer.from(service)]);
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (b: Buffer) => b,
        (b: Buffer) => ({ status: b.length >= 2 ? b[1]! : 0 }),
        request,
        (err: grpc.ServiceError | null, res?: { status: number }) => (err ? reject(err) : resolve(res)),
      );
    });
  return { client, call, health };
}

// Raw contents of a sample, as the protocol lays them out.
function rawOf(datatype: string, data: unknown[]): Buffer {
  switch (datatype) {
    case 'BOOL':
      return Buffer.from(data.map((v) => (v ? 1 : 0)));
    case 'BYTES':
      return Buffer.concat(
        data.flatMap((v) => {
          const text = Buffer.from(String(v));
          const prefix = Buffer.alloc(4);
          prefix.writeUInt32LE(text.length);
          return [prefix, text];
        }),
      );
    default: {
      const ctors: Record<string, any> = {
        UINT8: Uint8Array,
        UINT16: Uint16Array,
        UINT32: Uint32Array,
        UINT64: BigUint64Array,
        INT8: Int8Array,
        INT16: Int16Array,
        INT32: Int32Array,
        INT64: BigInt64Array,
        FP32: Float32Array,
        FP64: Float64Array,
      };
      const big = datatype.endsWith('64') && datatype !== 'FP64';
      const typed = ctors[datatype].from(big ? data.map((v) => BigInt(v as number)) : data);
      return Buffer.from(typed.buffer);
    }
  }
}

const kContentsField: Record<string, string> = {
  BOOL: 'bool_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

describe('Open Inference Protocol (V2) over gRPC', () => {
  let svc: Service;
  let tiny: Runner;
  let client: ReturnType<typeof connect>;

  beforeAll(async () => {
    tiny = createTinyRunner({ maxBatchSize: 64 });
    svc = createService('v2_grpc', { runners: [tiny, createAllTypesRunner()], version: '2.0.1', grpcPort: 0, logLevel: 'silent' });
    const result = await svc.listen(0, '127.0.0.1');
    expect(result.grpcPort).toBeGreaterThan(0);
    client = connect(result.grpcPort!);
  });
  afterAll(async () => {
    client.client.close();
    await svc.close();
  });

  it('answers ServerLive, ServerReady and ModelReady', async () => {
    expect(await client.call('ServerLive', {})).toEqual({ live: true });
    expect(await client.call('ServerReady', {})).toEqual({ ready: true });
    expect(await client.call('ModelReady', { name: 'tiny_model', version: '' })).toEqual({ ready: true });
    expect(await client.call('ModelReady', { name: 'tiny_model', version: 'v1' })).toEqual({ ready: true });
  });

  it('answers the standard gRPC health check as SERVING, for the server and the inference service', async () => {
    expect(await client.health('')).toEqual({ status: 1 });
    expect(await client.health('inference.GRPCInferenceService')).toEqual({ status: 1 });
  });

  it('answers ServerMetadata and ModelMetadata', async () => {
    expect(await client.call('ServerMetadata', {})).toEqual({ name: 'v2_grpc', version: '2.0.1', extensions: [] });
    const meta = await client.call('ModelMetadata', { name: 'tiny_model' });
    expect(meta).toEqual({
      name: 'tiny_model',
      versions: ['v1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
  });

  it('runs ModelInfer with typed contents, echoing the id, with the same result as runner.run()', async () => {
    const data = [22, 7.25, 0, 1, 38, 71.28, 1, 0];
    const res = await client.call('ModelInfer', {
      model_name: 'tiny_model',
      id: 'g-1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: data } }],
    });
    const direct = await tiny.run({ input: { type: 'float32', data, dims: [2, 4] } });
    expect(res.model_name).toBe('tiny_model');
    expect(res.model_version).toBe('v1');
    expect(res.id).toBe('g-1');
    expect(res.raw_output_contents).toEqual([]);
    const probabilities = res.outputs.find((o: { name: string }) => o.name === 'probabilities');
    expect(probabilities.shape).toEqual([2, 2]);
    expect(probabilities.contents.fp32_contents).toEqual(Array.from(direct.probabilities!.data as Float32Array));
    expect(res.outputs.find((o: { name: string }) => o.name === 'label').contents.int64_contents).toEqual(direct.label!.data);
  });

  it('runs ModelInfer with raw_input_contents and answers with raw_output_contents, for every datatype', async () => {
    const entries = Object.entries(kSamples);
    const res = await client.call('ModelInfer', {
      model_name: 'all_types',
      model_version: 'v3',
      inputs: entries.map(([type, s]) => ({ name: `in_${type}`, datatype: s.datatype, shape: [2, 2] })),
      outputs: entries.map(([type]) => ({ name: `out_${type}` })),
      raw_input_contents: entries.map(([, s]) => rawOf(s.datatype, s.data)),
    });
    expect(res.outputs.map((o: { name: string }) => o.name)).toEqual(entries.map(([type]) => `out_${type}`));
    entries.forEach(([, s], i) => {
      expect(res.outputs[i].datatype).toBe(s.datatype);
      expect(Buffer.compare(res.raw_output_contents[i], rawOf(s.datatype, s.data))).toBe(0);
    });
  });

  it('runs ModelInfer with typed contents of every datatype', async () => {
    const entries = Object.entries(kSamples);
    const res = await client.call('ModelInfer', {
      model_name: 'all_types',
      inputs: entries.map(([type, s]) => ({
        name: `in_${type}`,
        datatype: s.datatype,
        shape: [2, 2],
        contents: { [kContentsField[s.datatype]!]: s.datatype === 'BYTES' ? s.data.map((v) => Buffer.from(String(v))) : s.data },
      })),
    });
    for (const [type, s] of entries) {
      const out = res.outputs.find((o: { name: string }) => o.name === `out_${type}`);
      const values = out.contents[kContentsField[s.datatype]!];
      const expected = s.datatype === 'FP32' ? s.data.map((v) => Math.fround(v as number)) : s.data;
      expect(s.datatype === 'BYTES' ? values.map((b: Buffer) => b.toString()) : values).toEqual(expected);
    }
  });

  it.each([
    ['an unknown model', { model_name: 'nope', inputs: [] }, grpc.status.NOT_FOUND, 'Unknown model'],
    ['an unknown version', { model_name: 'tiny_model', model_version: 'v7', inputs: [] }, grpc.status.NOT_FOUND, 'no version "v7"'],
    ['no inputs', { model_name: 'tiny_model', inputs: [] }, grpc.status.INVALID_ARGUMENT, 'at least one tensor'],
    [
      'a datatype the model input cannot take',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP64', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }] },
      grpc.status.INVALID_ARGUMENT,
      'the model input takes FP32',
    ],
    [
      'too few elements',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: [1, 2, 3, 4] } }] },
      grpc.status.INVALID_ARGUMENT,
      'calls for 8',
    ],
    [
      'contents in the wrong field',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }] },
      grpc.status.INVALID_ARGUMENT,
      'carried in contents.fp32_contents',
    ],
    [
      'raw contents of the wrong size',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [Buffer.alloc(12)] },
      grpc.status.INVALID_ARGUMENT,
      'hold 12 bytes',
    ],
    [
      'raw contents beside typed contents',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }], raw_input_contents: [Buffer.alloc(16)] },
      grpc.status.INVALID_ARGUMENT,
      'must be empty',
    ],
    [
      'an unknown output',
      { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }], outputs: [{ name: 'x' }] },
      grpc.status.INVALID_ARGUMENT,
      'no output "x"',
    ],
  ])('refuses ModelInfer with %s', async (_what, request, code, message) => {
    const err = await client.call('ModelInfer', request).catch((e: grpc.ServiceError) => e);
    expect(err).toBeInstanceOf(Error);
    expect({ code: err.code, details: err.details }).toEqual({ code, details: expect.stringContaining(message) });
  });

  it('counts calls in the service metrics, labelled by method and outcome', async () => {
    await client.call('ServerLive', {});
    const metrics = await svc.registry.metrics();
    expect(metrics).toMatch(/api="grpc:ServerLive",method="GRPC",status="200"/);
    expect(metrics).toMatch(/api="grpc:ModelInfer",method="GRPC",status="404"/);
  });

  it('answers ModelMetadata of an unknown model with NOT_FOUND', async () => {
    const err = await client.call('ModelMetadata', { name: 'nope' }).catch((e: grpc.ServiceError) => e);
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });

  it('merges concurrent ModelInfer calls into runner batches', async () => {
    const batches: BatchEvent[] = [];
    const listener = (b: BatchEvent) => batches.push(b);
    tiny.on('batch', listener);
    try {
      const request = { model_name: 'tiny_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [30, 10, 0, 1] } }] };
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => client.call('ModelInfer', { ...request, id: String(i) })));
      expect(answers.map((a) => a.id)).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
      expect(batches.reduce((n, b) => n + b.size, 0)).toBe(60);
      expect(Math.max(...batches.map((b) => b.size))).toBeGreaterThan(1);
    } finally {
      tiny.off('batch', listener);
    }
  });
});

describe('V2 gRPC with API keys', () => {
  it('leaves health open and refuses other calls without a key as UNAUTHENTICATED', async () => {
    const svc = createService('v2_grpc_keys', { runners: [createTinyRunner()], apiKeys: ['k1'], grpcPort: 0, logLevel: 'silent' });
    const { grpcPort } = await svc.listen(0, '127.0.0.1');
    const { client, call } = connect(grpcPort!);
    try {
      expect(await call('ServerLive', {})).toEqual({ live: true });
      const err = await call('ServerMetadata', {}).catch((e: grpc.ServiceError) => e);
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      const metadata = new grpc.Metadata();
      metadata.set('authorization', 'Bearer k1');
      expect((await call('ServerMetadata', {}, metadata)).name).toBe('v2_grpc_keys');
    } finally {
      client.close();
      await svc.close();
    }
  });

  it('is off unless the grpcPort option is given', async () => {
    const svc = createService('v2_no_grpc', { runners: [createTinyRunner()], logLevel: 'silent' });
    const result = await svc.listen(0, '127.0.0.1');
    try {
      expect(result.grpcPort).toBeUndefined();
      expect(svc.grpcPort).toBeUndefined();
    } finally {
      await svc.close();
    }
  });
});
