// Runs every fixture's model.onnx with onnxruntime-node on reference.json's `transformed` matrix
// and compares with scikit-learn: labels must be equal; probabilities, decision scores and
// regression values within 1e-5 relative (|actual - expected| <= 1e-5 * max(1, |expected|)).
// Usage: NODE_PATH=<dir holding onnxruntime-node> node python/mlserve-sklearn/tests/check_parity.cjs \
//          [fixtures dir | case dir | model.onnx=reference.json ...]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

const kTolerance = 1e-5;

/** The output scikit-learn's values are compared with, and those values. */
function expectedValues(ref) {
  if (ref.task === 'regression') return ['variable', ref.predict];
  if (ref.decision_function) return ['scores', ref.decision_function];
  return ['probabilities', ref.predict_proba];
}

async function checkCase(modelPath, referencePath) {
  const ref = JSON.parse(fs.readFileSync(referencePath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const n = ref.transformed.length;
  const d = ref.transformed[0].length;
  const input = new ort.Tensor(
    'float32',
    Float32Array.from(ref.transformed.flat(), (v) => v ?? NaN),
    [n, d],
  );
  const out = await session.run({ input });
  const [name, expected] = expectedValues(ref);
  const c = out[name].dims[1];
  let maxAbs = 0;
  let maxRel = 0;
  let labelMismatch = 0;
  for (let i = 0; i < n; i++) {
    if (ref.label && Number(out.label.data[i]) !== ref.label[i]) labelMismatch++;
    for (let k = 0; k < c; k++) {
      const e = expected[i][k];
      const diff = Math.abs(out[name].data[i * c + k] - e);
      maxAbs = Math.max(maxAbs, diff);
      maxRel = Math.max(maxRel, diff / Math.max(1, Math.abs(e)));
    }
  }
  await session.release?.();
  return { case: ref.case ?? ref.model, output: name, rows: n, maxAbs, maxRel, labelMismatch, size: fs.statSync(modelPath).size };
}

(async () => {
  const roots = process.argv.slice(2);
  if (roots.length === 0) roots.push(path.join(__dirname, 'fixtures'));
  let failed = false;
  const report = (r) => {
    const ok = r.labelMismatch === 0 && r.maxRel <= kTolerance;
    failed ||= !ok;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${r.case.padEnd(46)} ${r.output.padEnd(13)} rows=${String(r.rows).padStart(3)} ` +
        `max|d|=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)} labelMismatch=${r.labelMismatch} onnx=${r.size}B`,
    );
  };
  for (const root of roots) {
    if (root.includes('=')) {
      const [modelPath, referencePath] = root.split('=');
      report(await checkCase(modelPath, referencePath));
      continue;
    }
    const dirs = fs.existsSync(path.join(root, 'reference.json'))
      ? [root]
      : fs
          .readdirSync(root)
          .map((x) => path.join(root, x))
          .filter((x) => fs.existsSync(path.join(x, 'reference.json')));
    for (const dir of dirs.sort()) {
      report(await checkCase(path.join(dir, 'model.onnx'), path.join(dir, 'reference.json')));
    }
  }
  process.exitCode = failed ? 1 : 0;
})();
