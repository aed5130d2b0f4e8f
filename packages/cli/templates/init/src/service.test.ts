// `npm test`: imports the model into a temporary store, starts the service on a free port and asks it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelStore } from '@mlserve/model-store';

const home = await mkdtemp(path.join(tmpdir(), '{{name}}-test-'));
process.env.MLSERVE_HOME = home;
process.env.MLSERVE_LOG_LEVEL = 'warn';
await new ModelStore().importModel(fileURLToPath(new URL('../model', import.meta.url)), { name: '{{modelName}}' });
const { svc } = await import('./service.ts');

let url = '';
before(async () => {
  ({ url } = await svc.listen(0, '127.0.0.1'));
});
after(async () => {
  await svc.close();
  await rm(home, { recursive: true, force: true });
});

test('answers a prediction for one record', async () => {
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ length: 5.1, width: 3.5, color: 'red' }) });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { label: string; probability: number };
  assert.ok(['setosa', 'versicolor', 'virginica'].includes(body.label));
  assert.ok(body.probability > 0 && body.probability <= 1);
});

test('refuses a record that does not match the schema, naming the field', async () => {
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ length: 'long', width: 1, color: 'red' }) });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { code: string; message: string };
  assert.equal(body.code, 'MLS_ERR_IO_VALIDATION');
  assert.match(body.message, /length/);
});
