import { defineConfig } from 'tsup';
import { kBaseTsupOptions } from '../../tsup.config.base';

// ajv and ajv-formats are bundled in: installed, they are ~90 CommonJS modules that each cold start
// resolves, reads and wraps one by one (~50 ms); bundled, one file (bench/NOTES.md, sixth pass).
// They stay dependencies for the types the declarations import.
export default defineConfig({ ...kBaseTsupOptions, noExternal: ['ajv', 'ajv-formats'] });
