#!/usr/bin/env node
// Reads Stryker's JSON report and prints the mutation score of each mutated module:
// (killed + timed out) / (killed + timed out + survived + no coverage). Exits 1 when any module is below
// the floor (default 85 %). Usage: node scripts/mutation-score.mjs [report.json] [--floor 85] [--markdown]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const floorAt = args.indexOf('--floor');
const floor = floorAt >= 0 ? Number(args[floorAt + 1]) : 85;
const markdown = args.includes('--markdown');
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--floor') ?? 'reports/mutation/mutation.json';

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`mutation-score: cannot read ${file} (${error.message}); run npm run test:mutation first`);
  process.exit(2);
}

const rows = Object.entries(report.files)
  .map(([path, { mutants }]) => {
    const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
    const killed = count('Killed', 'Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    const valid = killed + survived + noCoverage;
    return { path, killed, survived, noCoverage, score: valid === 0 ? 100 : (100 * killed) / valid };
  })
  .sort((a, b) => a.path.localeCompare(b.path));

const below = rows.filter((r) => r.score < floor);
if (markdown) {
  console.log('| Module | Killed | Survived | No coverage | Score |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| \`${r.path}\` | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${r.score.toFixed(1)} % |`);
} else {
  const width = Math.max(...rows.map((r) => r.path.length));
  for (const r of rows)
    console.log(
      `${r.path.padEnd(width)}  ${r.score.toFixed(1).padStart(5)} %  killed ${r.killed}, survived ${r.survived}, no coverage ${r.noCoverage}${r.score < floor ? '  < floor' : ''}`,
    );
}
if (below.length > 0) {
  console.error(`mutation-score: ${below.length} module(s) below ${floor} %: ${below.map((r) => r.path).join(', ')}`);
  process.exit(1);
}
console.log(`mutation-score: every module at ${floor} % or more`);
