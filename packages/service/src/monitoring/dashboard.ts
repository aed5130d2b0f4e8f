import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { send } from '../error-response';
import type { Endpoint } from '../route-table';
import { kDashboardHtml } from './dashboard-page';

/** Where the dashboard's chart library (Chart.js's UMD build, from npm) is served. */
export const kChartAsset = '/dashboard/chart.umd.min.js';

/** The path of Chart.js's UMD build in the installed package (its exports map names only its modules, in the same dist/). */
export function chartJsFile(): string {
  // `__filename` is native in CommonJS and shimmed by tsup in the ESM build.
  return join(dirname(createRequire(__filename).resolve('chart.js')), 'chart.umd.min.js');
}

/**
 * The dashboard's endpoints: the page at `/dashboard` and Chart.js beside it, read from the
 * installed `chart.js` package at startup (no CDN: the dashboard works offline and behind firewalls).
 */
export function createDashboardEndpoints(): Map<string, Endpoint> {
  const chart = readFileSync(chartJsFile(), 'utf8');
  return new Map<string, Endpoint>([
    ['/dashboard', (_req, res) => send(res, 200, 'text/html; charset=utf-8', kDashboardHtml)],
    [
      kChartAsset,
      (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=86400');
        send(res, 200, 'text/javascript; charset=utf-8', chart);
      },
    ],
  ]);
}
