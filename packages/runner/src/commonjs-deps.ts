import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type * as PiscinaModule from 'piscina';

/*
 * onnxruntime-node and piscina are CommonJS packages. Imported from this package's ES build, Node
 * first reads each with cjs-module-lexer to find its named exports (onnxruntime-node's re-exports
 * of onnxruntime-common too): ~45 ms of CPU of every cold start's main thread (bench/NOTES.md,
 * seventh pass). require() loads them without that. `__filename` is native in CommonJS and
 * shimmed by tsup in the ESM build.
 */
const load = createRequire(__filename);

let ortModule: typeof Ort | undefined;
/**
 * onnxruntime-node, required at its first use. Requiring it calls into the addon (its module init,
 * then listSupportedBackends), so a worker has to do that inside its native guard
 * (native-guard.ts): a thread terminated there aborted the process.
 */
export const loadOrt = (): typeof Ort => (ortModule ??= load('onnxruntime-node') as typeof Ort);

/** piscina's worker pool class. */
export const Piscina = (load('piscina') as typeof PiscinaModule).Piscina;
/** A piscina worker pool. */
export type Piscina<T = unknown, R = unknown> = PiscinaModule.Piscina<T, R>;
