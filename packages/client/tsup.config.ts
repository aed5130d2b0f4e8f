import { defineConfig } from 'tsup';
import { kBaseTsupOptions } from '../../tsup.config.base';

export default defineConfig({ ...kBaseTsupOptions });
