import { createRequire } from 'node:module';
import type createYargs from 'yargs';

/**
 * yargs, loaded from its CommonJS build. `import 'yargs'` from an ES module resolves to yargs's
 * ESM entry, ~40 small modules that Node's ESM loader resolves and compiles one by one; its
 * CommonJS build is one bundled file and loaded ~20 ms sooner, on the path of every `mlserve`
 * command (bench/NOTES.md, "Cold start, fifth pass"). Same factory, same API.
 */
export const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof createYargs;
