import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-json-'));
const results = ['--results-dir', join(dir, 'results')];

// The ratchet's smallest useful run: one constant, one look.
const SMALL_RUN = ['--only', 'DECAY_RATE', '--seeds', '12', '--max-seeds', '12', '--confirm-seeds', '5'];

// Every command, cut to its smallest useful run.
const commands: Record<string, string[]> = {
  constants: ['constants', '--file', 'examples/popoto/constants.py'],
  seeds: ['seeds', '--n', '6'],
  scenario: ['scenario', '--seed', '3'],
  replay: ['replay', 'examples/scenarios/example.json'],
  sweep: ['sweep', '--only', 'DECAY_RATE', ...results],
  ratchet: ['ratchet', ...SMALL_RUN, ...results],
  calibrate: ['calibrate', ...SMALL_RUN, '--banks', '1', '--runs', '3'],
};

describe('--json [FILE] on every command', () => {
  for (const [name, args] of Object.entries(commands)) {
    it(`${name}: --json and --json - print JSON on stdout; --json FILE writes it and keeps the text`, async () => {
      const [bare, dash, file] = await Promise.all([
        runBuiltCli([...args, '--json']),
        runBuiltCli([...args, '--json', '-']),
        runBuiltCli([...args, '--json', join(dir, `${name}.json`)]),
      ]);
      for (const run of [bare, dash, file]) expect(run.code, run.stderr).toBe(0);
      const printed = JSON.parse(bare.stdout);
      expect(typeof printed).toBe('object');
      expect(Object.keys(JSON.parse(dash.stdout))).toEqual(Object.keys(printed));
      const written = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
      expect(Object.keys(written)).toEqual(Object.keys(printed));
      expect(() => JSON.parse(file.stdout)).toThrow();
      expect(file.stdout.length).toBeGreaterThan(0);
    }, 240_000);
  }
});

describe('results files', () => {
  it('go to the cache folder without --results-dir, never into the working directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mr-cwd-'));
    const cache = mkdtempSync(join(tmpdir(), 'mr-cache-own-'));
    const run = await runBuiltCli(
      [...commands.ratchet!.filter((a, i, all) => a !== '--results-dir' && all[i - 1] !== '--results-dir')],
      { XDG_CACHE_HOME: cache },
      cwd,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cache, 'memory-ratchet', 'results', 'ratchet_latest.json'))).toBe(true);
    expect(run.stderr).toContain(join(cache, 'memory-ratchet', 'results'));
  }, 60_000);
});

describe('help and usage errors', () => {
  for (const name of ['ratchet', 'merge', 'sweep', 'calibrate', 'replay', 'constants', 'seeds', 'scenario']) {
    it(`${name}: --help ends with examples; a bad option fails with the CLI's prefix and exit 2`, async () => {
      const [help, bad] = await Promise.all([
        runBuiltCli([name, '--help']),
        runBuiltCli([name, '--no-such-option']),
      ]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ memory-ratchet ${name} `));
      expect(bad.code).toBe(2);
      // A missing required option may be named first; either way the message carries the prefix.
      expect(bad.stderr).toMatch(
        /^memory-ratchet: error: (unknown option '--no-such-option'|required option)/,
      );
    });
  }
});
