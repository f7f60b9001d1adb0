import { describe, expect, it } from 'vitest';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import { changedConstants, prDelta } from '../../src/ratchet/pr-delta.js';
import type { RatchetEvaluator } from '../../src/ratchet/ratchet.js';
import type { PointScore } from '../../src/sweep/runner.js';

/**
 * Twelve paired deltas ±2^i·1e-4 with the negative signs at `negative`: the exact one-sided sign-flip p-value
 * of "mean ≤ 0" is (1 + Σ_{i negative} 2^i)/4096, so the two-sided p the PR delta uses is twice that.
 */
const exact = (negative: readonly number[], sign = 1) =>
  Array.from({ length: 12 }, (_, i) => sign * (negative.includes(i) ? -1 : 1) * 2 ** i * 1e-4);

const HEAD = withOverrides(defaultConstants(), {
  DECAY_RATE: 0.3,
  WF_MIN_THRESHOLD: 0.2,
  INITIAL_CONFIDENCE: 0.6,
});
const BASE = withOverrides(defaultConstants(), {
  DECAY_RATE: 0.1,
  WF_MIN_THRESHOLD: 0.1,
  INITIAL_CONFIDENCE: 0.5,
});

/** Head scores 0.5 + every changed constant's delta at that scenario; each base run removes one delta. */
function evaluator(deltas: Record<string, number[]>, status: PointScore['status'] = 'ok'): RatchetEvaluator {
  return {
    async run(overrides, slice) {
      return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
        const s = slice.from + i;
        let ndcg = 0.5;
        for (const [name, d] of Object.entries(deltas)) if (!(name in overrides)) ndcg += d[s]!;
        return {
          scenario: `v-${s}`,
          status,
          metrics: status === 'ok' ? { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 } : null,
          calibrationError: null,
          rankingHash: '',
          durationMs: 0,
        } as PointScore;
      });
    },
  };
}

const options = {
  threshold: 0,
  alpha: 0.05,
  seed: 'pr',
  slice: { role: 'validation', from: 0, to: 12 } as const,
};
const verdicts = async (deltas: Record<string, number[]>) =>
  Object.fromEntries(
    (await prDelta(evaluator(deltas), BASE, HEAD, options)).map((d) => [d.constant, d.verdict]),
  );

describe('the PR delta over several changed constants (exact p-values, Holm at α = 0.05)', () => {
  it('lists the constants whose values differ, in the head’s order', () => {
    expect(changedConstants(BASE, HEAD).sort()).toEqual([
      'DECAY_RATE',
      'INITIAL_CONFIDENCE',
      'WF_MIN_THRESHOLD',
    ]);
    expect(changedConstants(BASE, BASE)).toEqual([]);
    expect(changedConstants({ A: 1 }, { A: 1, B: 2 })).toEqual([]); // B has no base value
  });

  // two-sided p: 2·16/4096 = 0.0078 ≤ 0.05/3; 2·41/4096 = 0.020 ≤ 0.05/2; 2·82/4096 = 0.040 ≤ 0.05.
  it('steps down: all three significant, each judged in the direction of its effect', async () => {
    expect(
      await verdicts({
        DECAY_RATE: exact([0, 1, 2, 3]),
        WF_MIN_THRESHOLD: exact([3, 5], -1),
        INITIAL_CONFIDENCE: exact([0, 4, 6]),
      }),
    ).toEqual({ DECAY_RATE: 'improves', WF_MIN_THRESHOLD: 'regresses', INITIAL_CONFIDENCE: 'improves' });
  });

  // 2·61/4096 = 0.030 > 0.05/2 stops the procedure: the third (0.040 < 0.05) is not significant either.
  it('stops at the first p-value above its level', async () => {
    expect(
      await verdicts({
        DECAY_RATE: exact([0, 1, 2, 3]),
        WF_MIN_THRESHOLD: exact([2, 3, 4, 5]),
        INITIAL_CONFIDENCE: exact([0, 4, 6], -1),
      }),
    ).toEqual({
      DECAY_RATE: 'improves',
      WF_MIN_THRESHOLD: 'no measurable effect',
      INITIAL_CONFIDENCE: 'no measurable effect',
    });
  });

  it('reports the effect, its Holm-level interval and a reason in words', async () => {
    const [d] = await prDelta(
      evaluator({ DECAY_RATE: exact([0, 1, 2, 3], -1) }),
      withOverrides(HEAD, { WF_MIN_THRESHOLD: 0.2, INITIAL_CONFIDENCE: 0.6, DECAY_RATE: 0.1 }),
      HEAD,
      options,
    );
    const mean = exact([0, 1, 2, 3], -1).reduce((a, b) => a + b, 0) / 12;
    expect(d).toMatchObject({ constant: 'DECAY_RATE', base: 0.1, head: 0.3, verdict: 'regresses' });
    expect(d!.delta).toBeCloseTo(mean, 12);
    expect(d!.interval![1]).toBeLessThan(0);
    expect(d!.interval![0]).toBeLessThan(d!.interval![1]);
    expect(d!.reason).toBe(
      `${(mean).toFixed(3)} on 12 validation scenarios, a loss of more than 0 (sign-flip test, Holm)`,
    );
  });

  it('keeps a change within the threshold as no measurable effect, even when it is clear', async () => {
    const [d] = await prDelta(
      evaluator({ DECAY_RATE: Array(12).fill(0.005) }),
      withOverrides(HEAD, { DECAY_RATE: 0.1 }),
      HEAD,
      { ...options, threshold: 0.01 },
    );
    expect(d).toMatchObject({
      verdict: 'no measurable effect',
      reason: '+0.005 on 12 validation scenarios: within noise or within the threshold',
    });
    const [up] = await prDelta(
      evaluator({ DECAY_RATE: Array(12).fill(0.05) }),
      withOverrides(HEAD, { DECAY_RATE: 0.1 }),
      HEAD,
      {
        ...options,
        threshold: 0.01,
      },
    );
    expect(up).toMatchObject({
      verdict: 'improves',
      reason: '+0.050 on 12 validation scenarios, more than 0.01 (sign-flip test, Holm)',
    });
  });

  it('breaks a tie in p-values by name: the first name is judged at the stricter level (a wider interval)', async () => {
    const same = exact([0, 4, 6]);
    const [decay, initial] = await prDelta(
      evaluator({ DECAY_RATE: same, INITIAL_CONFIDENCE: same }),
      withOverrides(HEAD, { DECAY_RATE: 0.1, INITIAL_CONFIDENCE: 0.5 }),
      HEAD,
      options,
    );
    // Both p = 0.040: DECAY_RATE judged first at 0.025 fails, so INITIAL_CONFIDENCE (at 0.05) fails too.
    expect([decay!.verdict, initial!.verdict]).toEqual(['no measurable effect', 'no measurable effect']);
    expect(decay!.interval![0]).toBeLessThan(initial!.interval![0]);
    expect(decay!.interval![1]).toBeGreaterThan(initial!.interval![1]);
  });

  it('leaves out a scenario either side could not score', async () => {
    const base: RatchetEvaluator = {
      async run(overrides, slice) {
        const points = await evaluator({ DECAY_RATE: Array(12).fill(0.05) }).run(overrides, slice);
        // The base run could not score scenario 0; a degenerate point carries metrics but is no score.
        return points.map((p, i) =>
          'DECAY_RATE' in overrides && i === 0
            ? { ...p, status: 'error' as const, metrics: null }
            : 'DECAY_RATE' in overrides && i === 1
              ? { ...p, status: 'skipped-degenerate' as const }
              : p,
        );
      },
    };
    const [d] = await prDelta(base, withOverrides(HEAD, { DECAY_RATE: 0.1 }), HEAD, options);
    expect(d!.reason).toMatch(/ on 10 validation scenarios/);
  });

  it('says no measurable effect, with no delta or interval, when no scenario could be scored', async () => {
    const [d] = await prDelta(
      evaluator({ DECAY_RATE: Array(12).fill(0.05) }, 'error'),
      withOverrides(HEAD, { DECAY_RATE: 0.1 }),
      HEAD,
      options,
    );
    expect(d).toEqual({
      constant: 'DECAY_RATE',
      base: 0.1,
      head: 0.3,
      delta: null,
      interval: null,
      verdict: 'no measurable effect',
      reason: 'no validation scenario could be scored',
      byRanking: [],
    });
  });

  it('runs nothing when nothing changed', async () => {
    let runs = 0;
    const counting: RatchetEvaluator = {
      run: async () => {
        runs++;
        return [];
      },
    };
    expect(await prDelta(counting, HEAD, HEAD, options)).toEqual([]);
    expect(runs).toBe(0);
  });
});

describe('where a pull request’s change acts', () => {
  // Head puts every changed constant's delta into "facts" and nothing into "topic"; s11 asks no facts.
  const rankingEvaluator = (deltas: Record<string, number[]>): RatchetEvaluator => ({
    async run(overrides, slice) {
      return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
        const s = slice.from + i;
        let facts = 0.4;
        for (const [name, d] of Object.entries(deltas)) if (!(name in overrides)) facts += d[s]!;
        const rankings = s === 11 ? { topic: 0.6 } : { facts, topic: 0.6 };
        const ndcg = s === 11 ? 0.6 : (facts + 0.6) / 2;
        return {
          scenario: `v-${s}`,
          status: 'ok',
          metrics: { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 },
          rankings,
          calibrationError: null,
          rankingHash: '',
          durationMs: 0,
        };
      });
    },
  });

  it('gives the ranking the change moves, its paired mean and interval, and leaves out rankings that did not move', async () => {
    const drop = Array.from({ length: 12 }, (_, s) => -0.1 - 0.01 * (s % 3));
    const [decay] = (await prDelta(rankingEvaluator({ DECAY_RATE: drop }), BASE, HEAD, options)).filter(
      (d) => d.constant === 'DECAY_RATE',
    );
    // Eleven scenarios ask facts; their head − base is drop[0..10].
    const expected = drop.slice(0, 11).reduce((a, b) => a + b, 0) / 11;
    expect(decay!.byRanking!.map((r) => r.ranking)).toEqual(['facts']);
    const [facts] = decay!.byRanking!;
    expect(facts!.scenarios).toBe(11);
    expect(facts!.delta).toBeCloseTo(expected, 12);
    expect(facts!.interval[0]).toBeGreaterThanOrEqual(-0.12 - 1e-12);
    expect(facts!.interval[1]).toBeLessThanOrEqual(-0.1 + 1e-12);
    // The scenario mean moves half as much (facts is one of two rankings) and less where facts is not asked.
    expect(Math.abs(decay!.delta!)).toBeLessThan(Math.abs(facts!.delta));
    // Constants whose change moves nothing name no ranking.
    const [wf] = (await prDelta(rankingEvaluator({ DECAY_RATE: drop }), BASE, HEAD, options)).filter(
      (d) => d.constant === 'WF_MIN_THRESHOLD',
    );
    expect(wf!.byRanking).toEqual([]);
  });
});
