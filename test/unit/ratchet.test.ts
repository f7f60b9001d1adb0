import { describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { type RatchetEvaluator, runRatchet } from '../../src/ratchet/ratchet.js';
import {
  constants,
  DECAY_RATE,
  decide,
  notModelled,
  SIZES,
  synthetic,
} from '../helpers/synthetic-ratchet.js';

describe('RatchetLoop on synthetic evaluators (σ = 0.02 per-scenario noise, 35 train, 15 → 135 validation)', () => {
  it('rejects a train optimum that is the validation pessimum', async () => {
    const decision = await decide((v, split) => (v === 0.5 ? (split === 'train' ? 0.05 : -0.05) : 0));
    expect(decision).toMatchObject({ action: 'REJECT', proposed: 0.5, look: 1, validationScenarios: 15 });
    expect(decision.reason).toMatch(
      /^below the improvement threshold: -0\.0\d\d on look 1, 15 validation scenarios/,
    );
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
    expect(tie).toMatchObject({ action: 'REJECT', proposed: null, nearOptimal: { from: 0.1, to: 0.1 } });
    expect(tie.reason).toMatch(/^the current value is within the threshold of the best on train/);
    const flat = await decide(() => 0, { sigma: 0 });
    expect(flat.action).toBe('NO_SENSITIVITY');
  });

  it('searches past a grid edge until the valid range ends, and says so', async () => {
    // Rises with the value all the way: the grid ends at 1.0, the valid range (0, 2] at 2.
    const decision = await decide((v) => 0.2 * v, { sigma: 0 });
    expect(decision.extended).toEqual([1.2, 1.6, 2]);
    expect(decision).toMatchObject({
      proposed: 2,
      edgeOfGrid: true,
      edgeStop: 'range-end',
      action: 'ACCEPT',
    });
    expect(decision.nearOptimal).toEqual({ from: 2, to: 2 });
  });

  it('stops searching outward where the curve turns', async () => {
    const decision = await decide((v) => 0.1 - 0.1 * Math.abs(v - 1.2), { sigma: 0 });
    expect(decision.extended).toEqual([1.2, 1.6]);
    expect(decision.proposed).toBe(1.2);
    expect(decision.edgeOfGrid).toBe(false);
  });

  it('proposes the value nearest the current one among those within the threshold of the best', async () => {
    // A plateau from 0.3 up: every value there is within 0.01 of the best (1.0, by a hair).
    const plateau = (v: number) => (v >= 0.3 ? 0.05 + 0.005 * v : 0);
    const decision = await decide(plateau, { sigma: 0 });
    expect(decision.proposed).toBe(0.3);
    expect(decision.nearOptimal).toEqual({ from: 0.3, to: 2 });
    expect(decision.action).toBe('ACCEPT');
  });

  it('draws more validation scenarios only while a proposal is undecided, and reports the effect on fresh ones', async () => {
    const sliceSizes: number[] = [];
    const base = synthetic((v) => (v === 0.3 ? 0.04 : 0), { sigma: 0.05 });
    const watching: RatchetEvaluator = {
      run: (overrides, slice) => {
        if (slice.role === 'validation') sliceSizes.push(slice.to - slice.from);
        return base.run(overrides, slice);
      },
    };
    const outcome = await runRatchet(watching, [DECAY_RATE], constants, { ...SIZES, resamples: 2000 });
    const decision = outcome.decisions[0]!;
    expect(decision.action).toBe('ACCEPT');
    expect(decision.validationScenarios).toBeGreaterThan(15);
    expect(new Set(sliceSizes)).toEqual(
      new Set([15, 45, 135].filter((n) => n <= decision.validationScenarios!)),
    );
    expect(decision.confirmation).toMatchObject({ scenarios: 40, confirmed: true });
    expect(decision.confirmation!.delta).toBeGreaterThan(0.01);
    expect(outcome.used).toEqual({ train: 35, validation: decision.validationScenarios, confirmation: 40 });
  });

  it('rejects a validated change that fresh confirmation scenarios contradict', async () => {
    const decision = await decide((v, split) => (v === 0.3 ? (split === 'confirmation' ? -0.05 : 0.05) : 0));
    expect(decision.action).toBe('REJECT');
    expect(decision.reason).toMatch(
      /^not confirmed: validated \(\+0\.0\d\d.*but -0\.0\d\d on 40 fresh confirmation scenarios/,
    );
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
      [notModelled('TD_ALPHA'), findConstant('CHI_SQUARED_P_THRESHOLD')!],
      constants,
      SIZES,
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
    const options = {
      threshold: 0.01,
      alpha: 0.05,
      seed: 's',
      slice: { role: 'validation', from: 0, to: 15 } as const,
    };
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
