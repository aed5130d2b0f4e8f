import { type ColumnStats, columnPsi, type ReferenceStats } from '@mlserve/core';

/** A monitoring status: `ok` < warn threshold <= `warn` < alert threshold <= `alert`. */
export type MonitorStatus = 'ok' | 'warn' | 'alert';

/** The PSI of one column and its status (`psi: null` when the window holds no value of it). */
export interface PsiResult {
  psi: number | null;
  status: MonitorStatus;
}

/** What `GET /monitoring/drift` answers per model. */
export interface DriftReport {
  model: string;
  tag: string | undefined;
  /** Rows in the window. */
  windowSize: number;
  /** Bins numeric columns were compared on (the reference's, or fewer for a small window). */
  bins: number;
  features: Record<string, PsiResult>;
  prediction: PsiResult;
  /** The worst status of the features and the prediction. */
  status: MonitorStatus;
}

/** Thresholds of {@link computeDrift}. */
export interface DriftThresholds {
  psiWarn: number;
  psiAlert: number;
  minRowsPerBin: number;
}

const kRank: Record<MonitorStatus, number> = { ok: 0, warn: 1, alert: 2 };

/** The worse of two statuses. */
export function worst(a: MonitorStatus, b: MonitorStatus): MonitorStatus {
  return kRank[a] >= kRank[b] ? a : b;
}

/** The status of a PSI against the thresholds. */
export function psiStatus(psi: number | null, t: DriftThresholds): MonitorStatus {
  if (psi === null) return 'ok';
  return psi >= t.psiAlert ? 'alert' : psi >= t.psiWarn ? 'warn' : 'ok';
}

/**
 * PSI per feature and for the predictions of a window of rows against the reference statistics.
 * Numeric columns are compared on at most `windowSize / minRowsPerBin` bins (merged from the
 * reference's deciles); with fewer than two bins' worth of rows nothing is measured (`psi: null`).
 */
export function computeDrift(
  identity: { model: string; tag: string | undefined },
  stats: ReferenceStats,
  rows: ReadonlyArray<Record<string, unknown>>,
  predictions: ReadonlyArray<string | number>,
  t: DriftThresholds,
): DriftReport {
  const maxBins = Math.floor(rows.length / t.minRowsPerBin);
  const measure = (reference: ColumnStats, values: readonly unknown[]): PsiResult => {
    const psi = maxBins < 2 ? null : (columnPsi(reference, values, maxBins) ?? null);
    return { psi: psi === null ? null : Math.round(psi * 1e6) / 1e6, status: psiStatus(psi, t) };
  };
  const features: Record<string, PsiResult> = {};
  let status: MonitorStatus = 'ok';
  for (const [name, reference] of Object.entries(stats.features)) {
    const result = measure(
      reference,
      rows.map((r) => r[name]),
    );
    features[name] = result;
    status = worst(status, result.status);
  }
  const prediction = measure(stats.predictions, predictions);
  return { ...identity, windowSize: rows.length, bins: Math.max(0, Math.min(stats.bins, maxBins)), features, prediction, status: worst(status, prediction.status) };
}
