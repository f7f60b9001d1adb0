/**
 * Every Tier 1–3 constant the engine reads reaches a ranking of a generated scenario when it alone changes.
 * The oracle is the recorded reference run (test/fixtures/reference-points.json.gz: single-variant replays on
 * real Redis, which the factored-reference integration test reproduces bit for bit).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONSTANTS } from '../../src/constants/registry.js';

interface Point {
  readonly scenario: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly rankingHash: string | null;
}

describe('which Tier 1–3 constants reach a generated ranking', () => {
  it('every constant the engine reads changes some generated scenario’s ranking on its own', () => {
    const { points } = JSON.parse(
      gunzipSync(readFileSync(new URL('../fixtures/reference-points.json.gz', import.meta.url))).toString(
        'utf8',
      ),
    ) as { points: Point[] };
    const generated = points.filter((p) => p.scenario.startsWith('seed-'));
    const baseline = new Map(
      generated.filter((p) => Object.keys(p.overrides).length === 0).map((p) => [p.scenario, p.rankingHash]),
    );
    const tiered = CONSTANTS.filter((c) => c.tier === 1 || c.tier === 2 || c.tier === 3);
    const reach = Object.fromEntries(
      tiered
        .filter((c) => c.engine.status === 'read')
        .map((c) => {
          const alone = generated.filter(
            (p) => Object.keys(p.overrides).length === 1 && c.name in p.overrides,
          );
          return [c.name, alone.some((p) => p.rankingHash !== baseline.get(p.scenario))];
        }),
    );
    expect(Object.keys(reach)).toHaveLength(25);
    expect(Object.entries(reach).filter(([, reached]) => !reached)).toEqual([]);
    // The one left is never read by popoto (temporal discovery uses a fixed critical value).
    expect(
      tiered.filter((c) => c.engine.status !== 'read').map((c) => `${c.name}: ${c.engine.status}`),
    ).toEqual(['CHI_SQUARED_P_THRESHOLD: not-read']);
  });
});
