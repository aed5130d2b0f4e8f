import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import type { Service } from '@mlserve/service';
import { haveChromium, kChromium, kChromiumArgs } from '@mlserve/test-utils';
import { type BrowserContext, chromium } from 'playwright-core';
import { createDiagnosisService } from '../src/create-service';

const kApp = resolve(__dirname, '..');
// The README's picture is refreshed only on request (MLSERVE_UPDATE_SCREENSHOTS=1); a plain run leaves the tree clean.
const kScreenshot = process.env.MLSERVE_UPDATE_SCREENSHOTS ? join(kApp, 'docs', 'dashboard.png') : join(tmpdir(), `mlserve-dashboard-${process.pid}.png`);
const kHaveBrowser = haveChromium();
const kReference = JSON.parse(readFileSync(join(kApp, 'fixtures', 'reference.json'), 'utf8')) as { records: Array<Record<string, number>>; predictedClass: string[] };
const kPanels = ['card', 'importances', 'rate', 'latency', 'batches', 'drift', 'accuracy'];

(kHaveBrowser ? describe : describe.skip)('the dashboard at /dashboard', () => {
  let home: string;
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'breast-cancer-dashboard-'));
    const store = new ModelStore({ root: home });
    await store.importModel(join(kApp, 'artifacts'), { name: 'breast_cancer_model' });
    svc = await createDiagnosisService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' } });
    ({ url } = await svc.listen(0, '127.0.0.1'));
    // Traffic: the fixture records one by one and in lists, then scikit-learn's labels for some.
    const post = (path: string, body: unknown, id?: string) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(id ? { 'x-request-id': id } : {}) }, body: JSON.stringify(body) });
    for (const [i, record] of kReference.records.entries()) await (await post('/predict', record, `dash-${i}`)).arrayBuffer();
    for (let i = 0; i < kReference.records.length; i += 15) await (await post('/predict', kReference.records.slice(i, i + 15))).arrayBuffer();
    for (let i = 0; i < 60; i += 20) {
      const labels = kReference.predictedClass
        .slice(i, i + 20)
        .map((label, j) => ({ id: `dash-${i + j}`, label: j % 7 === 0 ? (label === 'benign' ? 'malignant' : 'benign') : label }));
      expect((await post('/monitoring/feedback', labels)).status).toBe(200);
    }
  });

  afterAll(async () => {
    await svc?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves the page and Chart.js from the installed package, nothing from elsewhere', async () => {
    const page = await fetch(`${url}/dashboard`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toMatch(/src="https?:|href="https?:/);
    const chart = await fetch(`${url}/dashboard/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart');
  });

  it('fills every panel in Chromium after some traffic, and saves a screenshot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mlserve-chromium-'));
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(dataDir, { executablePath: kChromium, headless: true, args: [...kChromiumArgs], viewport: { width: 1400, height: 1300 } });
      const page = context.pages()[0] ?? (await context.newPage());
      const external: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(url)) external.push(r.url());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${url}/dashboard`);
      for (const panel of kPanels) await page.waitForSelector(`#${panel}[data-filled="true"]`, { timeout: 15_000 });
      expect(await page.textContent('#model-name')).toMatch(/^breast_cancer_model:/);
      expect(await page.locator('#drift-table tr').count()).toBe(31);
      expect(await page.locator('#drift-table tr.ok, #drift-table tr.warn, #drift-table tr.alert').count()).toBe(30);
      expect(Number(await page.textContent('#rate-total'))).toBeGreaterThanOrEqual(kReference.records.length);
      expect(await page.textContent('#accuracy-now')).toMatch(/^0\.\d{4}$/);
      // One more refresh, so that the latency history holds two points.
      const refreshed = await page.getAttribute('body', 'data-refreshed');
      await page.waitForFunction(`document.body.getAttribute('data-refreshed') !== ${JSON.stringify(refreshed)}`, undefined, { timeout: 10_000 });
      mkdirSync(join(kApp, 'docs'), { recursive: true });
      await page.screenshot({ path: kScreenshot, fullPage: true });
      expect(existsSync(kScreenshot)).toBe(true);
      // Swagger UI lists every monitoring endpoint beside the API.
      await page.goto(`${url}/`);
      for (const path of ['/monitoring/drift', '/monitoring/performance', '/monitoring/feedback', '/dashboard']) {
        await page.waitForSelector(`.opblock-summary-path[data-path="${path}"]`, { timeout: 15_000 });
      }
      expect(external).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
