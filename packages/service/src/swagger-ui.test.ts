import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveChromium, kChromium, kChromiumArgs } from '@mlserve/test-utils';
import { type BrowserContext, chromium } from 'playwright-core';
import { createTinyRunner, get, loadFixturePipeline, start } from '../test/helpers';
import { createService, json, records, type Service } from './index';

const kHaveBrowser = haveChromium();
if (!kHaveBrowser) console.warn(`Skipping the Swagger UI browser test: ${kChromium} is missing (apt-get install -y chromium).`);

describe('Swagger UI at /', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    const runner = createTinyRunner();
    svc = createService('swagger_service', { runners: [runner], logLevel: 'silent', processMetrics: false });
    svc.api(
      'predict',
      { input: records(loadFixturePipeline(), { example: { age: 29, fare: 30.5, sex: 'female' } }), output: json(), description: 'Predict survival' },
      async (rows) => {
        const out = await runner.predict(rows);
        return out.map((p) => ({ label: p.label, probability: p.probabilities[1] }));
      },
    );
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('serves its page and assets from the installed package', async () => {
    const page = await get(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('docs/swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    await bundle.arrayBuffer();
  });

  (kHaveBrowser ? it : it.skip)(
    'renders in Chromium and "Try it out" -> "Execute" answers 200 with a body',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mlserve-chromium-'));
      let context: BrowserContext | undefined;
      try {
        context = await chromium.launchPersistentContext(dataDir, { executablePath: kChromium, headless: true, args: [...kChromiumArgs] });
        const page = context.pages()[0] ?? (await context.newPage());
        const external: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith(url)) external.push(r.url());
        });
        await page.goto(`${url}/`);
        const operation = page.locator('#operations-Service_APIs-predict');
        await operation.locator('.opblock-summary').click();
        await operation.getByRole('button', { name: 'Try it out' }).click();
        await operation.getByRole('button', { name: 'Execute' }).click();
        const status = operation.locator('.live-responses-table .response .response-col_status');
        await status.first().waitFor();
        expect((await status.first().innerText()).trim()).toBe('200');
        const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
        expect(JSON.parse(body)).toEqual({ label: expect.any(String), probability: expect.any(Number) });
        expect(external).toEqual([]);
      } finally {
        await context?.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
