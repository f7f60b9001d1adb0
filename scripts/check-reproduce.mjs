#!/usr/bin/env node
// Runs a report's Reproduce line from an empty directory and compares the decisions with the report's.
//
//   node scripts/check-reproduce.mjs --report report.json --constants FILE [--package SPEC]
//
// The line runs exactly as printed, except that --package may replace its npx package spec (for example
// `git+file:///path/to/checkout#COMMIT` for `github:OWNER/REPO#REF`: npm fetches, installs, builds and runs
// both the same way, and the local one needs no network access to GitHub). FILE is copied to the path the
// line names, the only input the line needs. Exits 1 when any decision differs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { report: { type: 'string' }, constants: { type: 'string' }, package: { type: 'string' } },
});
if (!values.report || !values.constants) {
  console.error('usage: check-reproduce.mjs --report report.json --constants FILE [--package SPEC]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(values.report, 'utf8'));
const words = report.run.command.split(' ');
if (words[0] !== 'npx') throw new Error(`not an npx line: ${report.run.command}`);
const specAt = words[1] === '--yes' ? 2 : 1;
if (values.package) words[specAt] = values.package;
const constantsPath = words[words.indexOf('--constants') + 1];

const empty = mkdtempSync(join(tmpdir(), 'mr-reproduce-'));
mkdirSync(join(empty, dirname(constantsPath)), { recursive: true });
copyFileSync(values.constants, join(empty, constantsPath));
console.log(`in ${empty}: ${words.join(' ')}`);
const started = Date.now();
const stdout = execFileSync(words[0], [...words.slice(1), '--json', 'reproduced.json'], {
  cwd: empty,
  encoding: 'utf8',
  env: { ...process.env, XDG_CACHE_HOME: join(empty, '.cache') },
  maxBuffer: 64 * 1024 * 1024,
});
process.stdout.write(stdout);
const again = JSON.parse(readFileSync(join(empty, 'reproduced.json'), 'utf8'));
const key = (d) => `${d.constant} ${d.action} ${d.proposed}`;
const want = report.decisions.map(key);
const got = again.decisions.map(key);
console.log(`\nreport:     ${want.join('; ')}\nreproduced: ${got.join('; ')}\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
if (JSON.stringify(want) !== JSON.stringify(got)) {
  console.error('check-reproduce: the decisions differ');
  process.exit(1);
}
console.log('check-reproduce: same decisions');
