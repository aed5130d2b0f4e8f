declare const __MLSERVE_VERSION__: string | undefined;

/** The CLI's version, baked in at build time (`0.0.0-dev` when running from sources). */
export const kCliVersion: string = typeof __MLSERVE_VERSION__ === 'string' ? __MLSERVE_VERSION__ : '0.0.0-dev';
