// Benchmark: parsing a 2,000-line popoto-style constants file (run `npm run build` first).
// Prints the cold first parse and the median and p95 of warm parses, in milliseconds.
import { performance } from 'node:perf_hooks';
import { parseConstantsFile } from '../lib/src/constants/parse-file.js';

function constantsFile(lines) {
  const out = ['"""Generated constants module."""', 'import os', '', 'class Other:', '    X = 1', '', 'class Defaults:'];
  out.push('    """Central registry of tunable behavioural constants."""');
  let i = 0;
  while (out.length < lines - 1) {
    if (i % 10 === 0) out.push('', `    # -- section ${i / 10} ${'-'.repeat(60)}`);
    else if (i % 7 === 0) out.push(`    CONSTANT_${i} = (`, `        ${(i % 13) / 10}  # empirically inert (variance=0.0)`, '    )');
    else if (i % 5 === 0) out.push(`    CONSTANT_${i} = ${i % 2 === 0 ? 'True' : 'False'}`);
    else out.push(`    CONSTANT_${i} = ${i}.${i % 97}e-3  # best from sweep 2026-04-20`);
    i++;
  }
  out.push('');
  return out.slice(0, lines).join('\n');
}

const source = constantsFile(2000);
const lineCount = source.split('\n').length;
let start = performance.now();
const first = parseConstantsFile(source, 'constants.py');
const cold = performance.now() - start;
const times = [];
for (let run = 0; run < 50; run++) {
  start = performance.now();
  parseConstantsFile(source, 'constants.py');
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p95 = times[Math.floor(times.length * 0.95)];
console.log(
  `constants parse: ${lineCount} lines, ${first.constants.length} constants, ${source.length} bytes; ` +
    `cold ${cold.toFixed(1)} ms, warm median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`,
);
