import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { defaultConstants } from '../../src/constants/values.js';
import { type RatchetEvaluator, runRatchet, type Split } from '../../src/ratchet/ratchet.js';
import type { PointScore } from '../../src/sweep/runner.js';

const DECAY_RATE = findConstant('DECAY_RATE')!; // grid 0.05 0.1 0.2 0.3 0.5 0.7 0.9 1.0, current 0.1
const constants = defaultConstants();

type Effect = (value: number, split: Split) => number;

/**
 * Per-scenario nDCG@5 = scenario difficulty + effect(value) + N(0, σ) noise, with every draw keyed by
 * (repetition, value, split, scenario), so each value meets fresh noise on the same scenarios.
 */
function synthetic(
  effect: Effect,
  { rep = 0, sigma = 0.02, train = 35, validation = 15 } = {},
): RatchetEvaluator {
  return {
    async run(overrides, split) {
      const value = Number(overrides.DECAY_RATE ?? constants.DECAY_RATE);
      const n = split === 'train' ? train : validation;
      return Array.from({ length: n }, (_, s): PointScore => {
        const difficulty = 0.3 + 0.4 * seedrandom(`difficulty:${rep}:${split}:${s}`)();
        const r = seedrandom(`noise:${rep}:${value}:${split}:${s}`);
        const normal = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        const ndcg = difficulty + effect(value, split) + sigma * normal;
        return {
          scenario: `${split}-${s}`,
          status: 'ok',
          metrics: { 'ndcg@5': ndcg, 'ndcg@10': ndcg, 'p@5': 0, 'p@10': 0, mrr: 0 },
          calibrationError: null,
          rankingHash: `${value}`,
          durationMs: 0,
        };
      });
    },
  };
}

const decide = async (effect: Effect, options: Parameters<typeof synthetic>[1] = {}, ratchet = {}) =>
  (await runRatchet(synthetic(effect, options), [DECAY_RATE], constants, { resamples: 2000, ...ratchet }))
    .decisions[0]!;

describe('RatchetLoop on synthetic evaluators (σ = 0.02 per-scenario noise, 35 train / 15 validation)', () => {
  it('accepts a constant with no real effect in at most 5% of 200 seeded repetitions', async () => {
    let accepted = 0;
    for (let rep = 0; rep < 200; rep++) if ((await decide(() => 0, { rep })).action === 'ACCEPT') accepted++;
    expect(accepted).toBeLessThanOrEqual(10);
  }, 120_000);

  it('accepts a real effect of +0.03 in at least 80% of 200 repetitions', async () => {
    let accepted = 0;
    for (let rep = 0; rep < 200; rep++) {
      const decision = await decide((v) => (v === 0.3 ? 0.03 : 0), { rep });
      if (decision.action === 'ACCEPT' && decision.proposed === 0.3) accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(160);
  }, 120_000);

  it('rejects a train optimum that is the validation pessimum', async () => {
    const decision = await decide((v, split) => (v === 0.5 ? (split === 'train' ? 0.05 : -0.05) : 0));
    expect(decision).toMatchObject({ action: 'REJECT', proposed: 0.5 });
    expect(decision.reason).toMatch(/^no validation improvement \(-0\.0\d\d\)$/);
    expect(decision.trainDelta).toBeGreaterThan(0.03);
    expect(decision.validationDelta).toBeLessThan(-0.03);
  });

  it('shifts a proposal next to a cliff to the best value outside the margin, and re-validates it', async () => {
    // rises to 0.7, then falls off a cliff at 0.9
    const curve: Record<number, number> = {
      0.05: 0,
      0.1: 0,
      0.2: 0.02,
      0.3: 0.04,
      0.5: 0.05,
      0.7: 0.08,
      0.9: -0.2,
      1: -0.25,
    };
    const decision = await decide((v) => curve[v]!);
    expect(decision.cliff?.cliff).toMatchObject({ from: 0.7, to: 0.9, direction: 'drop' });
    expect(decision.cliff?.shiftedFrom).toBe(0.7);
    expect(decision.proposed).toBe(0.5);
    expect(decision.action).toBe('ACCEPT');
    expect(decision.reason).toMatch(/margin: moved from 0\.7 away from the cliff at 0\.7→0\.9/);
  });

  it('rejects a proposal next to a cliff when nothing outside the margin beats the current value', async () => {
    const curve: Record<number, number> = {
      0.05: 0,
      0.1: 0,
      0.2: 0,
      0.3: 0,
      0.5: 0,
      0.7: 0.0,
      0.9: 0.2,
      1: -0.1,
    };
    const decision = await decide((v) => curve[v]!, { sigma: 0 }, { cliffMargin: 0.3 });
    expect(decision.action).toBe('REJECT');
    expect(decision.reason).toMatch(/^too close to the cliff at 0\.[79]→/);
  });

  it('keeps the current value when it ties with the best, and reports a flat constant as insensitive', async () => {
    const tie = await decide((v) => (v === 0.1 || v === 0.5 ? 0.05 : 0), { sigma: 0 });
    expect(tie).toMatchObject({
      action: 'REJECT',
      proposed: null,
      reason: 'the current value is already the best on train',
    });
    const flat = await decide(() => 0, { sigma: 0 });
    expect(flat.action).toBe('NO_SENSITIVITY');
  });

  it('flags a best value at the edge of the grid', async () => {
    const decision = await decide((v) => 0.2 * v);
    expect(decision.proposed).toBe(1);
    expect(decision.edgeOfGrid).toBe(true);
    expect(decision.action).toBe('ACCEPT');
  });

  it('reports constants the engine does not model or the library never reads, without running them', async () => {
    let runs = 0;
    const counting: RatchetEvaluator = {
      async run() {
        runs++;
        return [];
      },
    };
    const outcome = await runRatchet(
      counting,
      [findConstant('TD_ALPHA')!, findConstant('CHI_SQUARED_P_THRESHOLD')!],
      constants,
    );
    expect(outcome.decisions.map((d) => d.action)).toEqual(['NOT_MODELLED', 'NOT_READ']);
    expect(runs).toBe(0);
  });
});

describe('PR delta (synthetic evaluator)', () => {
  it('says whether the head value improves, regresses or has no measurable effect against the base value', async () => {
    const { prDelta } = await import('../../src/ratchet/pr-delta.js');
    const { withOverrides } = await import('../../src/constants/values.js');
    const head = constants; // DECAY_RATE 0.1
    const options = { threshold: 0.01, alpha: 0.05, seed: 's' };
    const better = await prDelta(
      synthetic((v) => (v === 0.1 ? 0.05 : 0)),
      withOverrides(constants, { DECAY_RATE: 0.3 }),
      head,
      options,
    );
    expect(better).toMatchObject([{ constant: 'DECAY_RATE', base: 0.3, head: 0.1, verdict: 'improves' }]);
    const worse = await prDelta(
      synthetic((v) => (v === 0.1 ? -0.05 : 0)),
      withOverrides(constants, { DECAY_RATE: 0.3 }),
      head,
      options,
    );
    expect(worse[0]!.verdict).toBe('regresses');
    const same = await prDelta(
      synthetic(() => 0),
      withOverrides(constants, { DECAY_RATE: 0.3 }),
      head,
      options,
    );
    expect(same[0]!.verdict).toBe('no measurable effect');
    expect(
      await prDelta(
        synthetic(() => 0),
        constants,
        head,
        options,
      ),
    ).toEqual([]);
  });
});
