import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { kRoot } from './workspace';

// The workflows cannot run here: these checks hold them to what the README and .ci/run rely on.
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  container?: string;
  if?: string;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function readWorkflow(file: string): Workflow {
  return parse(readFileSync(path.join(kRoot, '.github', 'workflows', file), 'utf8')) as Workflow;
}

const kPinned = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

describe('.github/workflows', () => {
  const ci = readWorkflow('ci.yml');
  const release = readWorkflow('release.yml');

  it('pin every action by a full commit SHA', () => {
    for (const workflow of [ci, release]) {
      for (const job of Object.values(workflow.jobs)) for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(kPinned);
    }
  });

  it('ci.yml runs .ci/run on Node 20, 22 and 24 for pushes to main and pull requests', () => {
    expect(ci.name).toBe('CI');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
    const [job, ...others] = Object.values(ci.jobs);
    expect(others).toEqual([]);
    expect(job!.strategy?.matrix?.node).toEqual([20, 22, 24]);
    expect(job!.container).toBe('node:${{ matrix.node }}-bookworm');
    expect(job!.steps.map((s) => s.uses?.split('@')[0] ?? s.run)).toEqual(['actions/checkout', '.ci/run']);
  });

  it('release.yml versions or publishes with changesets, with provenance by OIDC, after CI passed on main', () => {
    expect(release.on).toEqual({ workflow_run: { workflows: [ci.name], types: ['completed'], branches: ['main'] } });
    expect(release.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
    const job = release.jobs.release!;
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'");
    const uses = job.steps.map((s) => s.uses?.split('@')[0]).filter(Boolean);
    expect(uses).toEqual(['actions/checkout', 'actions/setup-node', 'changesets/action']);
    const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(setupNode.with).toMatchObject({ 'node-version': 24, 'registry-url': 'https://registry.npmjs.org' });
    const changesets = job.steps.find((s) => s.uses?.startsWith('changesets/action@'))!;
    expect(changesets.with).toMatchObject({ version: 'pnpm version-packages', publish: 'pnpm release' });
    expect(changesets.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true' });
    expect(changesets.env).not.toHaveProperty('NPM_TOKEN');
    const runs = job.steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(['pnpm install --frozen-lockfile', 'pnpm build']));
  });

  it('call scripts that exist in the root package.json and in .ci/run', () => {
    const scripts = (JSON.parse(readFileSync(path.join(kRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['version-packages']).toBe('changeset version');
    expect(scripts.release).toContain('changeset publish');
    expect(readFileSync(path.join(kRoot, '.ci', 'run'), 'utf8')).toContain('pnpm test');
  });
});
