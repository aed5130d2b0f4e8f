// The answer check: before any load, every contender must give the same probabilities for the
// same passengers, or its speed means nothing. scikit-learn's predict_proba (FastAPI) is the
// reference; the Express baseline runs the same ONNX model as mlserve, so those two must agree to
// float32 precision.

const kRefTolerance = 1e-4; // ONNX float32 vs scikit-learn float64
const kSameModelTolerance = 1e-5; // same ONNX model, same float32 inputs

/** Probability of the last class from one answer, whatever the contender calls it. */
export function probabilityOf(answer) {
  if (answer === null || typeof answer !== 'object') return NaN;
  if (typeof answer.probability === 'number') return answer.probability;
  if (typeof answer.malignant_probability === 'number') return answer.malignant_probability;
  const p = answer.probabilities;
  if (Array.isArray(p)) return p[p.length - 1];
  if (p && typeof p === 'object') return Object.values(p).at(-1);
  return NaN;
}

/** The list of per-record answers in a response body (a bare array, or wrapped in an object). */
export function answersOf(body) {
  if (Array.isArray(body)) return body;
  for (const key of ['predictions', 'results', 'outputs', 'data']) if (Array.isArray(body?.[key])) return body[key];
  return [body];
}

async function post(baseUrl, body) {
  const res = await fetch(`${baseUrl}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const what = Array.isArray(body) ? `${body.length} records` : 'one record';
  if (res.status !== 200) throw new Error(`POST /predict with ${what} answered ${res.status}: ${text.slice(0, 500)}`);
  return { text, json: JSON.parse(text) };
}

/**
 * POSTs `records` as one array and the first record alone; returns the last-class probability of
 * each record. Rejects when a status is not 200, probabilities cannot be read, or the single and
 * batched answers differ.
 */
export async function askProbabilities(baseUrl, records) {
  const many = await post(baseUrl, records);
  const one = await post(baseUrl, records[0]);
  const probs = answersOf(many.json).map(probabilityOf);
  const first = probabilityOf(answersOf(one.json)[0]);
  if (probs.length !== records.length || probs.some(Number.isNaN)) {
    throw new Error(`cannot read ${records.length} probabilities from: ${many.text.slice(0, 300)}`);
  }
  if (!(Math.abs(first - probs[0]) <= 1e-6)) throw new Error(`one record answered ${first}, the same record in an array ${probs[0]}`);
  return probs;
}

/** Records for the answer check: the first 20 plus up to 20 with a missing value. */
export function parityRecords(records) {
  const withMissing = records.filter((r) => Object.values(r).some((v) => v === null)).slice(0, 20);
  return [...records.slice(0, 20), ...withMissing];
}

export const maxAbsDiff = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

/**
 * Compares the answers collected in `result.contenders[id].answers`; writes `maxAbsDiff` and a
 * one-line `parity` verdict on each contender. Returns the list of mismatches.
 */
export function checkAnswers(result) {
  const c = result.contenders;
  const mismatches = [];
  const compare = (id, refId, tolerance) => {
    if (!c[id]?.answers || !c[refId]?.answers) return null;
    const d = maxAbsDiff(c[id].answers, c[refId].answers);
    c[id].maxAbsDiff = { ...(c[id].maxAbsDiff ?? {}), [refId]: d };
    const bad = d > tolerance;
    if (bad) mismatches.push(`${c[id].label} differs from ${c[refId].label} by ${d}`);
    return `max |Δp| ${d.toExponential(1)} vs ${c[refId].label}${bad ? ' MISMATCH' : ''}`;
  };
  if (c.fastapi?.answers) c.fastapi.parity = 'reference';
  for (const id of ['mlserve', 'express']) {
    if (!c[id]?.answers) continue;
    const parts = [compare(id, 'fastapi', kRefTolerance)];
    if (id === 'express') parts.push(compare('express', 'mlserve', kSameModelTolerance));
    c[id].parity = parts.filter(Boolean).join('; ') || 'no reference running';
  }
  if (c['express-bc']?.answers) c['express-bc'].parity = compare('express-bc', 'mlserve-bc', kSameModelTolerance) ?? 'no reference running';
  if (c['mlserve-bc']?.answers) c['mlserve-bc'].parity = compare('mlserve-bc', 'express-bc', kSameModelTolerance) ?? 'no reference running';
  return mismatches;
}
