import { defineConfig } from 'tsup';
import { kBaseTsupOptions } from '../../tsup.config.base';

// The worker is a second entry: piscina loads it by path (dist/worker.cjs) in each thread.
export default defineConfig({ ...kBaseTsupOptions, entry: ['src/index.ts', 'src/worker.ts'] });
