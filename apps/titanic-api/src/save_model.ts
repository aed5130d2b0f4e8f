import { fileURLToPath } from 'node:url';
import { saveModel } from './save-model';

// `pnpm save` (the seed's `python src/save_model.py`): stores artifacts/ as titanic_model.
// `--if-changed` skips the save when the latest version already holds the same files.
const { ref, saved } = await saveModel({
  artifactsDir: fileURLToPath(new URL('../artifacts', import.meta.url)),
  name: 'titanic_model',
  ifChanged: process.argv.includes('--if-changed'),
});
console.log(saved ? `Model saved: ${ref.tag}` : `Model unchanged: ${ref.tag} is already the latest`);
