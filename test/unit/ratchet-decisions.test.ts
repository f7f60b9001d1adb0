import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { defaultConstants } from '../../src/constants/values.js';
import { type RatchetEvaluator, runRatchet } from '../../src/ratchet/ratchet.js';
import { runSequential, sequentialDesign } from '../../src/ratchet/sequential.js';
import type { ScenarioSlice } from '../../src/scenarios/factory/scenario-bank.js';
import type { PointScore } from '../../src/sweep/runner.js';

/**
 * Twelve paired deltas ±2^i (i = 0…11) whose negative signs sit at `negative`: the exact one-sided sign-flip
 * p-value of "mean ≤ 0" is then (1 + Σ_{i negative} 2^i) / 4096, because the sign of any flipped subset's sum
 * is the sign of its largest member. An oracle that owes nothing to the Monte Carlo code under test.
 */
function deltasWithExactP(negative: readonly number[]): { deltas: number[]; p: number } {
  const deltas = Array.from({ length: 12 }, (_, i) => (negative.includes(i) ? -1 : 1) * 2 ** i * 1e-4);
  const p = (1 + negative.reduce((sum, i) => sum + 2 ** i, 0)) / 4096;
  return { deltas, p };
}

const P_0039 = deltasWithExactP([0, 1, 2, 3]); // 16/4096
const P_0200 = deltasWithExactP([0, 4, 6]); // 82/4096
const P_0300 = deltasWithExactP([1, 3, 4, 5, 6]); // 123/4096
const P_0349 = deltasWithExactP([1, 2, 3, 7]); // 143/4096
const P_0400 = deltasWithExactP([0, 1, 5, 7]); // 164/4096

async function holm(family: Record<string, number[]>, alpha = 0.05) {
  const design = sequentialDesign(12, 12, alpha); // one look: the whole α at once
  return runSequential(
    design,
    Object.keys(family),
    async (keys) => new Map(keys.map((k) => [k, family[k]!])),
    { threshold: 0, seed: 'holm-table', resamples: 20_000 },
  );
}

describe("Holm's step-down over several proposals (one look, α = 0.05, exact p-values)", () => {
  it('has the p-values the table is built on', () => {
    expect([P_0039.p, P_0200.p, P_0300.p, P_0349.p, P_0400.p].map((p) => Number(p.toFixed(4)))).toEqual([
      0.0039, 0.02, 0.03, 0.0349, 0.04,
    ]);
  });

  // | p      | rank | Holm level α/(m−k+1) | Bonferroni α/m | decision |
  // | 0.0039 | 1    | 0.0167               | 0.0167         | accept   |
  // | 0.0200 | 2    | 0.0250               | 0.0167         | accept (Holm only) |
  // | 0.0349 | 3    | 0.0500               | 0.0167         | accept (Holm only) |
  it('steps down: accepts all three where Bonferroni would accept only the first', async () => {
    const outcomes = await holm({ a: P_0039.deltas, b: P_0200.deltas, c: P_0349.deltas });
    expect(Object.fromEntries([...outcomes].map(([k, o]) => [k, [o.status, o.rank, o.level]]))).toEqual({
      a: ['accepted', 1, 0.05 / 3],
      b: ['accepted', 2, 0.05 / 2],
      c: ['accepted', 3, 0.05],
    });
  });

  // | p      | rank | Holm level | decision |
  // | 0.0039 | 1    | 0.0167     | accept   |
  // | 0.0300 | 2    | 0.0250     | stop: 0.03 > 0.025, and nothing after it is accepted |
  // | 0.0400 | 3    | 0.0500     | not reached (0.04 < 0.05, yet not accepted) |
  it('stops at the first p-value above its level, even when a later one is below α', async () => {
    const outcomes = await holm({ a: P_0039.deltas, b: P_0300.deltas, c: P_0400.deltas });
    expect(outcomes.get('a')).toMatchObject({ status: 'accepted', rank: 1, level: 0.05 / 3 });
    expect(outcomes.get('b')).toMatchObject({ status: 'undecided', level: 0.05 / 2 });
    expect(outcomes.get('c')).toMatchObject({ status: 'undecided', level: 0.05 / 2 });
  });

  it('accepts a lone proposal at the full α and nothing at a smaller one', async () => {
    expect((await holm({ c: P_0400.deltas })).get('c')!.status).toBe('accepted');
    expect((await holm({ c: P_0400.deltas }, 0.03)).get('c')!.status).toBe('undecided');
  });
});

/** A scripted evaluator: per-scenario score = difficulty + effect(overrides, role) + seeded noise; records slices. */
function scripted(
  effect: (overrides: Readonly<Record<string, number>>, role: ScenarioSlice['role']) => number,
  sigma = 0.01,
) {
  const slices: { overrides: Record<string, number>; slice: ScenarioSlice }[] = [];
  const evaluator: RatchetEvaluator = {
    async run(overrides, slice) {
      slices.push({ overrides: { ...overrides } as Record<string, number>, slice });
      const key = JSON.stringify(Object.entries(overrides).sort());
      return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
        const s = slice.from + i;
        const difficulty = 0.3 + 0.4 * seedrandom(`d:${slice.role}:${s}`)();
        const r = seedrandom(`n:${key}:${slice.role}:${s}`);
        const normal = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        const ndcg = difficulty + effect(overrides as Record<string, number>, slice.role) + sigma * normal;
        return {
          scenario: `${slice.role}-${s}`,
          status: 'ok',
          metrics: { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 },
          calibrationError: null,
          rankingHash: key,
          durationMs: 0,
        };
      });
    },
  };
  return { evaluator, slices };
}

const DECAY_RATE = findConstant('DECAY_RATE')!; // current 0.1
const WF_MIN = findConstant('WF_MIN_THRESHOLD')!; // current 0.1, grid 0.05 … 0.5
const SMALL = {
  trainSeeds: 30,
  validationSeeds: 20,
  maxValidationSeeds: 20,
  confirmationSeeds: 20,
  resamples: 4000,
};

describe('the ratchet over rounds', () => {
  it('splits the family α evenly over the rounds allowed', async () => {
    const { evaluator } = scripted((o) => ((o.DECAY_RATE ?? 0.1) === 0.3 ? 0.05 : 0));
    for (const [rounds, level] of [
      [1, 0.05],
      [2, 0.025],
      [4, 0.0125],
    ] as const) {
      const { decisions } = await runRatchet(evaluator, [DECAY_RATE], defaultConstants(), {
        ...SMALL,
        rounds,
        extend: false,
      });
      expect(decisions[0]).toMatchObject({ action: 'ACCEPT', proposed: 0.3, holmAlpha: level });
    }
  });

  it('judges a masked constant again in round 2 with round 1’s change applied, on fresh scenarios', async () => {
    // WF_MIN_THRESHOLD = 0.3 helps only once DECAY_RATE = 0.3: round 1 cannot see it.
    const { evaluator, slices } = scripted((o) => {
      const decay = o.DECAY_RATE ?? 0.1;
      const wf = o.WF_MIN_THRESHOLD ?? 0.1;
      return (decay === 0.3 ? 0.05 : 0) + (decay === 0.3 && wf === 0.3 ? 0.05 : 0);
    });
    const outcome = await runRatchet(evaluator, [DECAY_RATE, WF_MIN], defaultConstants(), {
      ...SMALL,
      extend: false,
    });
    const [decay, wf] = outcome.decisions;
    expect(decay).toMatchObject({ action: 'ACCEPT', proposed: 0.3, round: 1 });
    expect(wf).toMatchObject({ action: 'ACCEPT', proposed: 0.3, round: 2, holmAlpha: 0.025 });
    // Round 2 ran with DECAY_RATE = 0.3 applied, on validation and confirmation scenarios round 1 did not use.
    const validation = (role: string, pred: (o: Record<string, number>) => boolean) =>
      slices.filter((s) => s.slice.role === role && pred(s.overrides)).map((s) => [s.slice.from, s.slice.to]);
    expect(validation('validation', (o) => o.WF_MIN_THRESHOLD === 0.3)).toEqual([[20, 40]]);
    expect(validation('confirmation', (o) => o.WF_MIN_THRESHOLD === 0.3)).toEqual([[20, 40]]);
    const judged = slices.filter((s) => s.slice.role !== 'train' && s.overrides.WF_MIN_THRESHOLD === 0.3);
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.every((s) => s.overrides.DECAY_RATE === 0.3)).toBe(true);
    expect(outcome.used).toEqual({ train: 30, validation: 40, confirmation: 40 });
  });

  it('stops after round 1 when it accepts nothing, and after the rounds allowed', async () => {
    const flat = scripted(() => 0);
    const none = await runRatchet(flat.evaluator, [DECAY_RATE, WF_MIN], defaultConstants(), SMALL);
    expect(none.decisions.map((d) => d.round)).toEqual([1, 1]);
    const masked = scripted(
      (o) =>
        ((o.DECAY_RATE ?? 0.1) === 0.3 ? 0.05 : 0) +
        (o.WF_MIN_THRESHOLD === 0.3 && o.DECAY_RATE === 0.3 ? 0.05 : 0),
    );
    const one = await runRatchet(masked.evaluator, [DECAY_RATE, WF_MIN], defaultConstants(), {
      ...SMALL,
      rounds: 1,
      extend: false,
    });
    expect(one.decisions.map((d) => [d.action, d.round])).toEqual([
      ['ACCEPT', 1],
      ['NO_SENSITIVITY', 1],
    ]);
  });
});

describe('the significance gate', () => {
  it('rejects a proposal that is better on average but not shown to beat the threshold', async () => {
    // Train shows +0.05; validation deltas alternate +0.04 / −0.02 (mean +0.01 = the threshold): undecided.
    const evaluator: RatchetEvaluator = {
      async run(overrides, slice) {
        const value = Number(overrides.DECAY_RATE ?? 0.1);
        return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
          const s = slice.from + i;
          const gain = value !== 0.3 ? 0 : slice.role === 'train' ? 0.05 : s % 2 === 0 ? 0.04 : -0.02;
          const ndcg = 0.5 + gain;
          return {
            scenario: `${slice.role}-${s}`,
            status: 'ok',
            metrics: { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 },
            calibrationError: null,
            rankingHash: String(value),
            durationMs: 0,
          };
        });
      },
    };
    const { decisions } = await runRatchet(evaluator, [DECAY_RATE], defaultConstants(), {
      ...SMALL,
      extend: false,
    });
    expect(decisions[0]).toMatchObject({ action: 'REJECT', proposed: 0.3 });
    expect(decisions[0]!.validationDelta).toBeCloseTo(0.01, 12);
    expect(decisions[0]!.pValue).toBeGreaterThan(0.3);
    expect(decisions[0]!.reason).toMatch(
      /^not shown to improve by more than 0\.01: \+0\.010 on look 1, 20 validation/,
    );
  });
});
