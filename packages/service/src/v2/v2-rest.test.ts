import { validate as validateOpenApi } from '@readme/openapi-parser';
import type { Runner } from '@mlserve/runner';
import { createTinyRunner, get, post, start } from '../../test/helpers';
import { allInputs, createAllTypesRunner, kSamples, v2Validators } from '../../test/v2-fixtures';
import { createService, type Service } from '../index';

const validators = v2Validators();

/** Fails with the schema errors when `body` is not a valid `name` object of the specification. */
function expectConforms(name: string, body: unknown): void {
  const validate = validators[name]!;
  if (!validate(body)) throw new Error(`${name} does not conform: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`);
}

describe('Open Inference Protocol (V2) over REST', () => {
  let svc: Service;
  let tiny: Runner;
  let types: Runner;
  let base: string;

  beforeAll(async () => {
    tiny = createTinyRunner();
    types = createAllTypesRunner();
    svc = createService('v2_service', { runners: [tiny, types], version: '1.2.3', bodyLimit: 64 * 1024, logLevel: 'silent' });
    base = (await start(svc)).url;
  });
  afterAll(() => svc.close());

  async function infer(path: string, body: unknown) {
    if (typeof body !== 'string') expect(validators.inference_request!(body)).toBe(true);
    return post(`${base}${path}`, body);
  }

  describe('health and server metadata', () => {
    it('answers server live with { live: true }', async () => {
      const res = await get(`${base}/v2/health/live`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ live: true });
      expectConforms('live_server_response', res.body);
    });

    it('answers server ready once every model is ready', async () => {
      const res = await get(`${base}/v2/health/ready`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ live: true, ready: true });
      expectConforms('ready_server_response', res.body);
    });

    it('describes the server with its name, version and extensions', async () => {
      const res = await get(`${base}/v2`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name: 'v2_service', version: '1.2.3', extensions: [] });
      expectConforms('metadata_server_response', res.body);
    });
  });

  describe('model metadata and readiness', () => {
    it('describes a model: inputs and outputs with name, datatype and shape (-1 for a free dimension)', async () => {
      const res = await get(`${base}/v2/models/tiny_model`);
      expect(res.status).toBe(200);
      expectConforms('metadata_model_response', res.body);
      expect(res.body).toEqual({
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

    it('maps every ONNX tensor type of a model to its V2 datatype', async () => {
      const res = await get(`${base}/v2/models/all_types/versions/v3`);
      expect(res.status).toBe(200);
      expectConforms('metadata_model_response', res.body);
      const datatypes = Object.fromEntries(res.body.inputs.map((i: { name: string; datatype: string }) => [i.name, i.datatype]));
      expect(datatypes).toEqual(Object.fromEntries(Object.entries(kSamples).map(([type, s]) => [`in_${type}`, s.datatype])));
    });

    it('answers model ready with the name, with or without the version', async () => {
      for (const path of ['/v2/models/tiny_model/ready', '/v2/models/tiny_model/versions/v1/ready']) {
        const res = await get(`${base}${path}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ name: 'tiny_model', ready: true });
        expectConforms('ready_model_response', res.body);
      }
    });

    it.each([
      ['an unknown model', '/v2/models/nope', 'Unknown model "nope"'],
      ['an unknown version', '/v2/models/tiny_model/versions/v9', 'no version "v9"'],
      ['readiness of an unknown model', '/v2/models/nope/ready', 'Unknown model'],
      ['a path V2 does not define', '/v2/models/tiny_model/other', 'No route'],
      ['a bare /v2/models', '/v2/models', 'No route'],
    ])('answers 404 { error } for %s', async (_what, path, message) => {
      const res = await get(`${base}${path}`);
      expect(res.status).toBe(404);
      expectConforms('error_response', res.body);
      expect(res.body.error).toContain(message);
      expect(res.body.code).toBe('MLS_ERR_HTTP_NOT_FOUND');
    });

    it('answers 405 { error } with Allow for a method the endpoint does not take', async () => {
      const res = await post(`${base}/v2/models/tiny_model`, {});
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expectConforms('error_response', res.body);
      const infer = await get(`${base}/v2/models/tiny_model/infer`);
      expect(infer.status).toBe(405);
      expect(infer.headers.get('allow')).toBe('POST');
    });
  });

  describe('inference', () => {
    it('runs the model, echoes the id and returns every output', async () => {
      const res = await infer('/v2/models/tiny_model/infer', { id: 'req-42', inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [30, 10, 1, 0, 30, 10, 0, 1] }] });
      expect(res.status).toBe(200);
      expectConforms('inference_response', res.body);
      expect(res.body.model_name).toBe('tiny_model');
      expect(res.body.model_version).toBe('v1');
      expect(res.body.id).toBe('req-42');
      expect(res.body.outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'probabilities']);
      const label = res.body.outputs[0];
      expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: [expect.any(Number), expect.any(Number)] });
      const probabilities = res.body.outputs[1];
      expect(probabilities.shape).toEqual([2, 2]);
      expect(probabilities.data[0] + probabilities.data[1]).toBeCloseTo(1, 5);
    });

    it('gives the same answer as runner.run() for the same rows', async () => {
      const data = [22, 7.25, 0, 1, 38, 71.28, 1, 0, 26, 7.92, 1, 0];
      const res = await infer('/v2/models/tiny_model/versions/v1/infer', { inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data }] });
      const direct = await tiny.run({ input: { type: 'float32', data, dims: [3, 4] } });
      expect(res.body.outputs[1].data).toEqual(Array.from(direct.probabilities!.data as Float32Array));
      expect(res.body.outputs[0].data).toEqual(direct.label!.data);
      expect(res.body.id).toBeUndefined();
    });

    it('takes nested data in row-major order as flat data', async () => {
      const flat = await infer('/v2/models/tiny_model/infer', { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] }] });
      const nested = await infer('/v2/models/tiny_model/infer', {
        inputs: [
          {
            name: 'input',
            shape: [2, 4],
            datatype: 'FP32',
            data: [
              [1, 2, 3, 4],
              [5, 6, 7, 8],
            ],
          },
        ],
      });
      expect(nested.status).toBe(200);
      expect(nested.body.outputs).toEqual(flat.body.outputs);
    });

    it('returns only the requested outputs, in the order asked', async () => {
      const res = await infer('/v2/models/tiny_model/infer', {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 0, 1] }],
        outputs: [{ name: 'probabilities' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    });

    it('accepts request and input parameters', async () => {
      const res = await infer('/v2/models/tiny_model/infer', {
        parameters: { priority: 1 },
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { any: 'thing' }, data: [1, 2, 0, 1] }],
      });
      expect(res.status).toBe(200);
    });

    it('round-trips every datatype through the model unchanged', async () => {
      const res = await infer('/v2/models/all_types/infer', { id: 'types', inputs: allInputs() });
      expect(res.status).toBe(200);
      expectConforms('inference_response', res.body);
      expect(res.body.model_version).toBe('v3');
      for (const [type, sample] of Object.entries(kSamples)) {
        const out = res.body.outputs.find((o: { name: string }) => o.name === `out_${type}`);
        expect({ type, datatype: out.datatype, shape: out.shape }).toEqual({ type, datatype: sample.datatype, shape: [2, 2] });
        if (type === 'fp32') expect(out.data).toEqual(sample.data.map((v) => Math.fround(v as number)));
        else expect(out.data).toEqual(sample.data);
      }
    });
  });

  describe('inference errors', () => {
    const tinyInput = (patch: Record<string, unknown>) => ({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 0, 1], ...patch }] });

    it.each([
      ['a body that is not JSON', '{"inputs": [', 400, 'MLS_ERR_IO_MALFORMED_JSON', 'not valid JSON'],
      ['a body without inputs', { id: 'x' }, 400, 'MLS_ERR_IO_VALIDATION', '/inputs is required'],
      ['an id that is not a string', { id: 7, ...tinyInput({}) }, 400, 'MLS_ERR_IO_VALIDATION', '/id'],
      ['an input without a datatype', { inputs: [{ name: 'input', shape: [1, 4], data: [1, 2, 3, 4] }] }, 400, 'MLS_ERR_IO_VALIDATION', '/inputs/0/datatype is required'],
      ['a shape with a negative dimension', tinyInput({ shape: [-1, 4] }), 400, 'MLS_ERR_IO_VALIDATION', '/inputs/0/shape/0'],
      ['an unknown datatype', tinyInput({ datatype: 'FLOAT' }), 400, 'MLS_ERR_IO_TENSOR', 'unknown datatype "FLOAT"'],
      ['a datatype the model input cannot take', tinyInput({ datatype: 'FP64' }), 400, 'MLS_ERR_IO_TENSOR', 'datatype FP64 is not accepted, the model input takes FP32'],
      ['FP16 data', tinyInput({ datatype: 'FP16' }), 400, 'MLS_ERR_IO_TENSOR', 'FP16'],
      ['an unknown input name', tinyInput({ name: 'x' }), 400, 'MLS_ERR_IO_TENSOR', 'has no input "x"'],
      ['an input given twice', { inputs: [tinyInput({}).inputs[0], tinyInput({}).inputs[0]] }, 400, 'MLS_ERR_IO_TENSOR', 'more than once'],
      ['a shape of the wrong rank', tinyInput({ shape: [4] }), 400, 'MLS_ERR_IO_TENSOR', 'does not match the model'],
      ['a fixed dimension of the wrong size', tinyInput({ shape: [1, 3], data: [1, 2, 3] }), 400, 'MLS_ERR_IO_TENSOR', '[-1, 4]'],
      ['fewer elements than the shape calls for', tinyInput({ shape: [2, 4] }), 400, 'MLS_ERR_IO_TENSOR', 'data has 4 elements, shape [2, 4] calls for 8'],
      [
        'nested data that does not follow the shape',
        tinyInput({
          shape: [2, 4],
          data: [
            [1, 2, 3, 4],
            [5, 6, 7],
          ],
        }),
        400,
        'MLS_ERR_IO_TENSOR',
        'data[1] must be an array of 4',
      ],
      ['an element that is not a number', tinyInput({ data: [1, 2, 'x', 4] }), 400, 'MLS_ERR_IO_TENSOR', 'element 2 is not a number'],
      ['an unknown requested output', { ...tinyInput({}), outputs: [{ name: 'nope' }] }, 400, 'MLS_ERR_IO_VALIDATION', 'has no output "nope"'],
    ])('answers %s with its status and { error }', async (_what, body, status, code, message) => {
      const res = await post(`${base}/v2/models/tiny_model/infer`, body);
      expect(res.status).toBe(status);
      expectConforms('error_response', res.body);
      expect(res.body.code).toBe(code);
      expect(res.body.error).toContain(message);
    });

    it('answers a missing input with 400 naming it', async () => {
      const res = await post(`${base}/v2/models/all_types/infer`, { inputs: allInputs().slice(1) });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain('input "in_bool" is missing');
    });

    it.each([
      ['bool', 1, 'is not a boolean'],
      ['uint8', 256, 'is not an integer in [0, 255]'],
      ['uint16', -1, 'is not an integer in [0, 65535]'],
      ['uint32', 1.5, 'is not an integer'],
      ['uint64', -1, 'is not an integer'],
      ['int8', 128, 'is not an integer in [-128, 127]'],
      ['int16', 40000, 'is not an integer in [-32768, 32767]'],
      ['int32', 2 ** 31, 'is not an integer'],
      ['int64', 2 ** 60, 'is not an integer'],
      ['fp32', true, 'is not a number'],
      ['fp64', 'x', 'is not a number'],
      ['bytes', 5, 'is not a string'],
    ])('refuses a %s element out of its datatype (%p) with 400', async (type, value, message) => {
      const data = [...kSamples[type]!.data];
      data[3] = value;
      const res = await post(`${base}/v2/models/all_types/infer`, { inputs: allInputs({ [type]: { data } }) });
      expect(res.status).toBe(400);
      expectConforms('error_response', res.body);
      expect(res.body.error).toContain(`input "in_${type}": data element 3 ${message}`);
    });

    it.each(Object.keys(kSamples))('refuses %s data sent under another datatype with 400', async (type) => {
      const other = type === 'fp32' ? 'FP64' : 'FP32';
      const res = await post(`${base}/v2/models/all_types/infer`, { inputs: allInputs({ [type]: { datatype: other } }) });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(`datatype ${other} is not accepted, the model input takes ${kSamples[type]!.datatype}`);
    });

    it('answers inference on an unknown model with 404', async () => {
      const res = await post(`${base}/v2/models/nope/infer`, tinyInput({}));
      expect(res.status).toBe(404);
      expectConforms('error_response', res.body);
    });

    it('answers a body over the limit with 413 and a non-JSON media type with 415', async () => {
      const big = await post(`${base}/v2/models/tiny_model/infer`, {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
        pad: 'x'.repeat(70 * 1024),
      });
      expect(big.status).toBe(413);
      expectConforms('error_response', big.body);
      const text = await post(`${base}/v2/models/tiny_model/infer`, 'a', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expectConforms('error_response', text.body);
    });
  });

  it('lists the V2 endpoints of each model in the OpenAPI document', async () => {
    const res = await get(`${base}/docs.json`);
    for (const path of [
      '/v2',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/tiny_model',
      '/v2/models/tiny_model/ready',
      '/v2/models/tiny_model/infer',
      '/v2/models/all_types/versions/v3/infer',
    ]) {
      expect(res.body.paths[path]).toBeDefined();
    }
    expect(res.body.components.schemas.v2_inference_request).toBeDefined();
    const result = await validateOpenApi(structuredClone(res.body));
    expect(result.valid).toBe(true);
  });
});
