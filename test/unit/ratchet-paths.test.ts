import { describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import { type RatchetEvaluator, type RatchetOptions, runRatchet } from '../../src/ratchet/ratchet.js';
import type { PointScore } from '../../src/sweep/runner.js';
import { notModelled } from '../helpers/synthetic-ratchet.js';

// Noise-free evaluators whose effects are stated in each test: scenario s scores a difficulty of
// 0.40 + 0.01·(s mod 7) plus the effect, so every paired delta equals the planted effect exactly and the
// expected decisions, deltas, slices and reasons follow by hand.

const constants = defaultConstants(); // DECAY_RATE 0.1, INITIAL_CONFIDENCE 0.5
const DECAY_RATE = findConstant('DECAY_RATE')!;
const INITIAL_CONFIDENCE = findConstant('INITIAL_CONFIDENCE')!;
type Effect = (c: Record<string, number>, role: string, scenario: number) => number;

function evaluatorOf(
  effect: Effect,
  hash: (c: Record<string, number>) => string = (c) => `${c.DECAY_RATE}:${c.INITIAL_CONFIDENCE}`,
  calls: { overrides: Record<string, unknown>; role: string; from: number; to: number }[] = [],
): RatchetEvaluator {
  return {
    async run(overrides, slice) {
      calls.push({ overrides: { ...overrides }, role: slice.role, from: slice.from, to: slice.to });
      const c = withOverrides(constants, overrides) as Record<string, number>;
      return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
        const s = slice.from + i;
        const v = 0.4 + 0.01 * (s % 7) + effect(c, slice.role, s);
        return {
          scenario: `${slice.role}-${s}`,
          status: 'ok',
          metrics: { 'ndcg@5': v, 'ndcg@10': v, 'p@5': 0, 'p@10': 0, mrr: 0 },
          calibrationError: null,
          rankingHash: hash(c),
          durationMs: 0,
        };
      });
    },
  };
}

const SIZES: RatchetOptions = { trainSeeds: 10, validationSeeds: 12, confirmationSeeds: 8, resamples: 999 };

/** DECAY_RATE 0.3 adds 0.05; with it in place, INITIAL_CONFIDENCE 0.7 adds 0.03 more (and nothing before). */
const masked: Effect = (c) =>
  (c.DECAY_RATE === 0.3 ? 0.05 : 0) + (c.DECAY_RATE === 0.3 && c.INITIAL_CONFIDENCE === 0.7 ? 0.03 : 0);

/** The single DECAY_RATE decision of a ratchet whose effect is `curve` (grid value → effect). */
async function decideOnCurve(curve: Record<number, number>, options: Partial<RatchetOptions> = {}) {
  const outcome = await runRatchet(
    evaluatorOf((c) => curve[c.DECAY_RATE!]!),
    [DECAY_RATE],
    constants,
    {
      ...SIZES,
      ...options,
    },
  );
  return outcome.decisions[0]!;
}

describe('rounds', () => {
  it('judges a masked constant again in round 2 with round 1’s change applied, on fresh scenarios and half the α', async () => {
    const calls: Parameters<typeof evaluatorOf>[2] = [];
    const outcome = await runRatchet(
      evaluatorOf(masked, undefined, calls),
      [DECAY_RATE, INITIAL_CONFIDENCE],
      constants,
      SIZES,
    );
    const [decay, confidence] = outcome.decisions;
    expect(decay).toMatchObject({
      constant: 'DECAY_RATE',
      current: 0.1,
      proposed: 0.3,
      action: 'ACCEPT',
      reason:
        'validated: +0.050, 97.50% lower bound +0.050 > 0.01 (look 1, 12 validation scenarios, Holm level 0.025, rank 1 of 1); confirmed +0.050 [+0.050, +0.050] on 8 fresh scenarios',
      validationScenarios: 12,
      look: 1,
      holmAlpha: 0.025,
      nearOptimal: { from: 0.3, to: 0.3 },
      edgeOfGrid: false,
      edgeStop: null,
      extended: [],
      round: 1,
    });
    expect(decay!.trainDelta).toBeCloseTo(0.05, 12);
    expect(decay!.validationDelta).toBeCloseTo(0.05, 12);
    expect(decay!.validationInterval![0]).toBeCloseTo(0.05, 12);
    expect(decay!.validationInterval![1]).toBeCloseTo(0.05, 12);
    // Validation scenarios 0–11 score 0.40 + 0.01·(s mod 7) + 0.05: mean 0.45 + 0.01·(0+1+…+6+0+…+4)/12.
    expect(decay!.validationScore).toBeCloseTo(0.45 + (0.01 * 31) / 12, 12);
    expect(decay!.pValue).toBeLessThan(0.025);
    expect(decay!.confirmation).toMatchObject({ scenarios: 8, confirmed: true });
    expect(decay!.confirmation!.delta).toBeCloseTo(0.05, 12);

    expect(confidence).toMatchObject({
      constant: 'INITIAL_CONFIDENCE',
      proposed: 0.7,
      action: 'ACCEPT',
      reason:
        'validated: +0.030, 97.50% lower bound +0.030 > 0.01 (look 1, 12 validation scenarios, Holm level 0.025, rank 1 of 1); confirmed +0.030 [+0.030, +0.030] on 8 fresh scenarios',
      round: 2,
    });
    expect(outcome.used).toEqual({ train: 10, validation: 24, confirmation: 16 });

    // Round 2 applies DECAY_RATE 0.3 to every evaluation, and uses validation 12–23, confirmation 8–15.
    const round2 = calls.filter(
      (c) => c.role !== 'train' && (c.from >= 12 || (c.role === 'confirmation' && c.from >= 8)),
    );
    expect(round2.length).toBeGreaterThan(0);
    for (const call of round2) expect(call.overrides.DECAY_RATE).toBe(0.3);
    const slices = [
      ...new Set(calls.filter((c) => c.role !== 'train').map((c) => `${c.role} ${c.from}–${c.to}`)),
    ];
    expect(slices).toEqual(['validation 0–12', 'confirmation 0–8', 'validation 12–24', 'confirmation 8–16']);

    // Every validation point says which change, value, role, set and round it belongs to.
    const keys = outcome.validationPoints.map(
      (p) => `${p.constant} ${p.value} ${p.role} ${p.set} ${p.round} ${p.scenario}`,
    );
    expect(keys).toHaveLength(2 * (12 + 12 + 8 + 8));
    expect(keys.slice(0, 1)).toEqual(['DECAY_RATE current current validation 1 validation-0']);
    expect(keys).toContain('DECAY_RATE 0.3 candidate validation 1 validation-11');
    expect(keys).toContain('DECAY_RATE current current confirmation 1 confirmation-7');
    expect(keys).toContain('DECAY_RATE 0.3 candidate confirmation 1 confirmation-0');
    expect(keys).toContain('INITIAL_CONFIDENCE 0.7 candidate validation 2 validation-23');
    expect(keys).toContain('INITIAL_CONFIDENCE current current confirmation 2 confirmation-15');
    expect(keys.at(-1)).toBe('INITIAL_CONFIDENCE 0.7 candidate confirmation 2 confirmation-15');
    // Train points of both rounds: round 2 trains INITIAL_CONFIDENCE again (5 grid values × 10 scenarios).
    const trained = outcome.trainPoints.map((p) => p.constant);
    expect(trained.filter((c) => c === 'INITIAL_CONFIDENCE')).toHaveLength(2 * 5 * 10);
    expect(trained.filter((c) => c === 'DECAY_RATE')).toHaveLength(8 * 10);
  });

  it('stops after one round when asked, with the whole α in it (rounds below 1 count as 1)', async () => {
    for (const rounds of [1, 0]) {
      // Rankings here depend on DECAY_RATE alone.
      const outcome = await runRatchet(
        evaluatorOf(masked, (c) => String(c.DECAY_RATE)),
        [DECAY_RATE, INITIAL_CONFIDENCE],
        constants,
        {
          ...SIZES,
          rounds,
          alpha: 0.1,
        },
      );
      expect(outcome.decisions.map((d) => [d.action, d.round, d.holmAlpha])).toEqual([
        ['ACCEPT', 1, 0.1],
        ['NO_SENSITIVITY', 1, null],
      ]);
      expect(outcome.decisions[1]!.reason).toBe('never changes a ranking on the training scenarios');
      expect(outcome.decisions[0]!.reason).toContain('Holm level 0.1, rank 1 of 1');
      expect(outcome.used).toEqual({ train: 10, validation: 12, confirmation: 8 });
    }
  });

  it('runs no second round when the first accepts nothing, and uses no validation when nothing is proposed', async () => {
    const calls: Parameters<typeof evaluatorOf>[2] = [];
    const outcome = await runRatchet(
      evaluatorOf(() => 0, undefined, calls),
      [DECAY_RATE],
      constants,
      SIZES,
    );
    expect(outcome.decisions[0]!.action).toBe('NO_SENSITIVITY');
    expect(outcome.used).toEqual({ train: 10, validation: 0, confirmation: 0 });
    expect(calls.every((c) => c.role === 'train')).toBe(true);
    expect(outcome.validationPoints).toEqual([]);
  });

  it('uses the default confirmation size and thresholds when none are given', async () => {
    const { confirmationSeeds: _, ...sizes } = SIZES;
    const outcome = await runRatchet(evaluatorOf(masked), [DECAY_RATE], constants, sizes);
    expect(outcome.used.confirmation).toBe(60);
    expect(outcome.decisions[0]!.reason).toMatch(/> 0\.01 \(look 1/);
  });
});

describe('what the training stage decides', () => {
  it('names the degenerate grid values when fewer than two lie in the valid range', async () => {
    const run = (grid: number[]) =>
      runRatchet(evaluatorOf(masked), [DECAY_RATE], constants, { ...SIZES, grids: { DECAY_RATE: grid } });
    expect((await run([0, 3])).decisions[0]).toMatchObject({
      action: 'DEGENERATE',
      reason: 'fewer than two grid values lie in the valid range (degenerate: 0, 3)',
    });
    expect((await run([0.1])).decisions[0]!.reason).toBe(
      'fewer than two grid values lie in the valid range (degenerate: none)',
    );
  });

  it('says when no training scenario could be scored at every value', async () => {
    const failing: RatchetEvaluator = {
      async run(_overrides, slice) {
        return Array.from(
          { length: slice.to - slice.from },
          (_, i): PointScore => ({
            scenario: `s${i}`,
            status: 'error',
            reason: 'boom',
            metrics: null,
            calibrationError: null,
            rankingHash: null,
            durationMs: 0,
          }),
        );
      },
    };
    const decision = (await runRatchet(failing, [DECAY_RATE], constants, SIZES)).decisions[0]!;
    expect(decision).toMatchObject({
      action: 'DEGENERATE',
      reason: 'no training scenario could be scored at every grid value',
      proposed: null,
    });
    expect(decision.train).not.toBeNull();
  });

  it('does not sweep switches or constants without a grid', async () => {
    const outcome = await runRatchet(
      evaluatorOf(masked),
      [findConstant('DECAY_CONFIDENCE_MODULATION_ENABLED')!, findConstant('CONFIDENCE_EVIDENCE_CAP')!],
      constants,
      SIZES,
    );
    expect(outcome.decisions.map((d) => [d.action, d.reason])).toEqual([
      ['NO_SENSITIVITY', 'not swept (no grid)'],
      ['NO_SENSITIVITY', 'not swept (no grid)'],
    ]);
    expect(outcome.trainPoints).toEqual([]);
  });

  it('calls a constant that changes rankings but not the metric insensitive, with its range and interval', async () => {
    const decision = (
      await runRatchet(
        evaluatorOf(() => 0),
        [DECAY_RATE],
        constants,
        SIZES,
      )
    ).decisions[0]!;
    expect(decision).toMatchObject({
      action: 'NO_SENSITIVITY',
      reason: 'moves mean nDCG@5 by 0.000 on train, within noise (best vs worst [+0.000, +0.000])',
      proposed: null,
    });
    expect(decision.train!.constant).toBe('DECAY_RATE');
  });

  it('keeps the current value when it is the best, saying where the best lies', async () => {
    // Peaks at the current value 0.1; 0.2 is 0.005 behind, inside the 0.01 threshold.
    const peak: Effect = (c) => (c.DECAY_RATE === 0.1 ? 0.05 : c.DECAY_RATE === 0.2 ? 0.045 : 0);
    const decision = (await runRatchet(evaluatorOf(peak), [DECAY_RATE], constants, SIZES)).decisions[0]!;
    expect(decision).toMatchObject({
      action: 'REJECT',
      proposed: null,
      reason:
        'the current value is within the threshold of the best on train: any value in [0.1, 0.2] is within 0.01 of the best (0.1, +0.000)',
      nearOptimal: { from: 0.1, to: 0.2 },
    });
    expect(decision.trainDelta).toBe(0);
  });

  it('rejects a value next to a cliff when nothing outside the margin beats the current value', async () => {
    // Flat, then up 0.2 at 0.9 and down 0.3 at 1.0: cliffs 0.7→0.9 and 0.9→1. Margin 0.3 × (1 − 0.05).
    const curve: Record<number, number> = {
      0.05: 0,
      0.1: 0,
      0.2: 0,
      0.3: 0,
      0.5: 0,
      0.7: 0,
      0.9: 0.2,
      1: -0.1,
    };
    const decision = await decideOnCurve(curve, { cliffMargin: 0.3 });
    expect(decision).toMatchObject({
      action: 'REJECT',
      proposed: 0.9,
      reason:
        'too close to the cliff at 0.7→0.9 (rise +0.200), and no value outside the margin (0.285) beats the current one',
      cliff: { cliff: { from: 0.7, to: 0.9, direction: 'rise' } },
      nearOptimal: { from: 0.9, to: 0.9 },
    });
    expect(decision.cliff!.margin).toBeCloseTo(0.285, 12);
    expect(decision.cliff!.shiftedFrom).toBeUndefined();
    expect(decision.trainScore).toBeCloseTo(
      0.2 + 0.4 + (0.01 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 0 + 1 + 2)) / 10,
      12,
    );
    expect(decision.trainDelta).toBeCloseTo(0.2, 12);
  });

  it('fails the run when a validation scenario cannot be scored', async () => {
    const base = evaluatorOf(masked);
    const broken: RatchetEvaluator = {
      async run(overrides, slice) {
        const points = await base.run(overrides, slice);
        if (slice.role !== 'validation' || !('DECAY_RATE' in overrides)) return points;
        return points.map((p, i) => (i === 3 ? { ...p, status: 'error' as const, metrics: null } : p));
      },
    };
    await expect(runRatchet(broken, [DECAY_RATE], constants, SIZES)).rejects.toThrow(
      'validation scenario validation-3 was not scored',
    );
  });
});

describe('joint searches', () => {
  const jointly = { ...SIZES, jointGroups: [['DECAY_RATE', 'INITIAL_CONFIDENCE']], rounds: 1 };

  it('tests a change of several members as one, and says so in each reason', async () => {
    const both: Effect = (c) => (c.DECAY_RATE === 0.3 ? 0.04 : 0) + (c.INITIAL_CONFIDENCE === 0.7 ? 0.02 : 0);
    const outcome = await runRatchet(evaluatorOf(both), [DECAY_RATE, INITIAL_CONFIDENCE], constants, jointly);
    const together = ' (tested together: DECAY_RATE = 0.3, INITIAL_CONFIDENCE = 0.7)';
    expect(outcome.decisions.map((d) => [d.constant, d.action, d.proposed])).toEqual([
      ['DECAY_RATE', 'ACCEPT', 0.3],
      ['INITIAL_CONFIDENCE', 'ACCEPT', 0.7],
    ]);
    for (const d of outcome.decisions) {
      expect(d.reason.endsWith(together)).toBe(true);
      expect(d.reason).toMatch(/^validated: \+0\.060, 95\.00% lower bound \+0\.060 > 0\.01/);
      expect(d.trainDelta).toBeCloseTo(0.06, 12);
      expect(d.joint).toEqual({
        group: ['DECAY_RATE', 'INITIAL_CONFIDENCE'],
        change: { DECAY_RATE: 0.3, INITIAL_CONFIDENCE: 0.7 },
        region: { DECAY_RATE: [0.3, 0.3], INITIAL_CONFIDENCE: [0.7, 0.7] },
      });
    }
    const values = new Set(outcome.validationPoints.map((p) => `${p.constant} ${p.value}`));
    expect(values).toEqual(
      new Set(['DECAY_RATE+INITIAL_CONFIDENCE current', 'DECAY_RATE+INITIAL_CONFIDENCE 0.3+0.7']),
    );
  });

  it('keeps a member whose current value lies in the region, and tests the others', async () => {
    const one: Effect = (c) => (c.DECAY_RATE === 0.3 ? 0.04 : 0) + (c.INITIAL_CONFIDENCE === 0.3 ? -0.02 : 0);
    const outcome = await runRatchet(evaluatorOf(one), [DECAY_RATE, INITIAL_CONFIDENCE], constants, jointly);
    const [decay, confidence] = outcome.decisions;
    expect(decay).toMatchObject({ action: 'ACCEPT', proposed: 0.3 });
    expect(decay!.reason).not.toContain('tested together');
    expect(confidence).toMatchObject({
      action: 'REJECT',
      proposed: null,
      reason: 'kept: its current value lies in the near-optimal region of the joint search',
      edgeOfGrid: false,
      edgeStop: null,
    });
    expect(confidence!.joint!.change).toEqual({ DECAY_RATE: 0.3 });
  });

  it('proposes nothing when the current values are the joint best', async () => {
    const atCurrent: Effect = (c) => -Math.abs(c.DECAY_RATE! - 0.1) - Math.abs(c.INITIAL_CONFIDENCE! - 0.5);
    const outcome = await runRatchet(
      evaluatorOf(atCurrent),
      [DECAY_RATE, INITIAL_CONFIDENCE],
      constants,
      jointly,
    );
    expect(outcome.decisions.map((d) => [d.action, d.proposed, d.reason])).toEqual([
      [
        'REJECT',
        null,
        'searched jointly with INITIAL_CONFIDENCE: the current values are within 0.01 of the best found on train (+0.000); region DECAY_RATE ∈ [0.1, 0.1], INITIAL_CONFIDENCE ∈ [0.5, 0.5]',
      ],
      [
        'REJECT',
        null,
        'searched jointly with DECAY_RATE: the current values are within 0.01 of the best found on train (+0.000); region DECAY_RATE ∈ [0.1, 0.1], INITIAL_CONFIDENCE ∈ [0.5, 0.5]',
      ],
    ]);
    expect(outcome.used.validation).toBe(0);
  });
});

describe('cliffs, edges and the plumbing between rounds', () => {
  it('measures the distance to a cliff as 0 inside its span and to the nearer end outside', async () => {
    const { distanceToCliff } = await import('../../src/ratchet/ratchet.js');
    const cliff = { from: 0.25, to: 0.5, delta: -0.2, direction: 'drop' as const };
    expect([0.25, 0.375, 0.5].map((v) => distanceToCliff(v, cliff))).toEqual([0, 0, 0]);
    expect(distanceToCliff(0.125, cliff)).toBe(0.125);
    expect(distanceToCliff(1, cliff)).toBe(0.5);
  });

  it('keeps a current value that is the best even when it sits next to a cliff', async () => {
    // 0.1 → 0.2 drops by 0.25: the current value 0.1 is at the cliff, and still the best.
    const curve: Record<number, number> = {
      0.05: 0,
      0.1: 0.05,
      0.2: -0.2,
      0.3: -0.2,
      0.5: -0.2,
      0.7: -0.2,
      0.9: -0.2,
      1: -0.2,
    };
    const decision = await decideOnCurve(curve);
    expect(decision).toMatchObject({ action: 'REJECT', proposed: null });
    expect(decision.reason).toMatch(/^the current value is within the threshold of the best on train/);
  });

  it('moves a proposal at a cliff to the nearest near-optimal value outside the margin', async () => {
    // A rise of 0.35 at 0.1 → 0.2, then a plateau: 0.2 is the nearest near-optimal value but lies on the
    // cliff; 0.3 is 0.1 away, outside the margin 0.1 × 0.95.
    const curve: Record<number, number> = {
      0.05: -0.3,
      0.1: -0.3,
      0.2: 0.05,
      0.3: 0.05,
      0.5: 0.05,
      0.7: 0.05,
      0.9: 0.05,
      1: 0.05,
    };
    const decision = await decideOnCurve(curve);
    expect(decision).toMatchObject({
      action: 'ACCEPT',
      proposed: 0.3,
      cliff: { shiftedFrom: 0.2, cliff: { from: 0.1, to: 0.2, direction: 'rise' } },
      nearOptimal: { from: 0.2, to: 1 },
    });
    expect(decision.reason.endsWith(' (margin: moved from 0.2 away from the cliff at 0.1→0.2)')).toBe(true);
    expect(decision.trainDelta).toBeCloseTo(0.35, 12);
  });

  it('marks a proposal at the low end of the searched values, where the valid range ends', async () => {
    // −0.4·v (no step between grid values reaches a cliff): the search goes down from 0.05 to 0.025 and
    // 0.0125; the next step (0.00625) is under 1 % of the span (0.95), so the range is taken to end there.
    // With a threshold of 0.001 only 0.0125 is near-optimal.
    const decision = (
      await runRatchet(
        evaluatorOf((c) => -0.4 * c.DECAY_RATE!),
        [DECAY_RATE],
        constants,
        {
          ...SIZES,
          threshold: 0.001,
        },
      )
    ).decisions[0]!;
    expect(decision.action).toBe('ACCEPT');
    expect(decision).toMatchObject({
      proposed: 0.0125,
      extended: [0.025, 0.0125],
      edgeOfGrid: true,
      edgeStop: 'range-end',
    });
  });

  it('runs a grid of exactly two valid values', async () => {
    const decision = (
      await runRatchet(evaluatorOf(masked), [DECAY_RATE], constants, {
        ...SIZES,
        grids: { DECAY_RATE: [0.1, 0.3] },
      })
    ).decisions[0]!;
    expect(decision.action).not.toBe('DEGENERATE');
    expect(decision.proposed).toBe(0.3);
  });

  it('carries only accepted changes into round 2, and leaves what is not modelled in round 1', async () => {
    const ACTED = findConstant('ACTED_CONFIDENCE_SIGNAL')!; // 0.9
    // ACTED_CONFIDENCE_SIGNAL 0.5 looks good on train and bad on validation: proposed, rejected.
    const effect: Effect = (c, role) =>
      masked(c, role, 0) + (c.ACTED_CONFIDENCE_SIGNAL === 0.5 ? (role === 'train' ? 0.05 : -0.05) : 0);
    const calls: Parameters<typeof evaluatorOf>[2] = [];
    const outcome = await runRatchet(
      evaluatorOf(
        effect,
        (c) => `${c.DECAY_RATE}:${c.INITIAL_CONFIDENCE}:${c.ACTED_CONFIDENCE_SIGNAL}`,
        calls,
      ),
      [DECAY_RATE, INITIAL_CONFIDENCE, ACTED, notModelled('TD_ALPHA')],
      constants,
      SIZES,
    );
    expect(outcome.decisions.map((d) => [d.constant, d.action, d.round])).toEqual([
      ['DECAY_RATE', 'ACCEPT', 1],
      ['INITIAL_CONFIDENCE', 'ACCEPT', 2],
      ['ACTED_CONFIDENCE_SIGNAL', 'REJECT', 2],
      ['TD_ALPHA', 'NOT_MODELLED', 1],
    ]);
    const round2 = calls.filter((c) => c.overrides.DECAY_RATE === 0.3 && 'INITIAL_CONFIDENCE' in c.overrides);
    expect(round2.length).toBeGreaterThan(0);
    for (const call of round2) expect(call.overrides).not.toHaveProperty('ACTED_CONFIDENCE_SIGNAL');
  });

  it('searches a joint group only with its sensitive members', async () => {
    const outcome = await runRatchet(
      evaluatorOf(masked, (c) => String(c.DECAY_RATE)),
      [DECAY_RATE, INITIAL_CONFIDENCE],
      constants,
      { ...SIZES, jointGroups: [['DECAY_RATE', 'INITIAL_CONFIDENCE']], rounds: 1 },
    );
    expect(outcome.decisions[0]).toMatchObject({ action: 'ACCEPT', proposed: 0.3 });
    expect(outcome.decisions[0]!.joint).toBeUndefined();
    expect(outcome.decisions[1]!.action).toBe('NO_SENSITIVITY');
  });

  it('marks a joint proposal at the edge of its member’s searched values, with the values searched', async () => {
    const rising: Effect = (c) => 0.1 * c.DECAY_RATE! + (c.INITIAL_CONFIDENCE === 0.7 ? 0.02 : 0);
    const outcome = await runRatchet(evaluatorOf(rising), [DECAY_RATE, INITIAL_CONFIDENCE], constants, {
      ...SIZES,
      jointGroups: [['DECAY_RATE', 'INITIAL_CONFIDENCE']],
      rounds: 1,
    });
    const [decay, confidence] = outcome.decisions;
    expect(decay).toMatchObject({
      proposed: 2,
      edgeOfGrid: true,
      edgeStop: 'range-end',
      nearOptimal: { from: 2, to: 2 },
    });
    expect(decay!.extended).toEqual([1.2, 1.6, 2]);
    expect(confidence).toMatchObject({
      proposed: 0.7,
      edgeOfGrid: false,
      edgeStop: null,
      nearOptimal: { from: 0.7, to: 0.7 },
    });
  });

  it('keeps the scope’s order in the staged decisions of a joint group that proposes nothing', async () => {
    const { trainRound } = await import('../../src/ratchet/ratchet.js');
    const atCurrent: Effect = (c) => -Math.abs(c.DECAY_RATE! - 0.1) - Math.abs(c.INITIAL_CONFIDENCE! - 0.5);
    const { staged, proposals } = await trainRound(
      evaluatorOf(atCurrent),
      [DECAY_RATE, INITIAL_CONFIDENCE],
      constants,
      {
        ...SIZES,
        jointGroups: [['DECAY_RATE', 'INITIAL_CONFIDENCE']],
      },
    );
    expect(staged.map((s) => ('key' in s ? s.key : s.constant))).toEqual([
      'DECAY_RATE',
      'INITIAL_CONFIDENCE',
    ]);
    expect(proposals).toEqual([]);
  });

  it('confirms a change only when its mean effect on fresh scenarios is above zero', async () => {
    const { isConfirmed } = await import('../../src/ratchet/ratchet.js');
    expect(isConfirmed([])).toBe(false);
    expect(isConfirmed([0.25, -0.25])).toBe(false);
    expect(isConfirmed([0.5, -0.25])).toBe(true);
    expect(isConfirmed([-0.5, 0.25])).toBe(false);
  });

  it('fails the run when the candidate’s scenarios do not pair with the baseline’s', async () => {
    const base = evaluatorOf(masked);
    const shuffled: RatchetEvaluator = {
      async run(overrides, slice) {
        const points = await base.run(overrides, slice);
        return slice.role === 'validation' && 'DECAY_RATE' in overrides ? [...points].reverse() : points;
      },
    };
    await expect(runRatchet(shuffled, [DECAY_RATE], constants, SIZES)).rejects.toThrow(
      'validation scenario validation-11 was not scored',
    );
  });
});

describe('seeds and resamples reach every statistic', () => {
  // Noise that differs by scenario and value, so every interval and p-value depends on its resampling seed.
  const noisy: Effect = (c, role, s) =>
    masked(c, role, s) + 0.01 * Math.sin(17 * s + 31 * c.DECAY_RATE! + 7 * c.INITIAL_CONFIDENCE!);

  it('seeds the training intervals with ":train" and each round’s validation with its own seed', async () => {
    const { aggregateSweep } = await import('../../src/sweep/aggregate.js');
    const { lookSeed } = await import('../../src/ratchet/sequential.js');
    const { lowerBound, pAbove, signFlipTest, upperBound } = await import('../../src/stats/sign-flip.js');
    const outcome = await runRatchet(evaluatorOf(noisy), [DECAY_RATE, INITIAL_CONFIDENCE], constants, {
      ...SIZES,
      seed: 'S',
      resamples: 499,
    });
    const [decay, confidence] = outcome.decisions;
    expect([decay!.round, confidence!.round]).toEqual([1, 2]);
    const decayPoints = outcome.trainPoints.filter((p) => p.constant === 'DECAY_RATE');
    const summary = (name: string, current: number, points: typeof decayPoints, seed: string) =>
      aggregateSweep(name, current, points, { cliffThreshold: 0.1, seed, resamples: 499, metric: 'ndcg@5' });
    expect(decay!.train).toEqual(summary('DECAY_RATE', 0.1, decayPoints, 'S:train'));
    const confidencePoints = outcome.trainPoints
      .filter((p) => p.constant === 'INITIAL_CONFIDENCE')
      .slice(-50);
    expect(confidence!.train).toEqual(summary('INITIAL_CONFIDENCE', 0.5, confidencePoints, 'S:round2:train'));
    for (const [d, seed] of [
      [decay!, 'S:validation'],
      [confidence!, 'S:round2:validation'],
    ] as const) {
      const points = outcome.validationPoints.filter(
        (p) => p.constant === d.constant && p.set === 'validation',
      );
      const current = points.filter((p) => p.role === 'current');
      const deltas = points
        .filter((p) => p.role === 'candidate')
        .map((p, i) => p.metrics!['ndcg@5'] - current[i]!.metrics!['ndcg@5']);
      const test = signFlipTest(deltas, lookSeed(seed, d.constant, d.look!), 499);
      expect(d.pValue).toBe(pAbove(test, 0.01));
      expect(d.validationDelta).toBe(test.mean);
      expect(d.validationInterval).toEqual([lowerBound(test, d.holmAlpha!), upperBound(test, d.holmAlpha!)]);
      // A different seed gives different bounds: the comparison above would notice the wrong seed.
      const other = signFlipTest(deltas, lookSeed(`${seed}x`, d.constant, d.look!), 499);
      expect(lowerBound(other, d.holmAlpha!)).not.toBe(d.validationInterval![0]);
    }
  });
});
