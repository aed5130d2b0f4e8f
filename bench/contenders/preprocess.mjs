// The preprocessing a Node developer writes by hand when they serve a scikit-learn model without
// mlserve: read the fitted numbers out of pipeline.json once, then turn each JSON record into one
// float32 row with plain loops. Only the step kinds the seed apps use are handled, and the only
// validation is what keeps the arithmetic from producing garbage.

import { readFileSync } from 'node:fs';

const isMissing = (v) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** One fitted step as a function from column values to column values. */
function compileStep(step) {
  switch (step.type) {
    case 'SimpleImputer': {
      const keep = step.statistics.map((s) => s !== null);
      return (cols) => {
        const out = [];
        for (let i = 0; i < cols.length; i++) {
          if (!keep[i]) continue;
          out.push(isMissing(cols[i]) ? step.statistics[i] : cols[i]);
        }
        return out;
      };
    }
    case 'StandardScaler':
      return (cols) =>
        cols.map((v, i) => {
          let x = Number(v);
          if (step.withMean) x -= step.mean[i];
          if (step.withStd) x /= step.scale[i];
          return x;
        });
    case 'MinMaxScaler':
      return (cols) =>
        cols.map((v, i) => {
          let x = Number(v) * step.scale[i] + step.min[i];
          if (step.clip) x = Math.min(Math.max(x, step.featureRange[0]), step.featureRange[1]);
          return x;
        });
    case 'OneHotEncoder':
      return (cols) => {
        const out = [];
        for (let i = 0; i < cols.length; i++) {
          const cats = step.categories[i];
          const drop = step.dropIdx ? step.dropIdx[i] : null;
          const v = isMissing(cols[i]) ? null : cols[i];
          let hit = -1;
          for (let k = 0; k < cats.length; k++) if (cats[k] === v) hit = k;
          if (hit < 0 && step.handleUnknown !== 'ignore') throw new Error(`unknown category ${v}`);
          for (let k = 0; k < cats.length; k++) if (k !== drop) out.push(k === hit ? 1 : 0);
        }
        return out;
      };
    case 'ColumnTransformer': {
      const parts = step.transformers.map((t) => ({ columns: t.columns, steps: t.steps.map(compileStep) }));
      const rest = step.remainder === 'passthrough' ? step.remainderColumns : [];
      return (cols, names) => {
        const byName = new Map(names.map((n, i) => [n, cols[i]]));
        const out = [];
        for (const part of parts) {
          let v = part.columns.map((c) => byName.get(c));
          for (const f of part.steps) v = f(v);
          out.push(...v);
        }
        for (const c of rest) out.push(Number(byName.get(c)));
        return out;
      };
    }
    default:
      throw new Error(`the hand-written preprocessing does not handle ${step.type}`);
  }
}

/**
 * Reads pipeline.json (mlserve.pipeline/v1) and returns `{ inputs, transform(record) }`; transform
 * turns one JSON record into its feature row (an array of numbers, in the model's input order).
 */
export function loadPreprocessing(pipelineJsonPath) {
  const spec = JSON.parse(readFileSync(pipelineJsonPath, 'utf8'));
  const inputs = spec.inputs.map((i) => i.name);
  const steps = spec.steps.map(compileStep);
  const numeric = new Set(spec.inputs.filter((i) => i.type === 'number').map((i) => i.name));
  const transform = (record) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error('a record must be an object');
    let cols = inputs.map((n) => {
      const v = record[n];
      if (numeric.has(n) && !isMissing(v) && typeof v !== 'number') throw new Error(`${n} must be a number`);
      return v;
    });
    for (const f of steps) cols = f(cols, inputs);
    return cols;
  };
  return { inputs, transform };
}

/** Preprocesses records into the float32 [n, d] matrix the ONNX model takes. */
export function toMatrix(transform, records) {
  const rows = records.map(transform);
  const width = rows[0].length;
  const data = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) data.set(rows[i], i * width);
  return { data, dims: [rows.length, width] };
}
