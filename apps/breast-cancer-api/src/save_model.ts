import { fileURLToPath } from 'node:url';
import { ModelStore } from '@mlserve/model-store';

// `pnpm save` (the seed's `python src/save_model.py`): stores artifacts/ (the exporter's model.onnx,
// pipeline.json and metadata.json) as breast_cancer_model. `--if-changed` skips the save when the latest
// version already holds the same model.onnx and pipeline.
const ref = await new ModelStore().importModel(fileURLToPath(new URL('../artifacts', import.meta.url)), {
  name: 'breast_cancer_model',
  ifChanged: process.argv.includes('--if-changed'),
});
console.log(ref.saved ? `Model saved: ${ref.tag}` : `Model unchanged: ${ref.tag} is already the latest`);
