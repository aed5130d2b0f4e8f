// Runs every fixture's model.onnx with onnxruntime-node on reference.json's `transformed` matrix
// and compares with scikit-learn: labels must be equal, probabilities within 1e-6.
// Usage: NODE_PATH=<dir holding onnxruntime-node> node python/mlserve-sklearn/tests/check_parity.cjs \
//          [fixtures dir | case dir | model.onnx=reference.json ...]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

async function checkCase(modelPath, referencePath) {
  const ref = JSON.parse(fs.readFileSync(referencePath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, interOpNumThreads: 1,
  });
  const n = ref.transformed.length;
  const d = ref.transformed[0].length;
  const input = new ort.Tensor('float32', Float32Array.from(ref.transformed.flat()), [n, d]);
  const out = await session.run({ input });
  const c = out.probabilities.dims[1];
  let maxDiff = 0;
  let labelMismatch = 0;
  for (let i = 0; i < n; i++) {
    if (Number(out.label.data[i]) !== ref.label[i]) labelMismatch++;
    for (let k = 0; k < c; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(out.probabilities.data[i * c + k] - ref.predict_proba[i][k]));
    }
  }
  await session.release?.();
  return { case: ref.case ?? ref.model, rows: n, maxDiff, labelMismatch, size: fs.statSync(modelPath).size };
}

(async () => {
  const roots = process.argv.slice(2);
  if (roots.length === 0) roots.push(path.join(__dirname, 'fixtures'));
  let failed = false;
  const report = (r) => {
    const ok = r.labelMismatch === 0 && r.maxDiff <= 1e-6;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${r.case.padEnd(40)} rows=${String(r.rows).padStart(3)} ` +
      `max|dp|=${r.maxDiff.toExponential(2)} labelMismatch=${r.labelMismatch} onnx=${r.size}B`);
  };
  for (const root of roots) {
    if (root.includes('=')) {
      const [modelPath, referencePath] = root.split('=');
      report(await checkCase(modelPath, referencePath));
      continue;
    }
    const dirs = fs.existsSync(path.join(root, 'reference.json'))
      ? [root]
      : fs.readdirSync(root).map((x) => path.join(root, x)).filter((x) => fs.existsSync(path.join(x, 'reference.json')));
    for (const dir of dirs.sort()) {
      report(await checkCase(path.join(dir, 'model.onnx'), path.join(dir, 'reference.json')));
    }
  }
  process.exitCode = failed ? 1 : 0;
})();
