import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, meanInterval } from '../../src/stats/bootstrap.js';
import { aggregateSweep } from '../../src/sweep/aggregate.js';
import type { SweepPoint } from '../../src/sweep/runner.js';
import { DeferredWork } from '../../src/util/deferred.js';

describe('DeferredWork', () => {
  it('computes each value once: on first read, or earlier when settled in order', () => {
    const work = new DeferredWork();
    const calls: string[] = [];
    const a = work.lazy(() => {
      calls.push('a');
      return 1;
    });
    const b = work.lazy(() => {
      calls.push('b');
      return 2;
    });
    const c = work.lazy(() => {
      calls.push('c');
      return 3;
    });
    expect(b()).toBe(2);
    expect(work.settleOne()).toBe(true); // a
    expect(work.settleOne()).toBe(true); // c: b was read already
    expect(work.settleOne()).toBe(false);
    expect([a(), b(), c(), a()]).toEqual([1, 2, 3, 1]);
    expect(calls).toEqual(['b', 'a', 'c']);
  });
});

describe('aggregateSweep with deferred intervals', () => {
  const point = (value: number, scenario: string, ndcg: number): SweepPoint => ({
    constant: 'X',
    value,
    scenario,
    status: 'ok',
    metrics: { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 },
    rankingHash: `h${ndcg}`,
    calibrationError: null,
    durationMs: 1,
  });
  const points = [0.1, 0.2, 0.4].flatMap((value, v) =>
    Array.from({ length: 12 }, (_, s) => point(value, `s${s}`, 0.5 + 0.1 * v + 0.013 * ((s * 7) % 5))),
  );

  it('gives the same summary, key for key and number for number, as computing everything at once', () => {
    const eager = aggregateSweep('X', 0.2, points);
    const work = new DeferredWork();
    const lazy = aggregateSweep('X', 0.2, points, { deferred: work });
    // Half settled by idle time, half read by the report: the result does not depend on which.
    work.settleOne();
    work.settleOne();
    expect(JSON.stringify(lazy)).toBe(JSON.stringify(eager));
    expect(work.settleOne()).toBe(false);
  });

  it('leaves the decision interval (best vs worst) computed at once', () => {
    const work = new DeferredWork();
    const lazy = aggregateSweep('X', 0.2, points, { deferred: work });
    let pending = 0;
    while (work.settleOne()) pending++;
    // The curve's intervals (each value's mean and the range, one set of resamples) waited; best vs worst
    // did not.
    expect(pending).toBe(1);
    expect(lazy.bestVsWorst!.excludesZero).toBe(true);
  });

  it('defers the per-ranking intervals too, with the same numbers as computing them at once', () => {
    const withRankings = points.map((p) => ({
      ...p,
      rankings: { facts: p.metrics!['ndcg@5'] * 2 - 0.5, topic: 0.4 },
    }));
    const work = new DeferredWork();
    const lazy = aggregateSweep('X', 0.2, withRankings, { deferred: work });
    let pending = 0;
    while (work.settleOne()) pending++;
    expect(pending).toBe(2);
    expect(JSON.stringify(lazy.byRanking)).toBe(
      JSON.stringify(aggregateSweep('X', 0.2, withRankings).byRanking),
    );
  });
});

describe('bootstrapIntervals', () => {
  const values = Array.from({ length: 25 }, (_, i) => ((i * 37) % 11) / 10);
  it('gives, for one statistic, the interval bootstrapInterval gives with the same seed (the same resamples)', () => {
    const [shared] = bootstrapIntervals(
      values.length,
      1,
      (indices, out) => {
        out[0] = resampledMeanOf(values, indices);
      },
      { seed: 's' },
    );
    expect(shared).toEqual(meanInterval(values, { seed: 's' }));
  });

  it('draws once for all statistics: a shifted copy gets the shifted interval', () => {
    const [a, b] = bootstrapIntervals(
      values.length,
      2,
      (indices, out) => {
        out[0] = resampledMeanOf(values, indices);
        out[1] = resampledMeanOf(values, indices) + 1;
      },
      { seed: 't' },
    );
    expect(b![0]).toBeCloseTo(a![0] + 1, 12);
    expect(b![1]).toBeCloseTo(a![1] + 1, 12);
  });
});

function resampledMeanOf(values: readonly number[], indices: Uint32Array): number {
  let sum = 0;
  for (let i = 0; i < indices.length; i++) sum += values[indices[i]!]!;
  return sum / indices.length;
}
