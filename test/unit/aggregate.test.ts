import { describe, expect, it } from 'vitest';
import type { RankingMetrics } from '../../src/metrics/ranking.js';
import { aggregatePair, aggregateSweep, pickBest } from '../../src/sweep/aggregate.js';
import type { PairPoint, SweepPoint } from '../../src/sweep/runner.js';

const metrics = (ndcg: number): RankingMetrics => ({
  'ndcg@5': ndcg,
  'ndcg@10': ndcg,
  'p@5': 0,
  'p@10': 0,
  mrr: 0,
});

function point(
  value: number,
  scenario: string,
  ndcg: number | 'error' | 'degenerate',
  hash = `h${ndcg}`,
): SweepPoint {
  const base = { constant: 'X', value, scenario, calibrationError: null, durationMs: 1 };
  if (ndcg === 'error') return { ...base, status: 'error', reason: 'boom', metrics: null, rankingHash: null };
  if (ndcg === 'degenerate') {
    return {
      ...base,
      status: 'skipped-degenerate',
      reason: 'out of range',
      metrics: null,
      rankingHash: null,
      degenerateValue: true,
    };
  }
  return { ...base, status: 'ok', metrics: metrics(ndcg), rankingHash: hash };
}

/** curve[v] = per-scenario scores for value v. */
function sweep(curve: Record<number, (number | 'error' | 'degenerate')[]>): SweepPoint[] {
  return Object.entries(curve).flatMap(([value, scores]) =>
    scores.map((s, i) => point(Number(value), `s${i}`, s)),
  );
}

describe('ResultsAggregator: single sweeps', () => {
  it('gives the mean curve with intervals, the best value, the range and the paired best-vs-worst delta', () => {
    const summary = aggregateSweep(
      'X',
      0.2,
      sweep({ 0.1: [0.5, 0.6, 0.7, 0.6], 0.2: [0.6, 0.7, 0.8, 0.7], 0.3: [0.4, 0.5, 0.6, 0.5] }),
    );
    expect(summary.values.map((v) => [v.value, v.mean])).toEqual([
      [0.1, 0.6],
      [0.2, 0.7],
      [0.3, 0.5],
    ]);
    const v = summary.values[1]!;
    expect(v.interval![0]).toBeLessThanOrEqual(0.7);
    expect(v.interval![1]).toBeGreaterThanOrEqual(0.7);
    expect(summary.best).toEqual({ value: 0.2, mean: 0.7 });
    expect(summary.worst).toEqual({ value: 0.3, mean: 0.5 });
    expect(summary.range!.value).toBeCloseTo(0.2, 12);
    // every scenario moves by exactly +0.2: the paired interval is a point
    expect(summary.bestVsWorst!.delta).toBeCloseTo(0.2, 12);
    expect(summary.bestVsWorst!.interval[0]).toBeCloseTo(0.2, 12);
    expect(summary.bestVsWorst!.excludesZero).toBe(true);
    expect(summary.effect).toBe('changes-metric');
    expect(summary.edgeOfGrid).toBe(false);
  });

  it('breaks ties towards the current value, then the value nearest it', () => {
    const tied = sweep({ 0.1: [0.8, 0.8], 0.3: [0.8, 0.8], 0.5: [0.8, 0.8], 0.9: [0.2, 0.2] });
    expect(aggregateSweep('X', 0.3, tied).best!.value).toBe(0.3);
    expect(aggregateSweep('X', 0.4, tied).best!.value).toBe(0.3); // 0.3 and 0.5 are both 0.1 away: the smaller
    expect(aggregateSweep('X', 0.45, tied).best!.value).toBe(0.5);
    expect(
      pickBest(
        [
          { value: 1, mean: 0.5 },
          { value: 2, mean: 0.5 + 1e-13 },
        ],
        1,
      ),
    ).toEqual({ value: 1, mean: 0.5 });
  });

  it('detects cliffs both ways, with direction and location', () => {
    const summary = aggregateSweep('X', 0.2, sweep({ 0.1: [0.3], 0.2: [0.7], 0.3: [0.68], 0.4: [0.2] }), {
      cliffThreshold: 0.1,
    });
    expect(summary.cliffs).toEqual([
      { from: 0.1, to: 0.2, delta: expect.closeTo(0.4, 12), direction: 'rise' },
      { from: 0.3, to: 0.4, delta: expect.closeTo(-0.48, 12), direction: 'drop' },
    ]);
  });

  it('tells a flat curve that never changes a ranking from one that changes rankings but not the metric', () => {
    const never = aggregateSweep('X', 0.1, sweep({ 0.1: [0.5, 0.5], 0.2: [0.5, 0.5] }));
    expect(never.effect).toBe('never-changes-a-ranking');
    expect(never.range!.value).toBe(0);
    expect(never.best!.value).toBe(0.1);
    expect(never.edgeOfGrid).toBe(false);
    const points = sweep({ 0.1: [0.5, 0.5], 0.2: [0.5, 0.5] }).map((p, i) =>
      i === 3 ? { ...p, rankingHash: 'other' } : p,
    );
    expect(aggregateSweep('X', 0.1, points).effect).toBe('changes-rankings-not-metric');
  });

  it('counts errors and keeps every comparison on the same scenario set', () => {
    // s1 fails at 0.2: it is left out of every value's mean, so all values compare s0 and s2 only
    const summary = aggregateSweep('X', 0.1, sweep({ 0.1: [0.5, 1.0, 0.7], 0.2: [0.6, 'error', 0.8] }));
    expect(summary.errors).toBe(1);
    expect(summary.scenarios).toEqual({ common: ['s0', 's2'], degenerate: [], excluded: ['s1'] });
    expect(summary.values.map((v) => [v.value, v.mean, v.ok, v.errors])).toEqual([
      [0.1, 0.6, 3, 0],
      [0.2, 0.7, 2, 1],
    ]);
    expect(summary.best!.value).toBe(0.2);
  });

  it('reports degenerate values and does not count them in the curve', () => {
    const summary = aggregateSweep(
      'X',
      0.1,
      sweep({ 0: ['degenerate', 'degenerate'], 0.1: [0.4, 0.5], 0.2: [0.6, 0.7] }),
    );
    expect(summary.degenerateValues).toEqual([0]);
    expect(summary.values[0]).toMatchObject({ value: 0, degenerate: true, mean: null, skipped: 2 });
    expect(summary.best!.value).toBe(0.2);
    expect(summary.edgeOfGrid).toBe(true);
    expect(summary.skipped).toBe(2);
  });

  it('is deterministic: the same points give the same intervals', () => {
    const points = sweep({ 0.1: [0.1, 0.5, 0.9, 0.3], 0.2: [0.2, 0.4, 0.8, 0.6] });
    expect(aggregateSweep('X', 0.1, points)).toEqual(aggregateSweep('X', 0.1, points));
  });
});

describe('ResultsAggregator: where a constant acts (per ranking)', () => {
  // Three scenarios; the scenario mean is the mean of its rankings. "facts" moves with the value, "topic"
  // does not, and s2 asks no facts at all.
  const rankings: Record<number, Record<string, number>[]> = {
    0.1: [{ facts: 0.2, topic: 0.6 }, { facts: 0.4, topic: 0.5 }, { topic: 0.7 }],
    0.5: [{ facts: 0.8, topic: 0.6 }, { facts: 0.6, topic: 0.5 }, { topic: 0.7 }],
    0.9: [{ facts: 0.5, topic: 0.6 }, { facts: 0.5, topic: 0.5 }, { topic: 0.7 }],
  };
  const points = Object.entries(rankings).flatMap(([value, perScenario]) =>
    perScenario.map((byRanking, s) => {
      const scores = Object.values(byRanking);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      return { ...point(Number(value), `s${s}`, mean), rankings: byRanking };
    }),
  );

  it('gives each ranking its own best, worst, range and paired interval over the scenarios that ask it', () => {
    const summary = aggregateSweep('X', 0.5, points);
    expect(summary.byRanking!.map((r) => r.ranking)).toEqual(['facts', 'topic']);
    const [facts, topic] = summary.byRanking!;
    // facts means: 0.1 → 0.3, 0.5 → 0.7, 0.9 → 0.5 over s0 and s1 only
    expect(facts!.scenarios).toBe(2);
    expect(facts!.best).toEqual({ value: 0.5, mean: 0.7 });
    expect(facts!.worst.value).toBe(0.1);
    expect(facts!.worst.mean).toBeCloseTo(0.3, 12);
    expect(facts!.range).toBeCloseTo(0.4, 12);
    // Two paired deltas (0.6 and 0.2) bound nothing at 95 % over two rankings: four sign patterns in all.
    expect(facts!.interval).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(topic).toMatchObject({ scenarios: 3, range: 0, best: { value: 0.5, mean: 0.6 } });
    expect(topic!.interval[0]).toBeLessThanOrEqual(0);
    expect(topic!.interval[1]).toBeGreaterThanOrEqual(0);
    // The scenario mean moves less than the ranking the constant acts on (the others dilute it).
    expect(summary.range!.value).toBeLessThan(facts!.range);
  });

  it('has no per-ranking view for another metric (points record each ranking’s nDCG@5), without rankings, or with one per scenario', () => {
    expect(aggregateSweep('X', 0.5, points, { metric: 'mrr' }).byRanking).toEqual([]);
    expect(aggregateSweep('X', 0.5, sweep({ 0.1: [0.5, 0.6], 0.2: [0.6, 0.7] })).byRanking).toEqual([]);
    // Scenarios of one query each (hand-crafted ones): each would be a "ranking" of its own, saying nothing.
    const single = points.map((p) => ({ ...p, rankings: { [`only-${p.scenario}`]: p.metrics!['ndcg@5'] } }));
    expect(aggregateSweep('X', 0.5, single).byRanking).toEqual([]);
  });
});

describe('ResultsAggregator: pairs', () => {
  it('builds the mean grid, the best cell and an interaction of 0 for additive effects', () => {
    const points: PairPoint[] = [];
    for (const a of [1, 2]) {
      for (const b of [10, 20]) {
        for (const s of ['s0', 's1']) {
          points.push({
            constantA: 'A',
            valueA: a,
            constantB: 'B',
            valueB: b,
            scenario: s,
            status: 'ok',
            metrics: metrics(0.1 * a + 0.01 * b + (s === 's1' ? 0.05 : 0)),
            calibrationError: null,
            rankingHash: 'h',
            durationMs: 1,
          });
        }
      }
    }
    const summary = aggregatePair(points);
    expect(summary.valuesA).toEqual([1, 2]);
    expect(summary.valuesB).toEqual([10, 20]);
    expect(summary.means[1]![1]).toBeCloseTo(0.2 + 0.2 + 0.025, 12);
    expect(summary.best).toMatchObject({ valueA: 2, valueB: 20 });
    expect(summary.interaction).toBeCloseTo(0, 12);
  });
});
