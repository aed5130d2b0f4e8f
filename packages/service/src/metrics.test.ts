import { createTinyRunner, get, loadFixturePipeline, post, start } from '../test/helpers';
import { createService, json, records, type Service } from './index';

describe('/metrics', () => {
  let svc: Service;
  let other: Service;
  let url: string;
  let otherUrl: string;

  beforeAll(async () => {
    const runner = createTinyRunner();
    svc = createService('metrics_service', { runners: [runner], logLevel: 'silent' });
    svc.api('predict', { input: records(loadFixturePipeline()), output: json() }, (rows) => runner.predict(rows));
    // A second service in the same process keeps its own registry.
    other = createService('other_service', { logLevel: 'silent' });
    other.api('predict', { input: json(), output: json() }, (x) => x);
    ({ url } = await start(svc));
    ({ url: otherUrl } = await start(other));
    await post(`${url}/predict`, [
      { age: 30, fare: 10, sex: 'male' },
      { age: 40, fare: 20, sex: 'female' },
    ]);
    await post(`${url}/predict`, { age: 'x' });
    await post(`${otherUrl}/predict`, {});
  });
  afterAll(async () => {
    await svc.close();
    await other.close();
  });

  it('serves the Prometheus text format', async () => {
    const res = await get(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
  });

  it('counts requests by api and status and times them', async () => {
    const { body } = await get(`${url}/metrics`);
    expect(body).toContain('mlserve_http_requests_total{api="predict",method="POST",status="200"} 1');
    expect(body).toContain('mlserve_http_requests_total{api="predict",method="POST",status="400"} 1');
    expect(body).toMatch(/mlserve_http_request_duration_seconds_count\{api="predict",method="POST",status="200"\} 1/);
    expect(body).toContain('# TYPE mlserve_http_requests_in_progress gauge');
  });

  it('reports runner queue rows, batch sizes and inference time', async () => {
    const { body } = await get(`${url}/metrics`);
    expect(body).toContain('mlserve_runner_queue_rows{runner="tiny_model",model="tiny_model"} 0');
    expect(body).toContain('mlserve_runner_ready{runner="tiny_model",model="tiny_model"} 1');
    expect(body).toMatch(/mlserve_runner_batch_size_sum\{runner="tiny_model",model="tiny_model"\} 2/);
    expect(body).toMatch(/mlserve_runner_inference_duration_seconds_count\{runner="tiny_model",model="tiny_model"\} 1/);
  });

  it("includes prom-client's default process metrics under the mlserve_ prefix, CPU time counted", async () => {
    const { body } = await get(`${url}/metrics`);
    for (const name of [
      'process_start_time_seconds',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_version_info',
    ]) {
      expect(body).toContain(`# TYPE mlserve_${name} `);
    }
    const seconds = (name: string) => Number(new RegExp(`^mlserve_${name} (\\S+)$`, 'm').exec(body)?.[1]);
    const [user, system, total] = ['process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total'].map(seconds);
    expect(user).toBeGreaterThan(0);
    expect(total).toBeCloseTo(user! + system!, 6);
  });

  it('keeps each service in its own registry', async () => {
    const { body } = await get(`${otherUrl}/metrics`);
    expect(body).toContain('mlserve_http_requests_total{api="predict",method="POST",status="200"} 1');
    expect(body).not.toContain('tiny_model');
  });
});

describe('the model label of /metrics', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    const runner = createTinyRunner();
    svc = createService('model_label_service', { runners: [runner], logLevel: 'silent', processMetrics: false });
    svc.api('tiny_predict', { route: '/tiny/predict', model: 'tiny_model', input: records(loadFixturePipeline()), output: json() }, (rows) => runner.predict(rows));
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    ({ url } = await start(svc));
    await post(`${url}/tiny/predict`, [{ age: 30, fare: 10, sex: 'male' }]);
    await post(`${url}/echo`, {});
    await post(`${url}/v2/models/tiny_model/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [30, 10, 0, 1] }] });
    await post(`${url}/v2/models/nope/infer`, {});
  });
  afterAll(() => svc.close());

  it('labels the requests of an API declared with a model, and of V2 model paths, with that model', async () => {
    const { body } = await get(`${url}/metrics`);
    expect(body).toContain('mlserve_http_requests_total{api="tiny_predict",method="POST",status="200",model="tiny_model"} 1');
    expect(body).toContain('mlserve_http_requests_total{api="/v2/models/tiny_model/infer",method="POST",status="200",model="tiny_model"} 1');
    expect(body).toMatch(/mlserve_http_requests_in_progress\{api="tiny_predict",model="tiny_model"\} 0/);
  });

  it('leaves the label out where no model is known: other APIs, unknown V2 model names', async () => {
    const { body } = await get(`${url}/metrics`);
    expect(body).toContain('mlserve_http_requests_total{api="echo",method="POST",status="200"} 1');
    expect(body).toContain('mlserve_http_requests_total{api="/v2/models/{unknown}/infer",method="POST",status="404"} 1');
    expect(body).not.toContain('model="nope"');
  });

  it('refuses a model option that is not a non-empty string', () => {
    expect(() => svc.api('bad', { model: '' as string, input: json(), output: json() }, (x) => x)).toThrow('options.model must be a non-empty string');
  });
});
