export { spawnProcess, stopProcess, waitFor } from './process';
export type { SpawnedProcess, SpawnProcessOptions } from './process';
export { waitForServing, postJson } from './serve';
export type { WaitForServingOptions } from './serve';
export { createAppHarness } from './app';
export type { AppHarness } from './app';
export { startInProcess } from './in-process';
export type { InProcessService, ListeningService } from './in-process';
