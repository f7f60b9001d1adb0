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
  it('never checks out or runs the fork, and posts no text taken from its artifact', () => {
    const steps = Object.values(workflow('memory-ratchet-fork-comment.yml').jobs).flatMap((job) => job.steps);
    expect(steps.some((step) => step.uses?.startsWith('actions/checkout'))).toBe(false);
    const script = steps.map((step) => step.run ?? '').join('\n');
    // Every value read from the artifact is a count, and each is checked to be a number before use.
    const reads = [...script.matchAll(/jq -r '([^']*)' report\//g)].map((m) => m[1]!);
    expect(reads.length).toBeGreaterThan(0);
    for (const expression of reads) expect(expression.trim().endsWith('| length')).toBe(true);
    expect(script).toMatch(
      /\[\[ "\$pr" =~ \^\[0-9\]\+\$ && "\$accepted" =~ \^\[0-9\]\+\$ && "\$regressions" =~ \^\[0-9\]\+\$ \]\] \|\| exit 1/,
    );
    expect(script).not.toMatch(/jq -r '\.verdict'|\.reason|report\.md/);
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
