import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WorkerData } from './worker-protocol';

/**
 * The model a warm pool's first runner loaded the last time, read from the file named by
 * `MLSERVE_RUNNER_HINT_FILE` (`mlserve serve` names one per served target). A warm worker creates
 * that session as soon as it starts, while the main thread is still loading the service; the
 * runner's load task keeps it only if it brings the same file and session options (see worker.ts),
 * so a wrong or stale hint costs the worker that time and nothing else. A hint without session
 * options (`mlserve serve` seeds one so for a bento of one model) means `defaultSessionOptions`.
 * Undefined when unset, missing or unreadable.
 */
export function readModelHint(defaultSessionOptions: Record<string, unknown>): WorkerData | undefined {
  const file = process.env.MLSERVE_RUNNER_HINT_FILE;
  if (!file) return undefined;
  try {
    const hint = JSON.parse(readFileSync(file, 'utf8')) as Partial<WorkerData> | null;
    const sessionOptions = hint?.sessionOptions === undefined ? defaultSessionOptions : hint.sessionOptions;
    if (typeof hint?.modelPath !== 'string' || typeof sessionOptions !== 'object' || sessionOptions === null) return undefined;
    return { modelPath: hint.modelPath, sessionOptions };
  } catch {
    return undefined;
  }
}

/**
 * Records the model of the runner that took the warm pool, for the next start (see readModelHint).
 * A serving graph derived from the file (`modelBytes`) is not recorded: the worker could not tell it
 * is the same. Written to a temporary file and renamed, so a reader never sees half of it, and
 * only when it changed (most starts serve what the previous one did); a failure to write only
 * loses the hint.
 */
export function recordModelHint(model: WorkerData): void {
  const file = process.env.MLSERVE_RUNNER_HINT_FILE;
  if (!file || model.modelBytes !== undefined) return;
  const text = JSON.stringify({ modelPath: model.modelPath, sessionOptions: model.sessionOptions });
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // None yet, or unreadable: written below.
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch {
    // Only the next start's head start is lost.
  }
}

/** True when a load task's model is the hinted one: the same file, no derived graph, the same session options. */
export function isHintedModel(hint: WorkerData, model: Partial<WorkerData> | undefined): boolean {
  return model?.modelPath === hint.modelPath && model.modelBytes === undefined && JSON.stringify(model.sessionOptions ?? {}) === JSON.stringify(hint.sessionOptions);
}
