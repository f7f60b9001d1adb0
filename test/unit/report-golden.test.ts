/**
 * The terminal summary and the markdown of one real run (the example constants with DECAY_RATE 0.1 → 0.6
 * against the committed 0.1, Tiers 1–3, 30 seeds), compared with reviewed renderings in test/fixtures/golden/.
 * The report's JSON lost its infinite bounds (JSON has none): they are restored before rendering.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ratchetMarkdown } from '../../src/report/ratchet-markdown.js';
import type { RatchetReport } from '../../src/report/ratchet-report.js';
import { ratchetText } from '../../src/report/ratchet-text.js';

const golden = (name: string) => readFileSync(`test/fixtures/golden/${name}`, 'utf8');
const report = JSON.parse(golden('ratchet-report.json')) as RatchetReport;
for (const d of report.decisions) {
  const bounds = d.validationInterval as unknown as (number | null)[] | null;
  if (bounds && bounds[0] === null)
    (d as { validationInterval: unknown }).validationInterval = [-Infinity, Infinity];
}

describe('renderings of a real run', () => {
  it('prints the terminal summary', () => {
    expect(ratchetText(report)).toBe(golden('ratchet.txt'));
  });
  it('writes the full markdown (job summary, check)', () => {
    expect(ratchetMarkdown(report, { header: '## memory-ratchet' })).toBe(golden('ratchet.md'));
  });
  it('writes the compact markdown (the comment)', () => {
    expect(
      ratchetMarkdown(report, {
        header: '## memory-ratchet',
        detail: 'compact',
        fullReportUrl: 'https://github.com/o/r/actions/runs/7',
      }),
    ).toBe(golden('ratchet-compact.md'));
  });
});
