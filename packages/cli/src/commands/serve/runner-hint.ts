import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServeTarget } from '../../serve-target';

/** Where the runner records, for the next start of `target`, the model its warm workers should load early. */
export function runnerHintFile(home: string, target: ServeTarget): string {
  const served = target.repository ?? target.bentoDir ?? target.models ?? `${target.file}:${target.exportName}`;
  const key = createHash('sha256').update(JSON.stringify(served)).digest('hex').slice(0, 16);
  return path.join(home, 'cache', 'runner-hints', `${key}.json`);
}

/**
 * A bento's first start (and so every start of a new container) has no hint yet. A bento of one
 * model will load that one: its file in the bento's store, with the runner's default session
 * options (a hint without them). A failure to write only loses the hint.
 */
export function seedBentoHint(file: string, bentoDir: string): void {
  if (existsSync(file)) return;
  try {
    const models = path.join(path.resolve(bentoDir), 'models');
    const only = (dir: string): string | undefined => {
      const dirs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
      return dirs.length === 1 ? path.join(dir, dirs[0]!.name) : undefined;
    };
    const name = only(models);
    const version = name && only(name);
    if (!version) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ modelPath: path.join(version, 'model.onnx') }));
  } catch {
    // No hint: the workers load the model when the runner asks, as without one.
  }
}
