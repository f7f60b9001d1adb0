import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-constants-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('memory-ratchet constants', () => {
  it('prints name, value, line and tunability of the bundled example', async () => {
    const run = await runBuiltCli(['constants', '--file', 'examples/popoto/constants.py']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^examples\/popoto\/constants\.py \(python, class Defaults\): 35 constants\n/);
    expect(run.stdout).toMatch(/ {2}DECAY_RATE +0\.1 +24 {2}tunable\n/);
    expect(run.stdout).toMatch(/ {2}EXTRACTION_MODEL +"small" +\d+ {2}not tunable: a string\n/);
    expect(run.stdout).toContain('not modelled (unknown to the registry): LIFECYCLE_ARCHIVE_AFTER_DAYS');
  });

  it('prints the documented JSON', async () => {
    const run = await runBuiltCli(['constants', '--file', 'examples/popoto/constants.py', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['file', 'class', 'constants', 'warnings']);
    expect(json.class).toBe('Defaults');
    expect(json.constants[0]).toEqual({ name: 'DECAY_RATE', value: 0.1, line: 24, tunable: true });
    expect(json.constants.find((c: { name: string }) => c.name === 'EXTRACTION_MODEL')).toEqual({
      name: 'EXTRACTION_MODEL',
      value: 'small',
      line: 76,
      tunable: false,
      reason: 'a string: not tunable',
    });
  });

  it('reads another class, and JSON and YAML files', async () => {
    const other = await runBuiltCli([
      'constants',
      '--file',
      'examples/popoto/constants.py',
      '--class',
      'InteractionWeight',
    ]);
    expect(other.stdout).toContain('3 constants');
    const json = await runBuiltCli(['constants', '--json', '--file', file('c.json', '{"DECAY_RATE": 0.3}')]);
    expect(JSON.parse(json.stdout).constants).toEqual([
      { name: 'DECAY_RATE', value: 0.3, line: 1, tunable: true },
    ]);
    const yaml = await runBuiltCli(['constants', '--json', '--file', file('c.yaml', 'TD_ALPHA: 0.2\n')]);
    expect(JSON.parse(yaml.stdout).constants).toEqual([
      { name: 'TD_ALPHA', value: 0.2, line: 1, tunable: true },
    ]);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'a missing class',
      ['--file', 'examples/popoto/constants.py', '--class', 'Nope'],
      /constants\.py:1:1: no class Nope at module level \(classes found: TemporalPeriod, InteractionWeight, Defaults\); pass --class NAME/,
    ],
    [
      'a syntax error',
      ['--file', file('broken.py', 'class Defaults:\n    DECAY_RATE = (\n')],
      /broken\.py:\d+:\d+: syntax error in class Defaults/,
    ],
    [
      'an out-of-range value',
      ['--file', file('range.py', 'class Defaults:\n    DECAY_RATE = 2.5\n')],
      /range\.py:2: DECAY_RATE = 2\.5 is outside its valid range \(0, 2\]; fix the value in the file/,
    ],
    [
      'a wrong type',
      ['--file', file('type.py', 'class Defaults:\n    DECAY_RATE = True\n')],
      /type\.py:2: DECAY_RATE takes a number, not true/,
    ],
    ['a missing file', ['--file', 'nope.py'], /cannot read constants file 'nope\.py': no such file/],
    [
      'an unknown file type',
      ['--file', file('c.toml', 'x = 1')],
      /unknown constants file type; use a \.py, \.json, \.yaml or \.yml file/,
    ],
    ['a missing --file', [], /required option '--file <file>' not specified/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with a clear message for ${what}`, async () => {
      const run = await runBuiltCli(['constants', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  }
});
