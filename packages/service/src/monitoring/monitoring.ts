import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Gauge } from '../prom-client-lite';
import { createServiceError } from '../errors';
import { sendJson } from '../error-response';
import type { IODescriptor } from '../io-descriptor';
import { json } from '../json';
import type { Endpoint } from '../route-table';
import type { ApiHandler } from '../types';
import { createDashboardEndpoints } from './dashboard';
import { worst, type MonitorStatus } from './drift';
import { ModelMonitor, type MonitoredRunner } from './model-monitor';
import { type MonitoringOptions, resolveMonitoringOptions } from './monitoring-options';
import { monitoringPaths } from './monitoring-openapi';
import type { FeedbackItem } from './performance-tracker';

/** What monitoring needs of its service. */
export interface MonitoringHost {
  readonly registry: Registry;
  readonly logger: Logger;
  /** Adds a GET (and HEAD) endpoint of the core. */
  addEndpoint(path: string, endpoint: Endpoint): void;
  /** Declares a POST API (validated body, OpenAPI, metrics). */
  addApi(name: string, options: { input: IODescriptor; output: IODescriptor; route: string; description: string }, handler: ApiHandler): void;
}

const kFeedbackItem = {
  type: 'object',
  required: ['id', 'label'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'the x-request-id of the prediction' },
    index: { type: 'integer', minimum: 0, description: 'the row, for a request that sent a list' },
    label: { type: ['string', 'number'], description: 'the true class (name or index) or value' },
  },
};

/**
 * The monitoring of a service's models: `GET /monitoring/drift`, `/monitoring/performance`,
 * `/monitoring/traffic`, `/monitoring/models`, `POST /monitoring/feedback`, the dashboard at
 * `/dashboard`, and the Prometheus gauges. Attached on the first `svc.monitor()`.
 */
export class Monitoring {
  readonly #host: MonitoringHost;
  readonly #monitors = new Map<string, ModelMonitor>();
  #maxFeedbackItems = 1;

  constructor(host: MonitoringHost) {
    this.#host = host;
    this.#registerGauges();
    const all = () => [...this.#monitors.values()];
    const answer =
      (build: () => Record<string, unknown>): Endpoint =>
      (_req, res) =>
        sendJson(res, 200, build());
    host.addEndpoint(
      '/monitoring/drift',
      answer(() => {
        const models = all().map(
          (m) =>
            m.drift() ?? {
              model: m.name,
              reference: false,
              status: 'ok' as MonitorStatus,
              message: `${m.name} has no reference statistics (stats.json): see mlserve models reference`,
            },
        );
        return { status: models.reduce<MonitorStatus>((s, m) => worst(s, m.status), 'ok'), models };
      }),
    );
    host.addEndpoint(
      '/monitoring/performance',
      answer(() => {
        const models = all().map((m) => m.performance());
        return { status: models.reduce<MonitorStatus>((s, m) => worst(s, m.status), 'ok'), models };
      }),
    );
    host.addEndpoint(
      '/monitoring/traffic',
      answer(() => ({ models: all().map((m) => ({ model: m.name, ...m.traffic() })) })),
    );
    host.addEndpoint(
      '/monitoring/models',
      answer(() => ({ models: all().map((m) => m.card()) })),
    );
    for (const [path, endpoint] of createDashboardEndpoints()) host.addEndpoint(path, endpoint);
    host.addApi(
      'monitoring_feedback',
      {
        route: '/monitoring/feedback',
        description: 'Ground truth for logged predictions: { id, label } (id = the x-request-id of the prediction; index = the row of a list request), or a list of them.',
        input: json({
          schema: { oneOf: [kFeedbackItem, { type: 'array', minItems: 1, items: kFeedbackItem }] },
          example: { id: 'the x-request-id of a prediction', label: 'benign' },
        }),
        output: json({ schema: { type: 'object', properties: { accepted: { type: 'integer' }, models: { type: 'array' } } } }),
      },
      (body) => this.#feedback(body as FeedbackItem | FeedbackItem[]),
    );
  }

  /** Starts monitoring a runner's model (one monitor per model name). */
  add(runner: MonitoredRunner, options: MonitoringOptions = {}): ModelMonitor {
    const resolved = resolveMonitoringOptions(options);
    const name = resolved.model?.name ?? runner.model?.name ?? runner.name;
    if (this.#monitors.has(name)) throw new TypeError(`Model ${name} is already monitored`);
    const monitor = new ModelMonitor(runner, resolved, this.#host.logger);
    this.#monitors.set(monitor.name, monitor);
    this.#maxFeedbackItems = Math.max(this.#maxFeedbackItems, resolved.maxFeedbackItems);
    return monitor;
  }

  /** The OpenAPI paths of the monitoring GET endpoints and the dashboard. */
  openapiPaths(): Record<string, unknown> {
    return monitoringPaths();
  }

  /** Closes every monitor (flushes prediction logs). */
  async close(): Promise<void> {
    await Promise.all([...this.#monitors.values()].map((m) => m.close()));
  }

  #feedback(body: FeedbackItem | FeedbackItem[]): Record<string, unknown> {
    const items = Array.isArray(body) ? body : [body];
    if (items.length > this.#maxFeedbackItems) {
      throw createServiceError(
        'MLS_ERR_MONITOR_TOO_MANY_LABELS',
        `A feedback request may carry at most ${this.#maxFeedbackItems} labels, got ${items.length}; send them in several requests`,
        {
          details: { maxFeedbackItems: this.#maxFeedbackItems, received: items.length },
        },
      );
    }
    // Every item is checked before any is recorded: one bad item changes nothing.
    const groups = new Map<ModelMonitor, { items: FeedbackItem[]; positions: number[] }>();
    items.forEach((item, i) => {
      const monitor = [...this.#monitors.values()].find((m) => m.hasPrediction(item.id));
      if (monitor === undefined) {
        throw createServiceError('MLS_ERR_MONITOR_UNKNOWN_PREDICTION', `items[${i}]: no logged prediction has request id "${item.id.slice(0, 200)}" (unknown, or no longer kept)`, {
          details: { item: `items[${i}]`, id: item.id.slice(0, 200) },
        });
      }
      const group = groups.get(monitor) ?? { items: [], positions: [] };
      group.items.push(item);
      group.positions.push(i);
      groups.set(monitor, group);
    });
    const prepared = [...groups].map(([monitor, g]) => [monitor, monitor.tracker.prepare(g.items, g.positions)] as const);
    for (const [monitor, outcomes] of prepared) monitor.tracker.commit(outcomes);
    return {
      accepted: items.length,
      models: prepared.map(([m]) => {
        const { history: _history, ...report } = m.performance();
        return report;
      }),
    };
  }

  #registerGauges(): void {
    const registers = [this.#host.registry];
    const monitors = this.#monitors;
    new Gauge({
      name: 'mlserve_feature_psi',
      help: 'Population Stability Index of each input feature over the drift window, against the reference statistics.',
      labelNames: ['model', 'feature'],
      registers,
      collect() {
        this.reset();
        for (const m of monitors.values()) for (const [feature, r] of Object.entries(m.drift()?.features ?? {})) if (r.psi !== null) this.set({ model: m.name, feature }, r.psi);
      },
    });
    new Gauge({
      name: 'mlserve_prediction_psi',
      help: 'Population Stability Index of the predictions over the drift window, against the reference statistics.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const m of monitors.values()) {
          const psi = m.drift()?.prediction.psi;
          if (psi !== undefined && psi !== null) this.set({ model: m.name }, psi);
        }
      },
    });
    new Gauge({
      name: 'mlserve_model_accuracy',
      help: 'Rolling accuracy of the last labelled predictions (ground truth sent to /monitoring/feedback).',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const m of monitors.values()) {
          const accuracy = m.performance().accuracy;
          if (typeof accuracy === 'number') this.set({ model: m.name }, accuracy);
        }
      },
    });
    new Gauge({
      name: 'mlserve_model_mae',
      help: 'Rolling mean absolute error of the last labelled predictions of a regressor.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const m of monitors.values()) {
          const mae = m.performance().mae;
          if (typeof mae === 'number') this.set({ model: m.name }, mae);
        }
      },
    });
  }
}
