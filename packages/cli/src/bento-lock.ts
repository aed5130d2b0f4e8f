import { execFile } from 'node:child_process';

/** How long `npm install --package-lock-only` may take before the build goes on without a lockfile. */
const kLockTimeoutMs = 120_000;

/**
 * Writes `package-lock.json` next to the bento's `package.json` (resolving from the npm registry,
 * running no install scripts), so `npm ci` in the image installs the same transitive versions every
 * time. Resolves to why it failed, or undefined when the lockfile was written.
 */
export function writeLockfile(dir: string, npm = 'npm'): Promise<string | undefined> {
  // --prefer-offline: registry metadata already in npm's cache is used without revalidation
  // (about 3 s instead of 10+); the direct dependencies are pinned exactly either way.
  const args = ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  // NODE_OPTIONS from a test runner or a debugger must not leak into npm.
  const env = { ...process.env, NODE_OPTIONS: '', ONNXRUNTIME_NODE_INSTALL: 'skip' };
  return new Promise((resolve) => {
    execFile(npm, args, { cwd: dir, env, timeout: kLockTimeoutMs, maxBuffer: 8 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const detail =
        stderr
          .split('\n')
          .find((l) => /\bERR!/.test(l))
          ?.replace(/^npm (error|ERR!)\s*/, '') ?? err.message.split('\n')[0];
      resolve(err.killed ? `npm took longer than ${kLockTimeoutMs / 1000} s` : detail);
    });
  });
}
