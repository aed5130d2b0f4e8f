import type { Options } from 'tsup';

/**
 * Shared tsup settings: every package ships ESM and CJS side by side, with types, so that
 * `import` users and jest (which runs CommonJS) load the same build.
 */
export const kBaseTsupOptions: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  shims: true,
  splitting: false,
};
