import { defineConfig } from 'tsup';
import { kBaseTsupOptions } from '../../tsup.config.base';
import pkg from './package.json';

// Bundled in: ajv with ajv-formats (~90 CommonJS modules installed) and express with what it requires
// (~130), which each cold start would resolve, read and wrap one by one (bench/NOTES.md, sixth and
// seventh passes); swagger-ui-express too, as it requires express (installed, that would load a
// second copy). They stay dependencies for the types the declarations import, and package.json
// lists them under mlserve.inlined, so that a bento does not install them. swagger-ui-dist
// stays external: it finds its files from its own directory. express's require() of Node's
// modules needs a require in the ESM build: the banner's, with an alias of its own (a bento's
// bundle of this file adds its banner beside it).
export default defineConfig({
  ...kBaseTsupOptions,
  noExternal: pkg.mlserve.inlined,
  banner: ({ format }) =>
    format === 'esm'
      ? { js: "import { createRequire as __mlserveServiceCreateRequire } from 'node:module';\nconst require = __mlserveServiceCreateRequire(import.meta.url);" }
      : {},
});
