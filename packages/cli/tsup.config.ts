import { defineConfig } from 'tsup';
import { kBaseTsupOptions } from '../../tsup.config.base';
import pkg from './package.json';
import { esmRequireBanner } from './src/bundle';

// The version is baked in so the CLI bundled into a bento (which has no package.json of ours) knows it.
const define = { __MLSERVE_VERSION__: JSON.stringify(pkg.version) };

export default defineConfig([
  // The library: command functions, dual ESM + CJS like every package.
  { ...kBaseTsupOptions, entry: ['src/index.ts'], clean: false, define },
  // The binary's entry: ESM with code splitting, so each command's module loads only when used.
  // yaml is bundled in: installed, it is 72 CommonJS modules that `mlserve serve <bento>` resolves,
  // reads and wraps one by one to read bento.yaml (~50 ms); bundled, one file, whose require() of
  // Node's modules needs the banner's.
  {
    ...kBaseTsupOptions,
    entry: { main: 'src/main.ts', 'model-service': 'src/model-service.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    splitting: true,
    define,
    noExternal: ['yaml'],
    // Not kEsmRequireBanner's alias: a bento's bundle of this binary adds that banner.
    banner: { js: esmRequireBanner('__mlserveCliCreateRequire') },
  },
]);
