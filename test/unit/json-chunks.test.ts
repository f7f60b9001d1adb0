import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/util/json-chunks.js';
import { writeJsonFile } from '../../src/util/json-file.js';

const joined = (value: unknown, indent: number, depth?: number) =>
  [...jsonChunks(value, { indent, ...(depth !== undefined ? { depth } : {}) })].join('');

describe('jsonChunks: JSON.stringify’s text in pieces', () => {
  const report = JSON.parse(readFileSync('test/fixtures/golden/ratchet-report.json', 'utf8')) as unknown;

  it('gives exactly JSON.stringify’s text for a real report, indented and compact, at every depth', () => {
    for (const indent of [0, 2, 4])
      for (const depth of [0, 1, 3, 4, 10])
        expect(joined(report, indent, depth)).toBe(JSON.stringify(report, null, indent));
  });

  it('follows JSON.stringify’s rules: toJSON, getters, omitted members, null in arrays, empty containers', () => {
    const lazy = Object.defineProperty({ a: 1 }, 'interval', { get: () => [0.1, 0.2], enumerable: true });
    const value = {
      date: new Date(0),
      lazy,
      skipped: undefined,
      fn: () => 1,
      list: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, -0, 'a\nb "q" \u2028'],
      empty: { array: [], object: {} },
      nested: [[[{ deep: [1, { deeper: true }] }]]],
    };
    for (const indent of [0, 2]) expect(joined(value, indent)).toBe(JSON.stringify(value, null, indent));
    expect(joined(undefined, 2)).toBe('null');
  });

  it('matches JSON.stringify on any JSON value', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 5 }),
        (v, indent, depth) => {
          expect(joined(v, indent, depth)).toBe(JSON.stringify(v, null, indent));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts a large array into one piece per element (no piece holds the whole text)', () => {
    const points = Array.from({ length: 2000 }, (_, i) => ({
      scenario: `seed-${i}`,
      metrics: { 'ndcg@5': i / 2000 },
    }));
    const pieces = [...jsonChunks({ points }, { indent: 2 })];
    const whole = JSON.stringify({ points }, null, 2);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(whole.length / 100);
  });

  it('writes the file JSON.stringify would, with a final newline', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'json-file-')), 'report.json');
    await writeJsonFile(path, report);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    await writeJsonFile(path, report, 0);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(report)}\n`);
  });
});
