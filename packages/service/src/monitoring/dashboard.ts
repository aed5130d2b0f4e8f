import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { send } from '../error-response';
import type { Endpoint } from '../route-table';
import { kDashboardHtml } from './dashboard-page';

/** Where the dashboard's chart library (Chart.js's UMD build, from npm) is served. */
export const kChartAsset = '/dashboard/chart.umd.min.js';

/**
 * The dashboard's endpoints: the page at `/dashboard` and Chart.js beside it, read from the
 * installed `chart.js` package once (no CDN: the dashboard works offline and behind firewalls).
 */
export function createDashboardEndpoints(): Map<string, Endpoint> {
  let chart: string | undefined;
  // `__filename` is native in CommonJS and shimmed by tsup in the ESM build.
  const load = () => (chart ??= readFileSync(createRequire(__filename).resolve('chart.js/dist/chart.umd.min.js'), 'utf8'));
  return new Map<string, Endpoint>([
    ['/dashboard', (_req, res) => send(res, 200, 'text/html; charset=utf-8', kDashboardHtml)],
    [kChartAsset, (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=86400');
      send(res, 200, 'text/javascript; charset=utf-8', load());
    }],
  ]);
}
