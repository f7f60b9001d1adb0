import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';

const EXAMPLE = 'examples/scenarios/example.json';
const dir = mkdtempSync(join(tmpdir(), 'mr-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('memory-ratchet replay (built CLI, child processes)', () => {
  it('prints rankings and metrics of the example on a private redis-server', async () => {
    const run = await runBuiltCli(['replay', EXAMPLE]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('scenario example (redis: server)');
    expect(run.stdout).toContain('rejected by the write filter: m3');
    expect(run.stdout).toMatch(/1\. m1 {2}1\.040748732\n\s+2\. m2 {2}0\.8182969406/);
    expect(run.stdout).toContain('nDCG@5 0.8597');
  });

  it('gives byte-identical --json across runs and processes, with overrides applied', async () => {
    const args = [
      'replay',
      EXAMPLE,
      '--json',
      '--set',
      'decay_rate=0.5',
      '--set',
      'ACTED_CONFIDENCE_SIGNAL=0.7',
    ];
    const runs = await Promise.all([runBuiltCli(args), runBuiltCli(args), runBuiltCli(args)]);
    for (const run of runs) expect(run.code).toBe(0);
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    const json = JSON.parse(runs[0]!.stdout);
    expect(Object.keys(json)).toEqual(['name', 'redis', 'constants', 'filtered', 'queries']);
    expect(json.redis).toBe('server');
    expect(json.constants.DECAY_RATE).toBe(0.5);
    expect(json.constants.ACTED_CONFIDENCE_SIGNAL).toBe(0.7);
    expect(json.filtered).toEqual(['m3']);
    expect(Object.keys(json.queries[0])).toEqual(['label', 'at', 'ranking', 'metrics']);
    expect(Object.keys(json.queries[0].metrics)).toEqual(['ndcg@5', 'ndcg@10', 'p@5', 'p@10', 'mrr']);
  });

  it('announces the embedded emulator on stderr and in the result', async () => {
    const run = await runBuiltCli(['replay', EXAMPLE, '--json', '--embedded']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/using the embedded in-process emulator/);
    expect(JSON.parse(run.stdout).redis).toBe('embedded');
    const real = await runBuiltCli(['replay', EXAMPLE, '--json']);
    expect(JSON.parse(run.stdout).queries).toEqual(JSON.parse(real.stdout).queries);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'invalid JSON',
      ['replay', file('bad.json', '{\n "name": "x",\n "clock": 1\n "steps": []}')],
      /bad\.json:4:2: invalid JSON \(CommaExpected\)/,
    ],
    [
      'an unknown op',
      ['replay', file('op.json', '{"name":"x","clock":0,"steps":[{"op":"forget","id":"a"}]}')],
      /op\.json:1:38: steps\[0\]\.op: unknown op; use one of save, advance/,
    ],
    [
      'a missing id',
      ['replay', file('id.json', '{"name":"x","clock":0,"steps":[{"op":"touch","id":"a"}]}')],
      /steps\[0\]\.id: unknown id 'a': no earlier "save" step declares it/,
    ],
    [
      'an out-of-range number',
      ['replay', file('range.json', '{"name":"x","clock":0,"steps":[{"op":"advance","seconds":-1}]}')],
      /steps\[0\]\.seconds: out of range: must be >= 0/,
    ],
    [
      'an unknown constant',
      ['replay', EXAMPLE, '--set', 'DECAY_RAT=0.2'],
      /unknown constant 'DECAY_RAT'\. Did you mean 'DECAY_RATE'/,
    ],
    [
      'a value outside the valid range',
      ['replay', EXAMPLE, '--set', 'WF_MIN_THRESHOLD=1'],
      /WF_MIN_THRESHOLD = 1 is outside its valid range \[0, 1\)/,
    ],
    [
      'a missing file',
      ['replay', 'nope.json'],
      /cannot read scenario script 'nope\.json': no such file; check the path/,
    ],
    [
      'an unreachable Redis URL',
      ['replay', EXAMPLE, '--redis-url', 'redis://127.0.0.1:1'],
      /cannot use Redis at redis:\/\/127\.0\.0\.1:1: nothing listens there .*--redis-url \/ REDIS_URL/,
    ],
    ['an unknown option', ['replay', EXAMPLE, '--frobnicate'], /unknown option '--frobnicate'/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 naming the place and the fix for ${what}`, async () => {
      const run = await runBuiltCli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    });
  }

  it('takes the Redis URL from REDIS_URL', async () => {
    const run = await runBuiltCli(['replay', EXAMPLE], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot use Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
