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
    expect(body).toContain('mlserve_runner_queue_rows{runner="tiny_model"} 0');
    expect(body).toContain('mlserve_runner_ready{runner="tiny_model"} 1');
    expect(body).toMatch(/mlserve_runner_batch_size_sum\{runner="tiny_model"\} 2/);
    expect(body).toMatch(/mlserve_runner_inference_duration_seconds_count\{runner="tiny_model"\} 1/);
  });

  it('includes process metrics under the mlserve_ prefix', async () => {
    const { body } = await get(`${url}/metrics`);
    expect(body).toContain('mlserve_process_cpu_user_seconds_total');
    expect(body).toContain('mlserve_nodejs_eventloop_lag_seconds');
  });

  it('keeps each service in its own registry', async () => {
    const { body } = await get(`${otherUrl}/metrics`);
    expect(body).toContain('mlserve_http_requests_total{api="predict",method="POST",status="200"} 1');
    expect(body).not.toContain('tiny_model');
  });
});
