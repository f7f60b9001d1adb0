import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  readonly uses?: string;
  readonly run?: string;
}

const workflow = (name: string) =>
  parse(readFileSync(`examples/workflows/${name}`, 'utf8')) as { jobs: Record<string, { steps: Step[] }> };

describe('the fork example', () => {
  it('never checks out or runs the fork, and lets the action write every word from the artifact’s numbers', () => {
    const steps = Object.values(workflow('memory-ratchet-fork-comment.yml').jobs).flatMap((job) => job.steps);
    expect(steps.some((step) => step.uses?.startsWith('actions/checkout'))).toBe(false);
    // No shell step reads the artifact: the action in post mode is the only consumer.
    expect(steps.filter((step) => step.run !== undefined)).toEqual([]);
    const action = steps.find((step) => step.uses?.startsWith('memory-ratchet/')) as Step & {
      with: Record<string, string>;
    };
    expect(action.with).toMatchObject({ mode: 'post', points: 'artifact' });
    const fork = Object.values(workflow('memory-ratchet-fork.yml').jobs).flatMap((job) => job.steps);
    const evaluate = fork.find((step) => step.uses?.startsWith('memory-ratchet/')) as Step & {
      with: Record<string, string>;
    };
    expect(evaluate.with.shard).toBe('1/1');
  });
});

describe('the workflows', () => {
  const read = (path: string) =>
    parse(readFileSync(path, 'utf8')) as {
      jobs: Record<
        string,
        { services?: Record<string, { image: string }>; strategy?: { matrix: { node: number[] } } }
      >;
    };
  it('test the project on Node 20 and 24', () => {
    expect(read('.github/workflows/ci.yml').jobs.test!.strategy!.matrix.node).toEqual([20, 24]);
  });
  it('give the action a Redis service container in the examples', () => {
    for (const name of ['memory-ratchet.yml', 'memory-ratchet-fork.yml']) {
      const jobs = Object.values(read(`examples/workflows/${name}`).jobs);
      expect(jobs.some((job) => job.services?.redis?.image.startsWith('redis:'))).toBe(true);
    }
  });
});

describe('the release workflow', () => {
  it('tags vX.Y.Z from the checked version and moves the major tag vX after the tests and the dist check', () => {
    const release = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
      jobs: { release: { steps: Step[] } };
    };
    const runs = release.jobs.release.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toMatch(/npm test/);
    expect(runs).toMatch(/npm run check-dist/);
    expect(runs).toMatch(/git tag -a "v\$VERSION"/);
    expect(runs).toMatch(/git tag -fa "\$major"/);
    expect(runs).toMatch(/major="v\$\{VERSION%%\.\*\}"/);
    expect(runs.indexOf('npm test')).toBeLessThan(runs.indexOf('git tag'));
  });
});
