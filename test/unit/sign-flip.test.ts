import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { calibrateBank, pooled, wilson } from '../../src/ratchet/calibration.js';
import { runSequential, sequentialDesign } from '../../src/ratchet/sequential.js';
import {
  lowerBound,
  pAbove,
  pBelow,
  rejectsAbove,
  signFlipTest,
  simultaneousIntervals,
  upperBound,
} from '../../src/stats/sign-flip.js';

/** The exact one-sided sign-flip p-value by enumerating all 2^n sign patterns (small n only). */
function exactP(deltas: readonly number[], mu0: number): number {
  const n = deltas.length;
  const centred = deltas.map((d) => d - mu0);
  const observed = centred.reduce((a, b) => a + b, 0);
  let atLeast = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -centred[i]! : centred[i]!;
    if (sum >= observed - 1e-12) atLeast++;
  }
  return atLeast / 2 ** n;
}

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

describe('sign-flip test', () => {
  it('matches the exact enumeration of sign patterns (Monte Carlo within 0.01)', () => {
    const cases: [number[], number][] = [
      [[0.1, 0.2, 0.3], 0],
      [[0.05, -0.02, 0.04, 0.01, 0.03, -0.01, 0.06], 0.01],
      [[0.02, 0.02, 0.02, -0.03, 0.01, 0, 0, 0.04, -0.01], 0.005],
    ];
    for (const [deltas, mu0] of cases) {
      const test = signFlipTest(deltas, 'exact');
      expect(Math.abs(pAbove(test, mu0) - exactP(deltas, mu0))).toBeLessThan(0.01);
      expect(
        Math.abs(
          pBelow(test, mu0) -
            exactP(
              deltas.map((d) => -d),
              -mu0,
            ),
        ),
      ).toBeLessThan(0.01);
    }
    // Every pattern but the identity lowers the mean of three positive deltas: p = 1/8.
    expect(exactP([0.1, 0.2, 0.3], 0)).toBe(1 / 8);
  });

  it('counts p-values from the half-means by definition, ties included, at a resolution of 1/(B + 1)', () => {
    // B = 9: levels in tenths are exact counts, and a·(B + 1) for a = 0.3 is 3.0000000000000004 in floating point.
    for (const [n, seed] of [
      [1, 'one'],
      [3, 'three'],
      [6, 'six'],
    ] as const) {
      const deltas = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.03 : -0.01) * (i + 1));
      const test = signFlipTest(deltas, seed, 9);
      const halves = [...test.halfMeans];
      const empty = halves.filter((h) => h === Number.NEGATIVE_INFINITY).length;
      const candidates = [...new Set(halves.filter(Number.isFinite))].flatMap((h) => [h - 1e-6, h, h + 1e-6]);
      for (const mu0 of [...candidates, -1, 1]) {
        expect(pAbove(test, mu0)).toBeCloseTo((1 + halves.filter((h) => h <= mu0).length) / 10, 12);
        expect(pBelow(test, mu0)).toBeCloseTo((1 + halves.filter((h) => h >= mu0).length + empty) / 10, 12);
        for (const a of [0.05, 0.1, 0.2, 0.3, 0.5]) {
          // The bounds invert the tests: μ0 below the lower bound is rejected by pAbove, above the upper by pBelow.
          const lo = lowerBound(test, a);
          const hi = upperBound(test, a);
          expect(pAbove(test, mu0) <= a + 1e-12).toBe(mu0 < lo);
          expect(pBelow(test, mu0) <= a + 1e-12).toBe(mu0 > hi);
          expect(rejectsAbove(deltas, mu0, a, seed, 9)).toBe(pAbove(test, mu0) <= a + 1e-12);
        }
      }
    }
  });

  it('has nothing to say without scenarios', () => {
    const none = signFlipTest([], 'none', 9);
    expect(none.n).toBe(0);
    expect(none.halfMeans).toHaveLength(0);
    expect([pAbove(none, 0), pBelow(none, 0)]).toEqual([1, 1]);
    expect([lowerBound(none, 0.05), upperBound(none, 0.05)]).toEqual([Number.NaN, Number.NaN]);
    expect(rejectsAbove([], -1, 0.5, 'none', 9)).toBe(false);
    // Below the resolution 1/(B + 1) nothing is rejected, however strong; at it, a clear effect is.
    const strong = Array.from({ length: 20 }, () => 1);
    expect(rejectsAbove(strong, 0, 0.09, 's', 9)).toBe(false);
    expect(rejectsAbove(strong, 0, 0.1, 's', 9)).toBe(true);
    expect(lowerBound(signFlipTest(strong, 's', 9), 0.09)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('flips every scenario with probability ½, past the 32 a random word holds', () => {
    // One positive delta among zeros: a half-mean is ≤ 0 exactly when that scenario is not flipped, so
    // the p-value of "mean ≤ 0" is ½ (plus the 2^-70 empty half) wherever the scenario sits.
    for (const at of [0, 31, 32, 63, 69]) {
      const deltas = Array.from({ length: 70 }, (_, i) => (i === at ? 1 : 0));
      expect(pAbove(signFlipTest(deltas, `spike:${at}`), 0)).toBeCloseTo(0.5, 1);
    }
  });

  it('inverts to bounds that agree with its p-values exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 4, maxLength: 40 }),
        fc.constantFrom(0.001, 0.01, 0.05),
        (deltas, a) => {
          const test = signFlipTest(deltas, 'duality', 2000);
          const lo = lowerBound(test, a);
          const hi = upperBound(test, a);
          expect(lo).toBeLessThanOrEqual(hi);
          if (Number.isFinite(lo)) {
            expect(pAbove(test, lo - 1e-9)).toBeLessThanOrEqual(a);
            expect(pAbove(test, lo)).toBeGreaterThan(a);
          }
          expect(rejectsAbove(deltas, 0.01, a, 'duality', 2000)).toBe(pAbove(test, 0.01) <= a);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('puts the threshold inside the null: a mean improvement at the threshold is not enough', () => {
    const atThreshold = Array.from({ length: 60 }, (_, i) => 0.01 + (i % 2 === 0 ? 0.02 : -0.02));
    expect(pAbove(signFlipTest(atThreshold, 't'), 0.01)).toBeGreaterThan(0.4);
    const clear = Array.from({ length: 60 }, (_, i) => 0.03 + (i % 2 === 0 ? 0.02 : -0.02));
    expect(pAbove(signFlipTest(clear, 't'), 0.01)).toBeLessThan(0.001);
  });
});

describe('simultaneous intervals (where a constant acts)', () => {
  const r = seedrandom('simultaneous');
  const sample = Array.from({ length: 30 }, () => 0.05 + 0.1 * normal(r));

  it('gives each sample the two-sided interval of its own test at α / family, from its own seed', () => {
    const [alone] = simultaneousIntervals([['facts', sample]], 'x', { family: 7 });
    const test = signFlipTest(sample, 'x:facts', 5_000);
    const each = 0.05 / 7 / 2;
    expect(alone).toEqual([lowerBound(test, each), upperBound(test, each)]);
    // Listing other samples does not change it; a sample of zeros gets the point 0.
    const [withOthers, zeros] = simultaneousIntervals(
      [
        ['facts', sample],
        ['topic', Array(30).fill(0)],
      ],
      'x',
      { family: 7 },
    );
    expect(withOthers).toEqual(alone);
    expect(zeros).toEqual([0, 0]);
  });

  it('widens with the family: seven rankings’ intervals hold where one ranking’s 95 % interval would not', () => {
    const [one] = simultaneousIntervals([['facts', sample]], 'x', { family: 1 });
    const [seven] = simultaneousIntervals([['facts', sample]], 'x', { family: 7 });
    expect(seven![0]).toBeLessThan(one![0]);
    expect(seven![1]).toBeGreaterThan(one![1]);
  });

  it('flags some ranking of seven under sign-flip nulls at most about 5 % of the time', () => {
    let flagged = 0;
    const trials = 300;
    const rr = seedrandom('nulls');
    for (let t = 0; t < trials; t++) {
      // Seven rankings of 25 scenarios, symmetric about zero, correlated through a shared scenario effect.
      const shared = Array.from({ length: 25 }, () => normal(rr));
      const samples = Array.from(
        { length: 7 },
        (_, k) =>
          [`r${k}`, shared.map((x) => (rr() < 0.5 ? -1 : 1) * Math.abs(x + 0.5 * normal(rr)))] as const,
      );
      const intervals = simultaneousIntervals(samples, `t${t}`, { resamples: 1_000 });
      if (intervals.some(([lo, hi]) => lo > 0 || hi < 0)) flagged++;
    }
    // 95 % upper binomial bound for a 5 % rate over 300 trials is about 7.5 %.
    expect(flagged / trials).toBeLessThanOrEqual(0.075);
  });
});

describe('sequential design', () => {
  it('spends α over the looks by α·t² (t: share of the budget seen), and grows ×3 to the budget', () => {
    const design = sequentialDesign(15, 365, 0.025);
    expect(design.looks).toEqual([15, 45, 135, 365]);
    expect(design.levels.reduce((a, b) => a + b, 0)).toBeCloseTo(0.025, 12);
    expect(design.levels[0]).toBeCloseTo(0.025 * (15 / 365) ** 2, 12);
    expect(design.levels[3]).toBeCloseTo(0.025 * (1 - (135 / 365) ** 2), 12);
    expect(sequentialDesign(15, 15, 0.05)).toEqual({ looks: [15], levels: [0.05] });
  });

  it('asks for more scenarios only for proposals still open, and never re-tests a decided one', async () => {
    const r = seedrandom('looks');
    const strong = Array.from({ length: 365 }, () => 0.1 + 0.02 * normal(r));
    const none = Array.from({ length: 365 }, () => -0.05 + 0.02 * normal(r));
    const faint = Array.from({ length: 365 }, () => 0.02 + 0.03 * normal(r));
    const data = new Map([
      ['strong', strong],
      ['none', none],
      ['faint', faint],
    ]);
    const asked: [string[], number][] = [];
    const outcomes = await runSequential(
      sequentialDesign(15, 365, 0.025),
      [...data.keys()],
      async (keys, n) => {
        asked.push([[...keys], n]);
        return new Map(keys.map((k) => [k, data.get(k)!.slice(0, n)]));
      },
      { threshold: 0.01, seed: 'looks' },
    );
    // Look 1 spends too little α for any acceptance (α·(15/365)²/3 < 1/20,001): it can only drop the futile.
    expect(outcomes.get('none')).toMatchObject({ status: 'futile', look: 1 });
    expect(outcomes.get('strong')).toMatchObject({ status: 'accepted', look: 2, n: 45 });
    expect(outcomes.get('faint')!.status).toBe('accepted');
    expect(outcomes.get('faint')!.look).toBeGreaterThan(2);
    expect(asked[0]).toEqual([['strong', 'none', 'faint'], 15]);
    expect(asked[1]).toEqual([['strong', 'faint'], 45]);
    for (const [keys] of asked.slice(2)) expect(keys).toEqual(['faint']);
  });
});

describe('calibration', () => {
  it('gives Wilson intervals', () => {
    expect(wilson(0, 50).interval[1]).toBeCloseTo(0.0713, 3);
    const half = wilson(50, 100);
    expect(half.rate).toBe(0.5);
    expect(half.interval[0]).toBeCloseTo(0.4038, 3);
    expect(half.interval[1]).toBeCloseTo(0.5962, 3);
  });
});

describe('calibration on deltas whose outcome is known', () => {
  // Every measured delta has magnitude 0.001: sign-flipped they average about 0, far below the threshold
  // 0.01 (no false accept); at the boundary they sit on it (p ≈ 0.5: no accept); planted at threshold + 0.03
  // every one is far above it (accepted, and confirmed since the shifted confirmation deltas are positive).
  const keys = ['A', 'B', 'C'];
  const tiny = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.001 : -0.001));
  const measured = {
    bank: 7,
    keys,
    validation: new Map(keys.map((k, j) => [k, tiny(30 + j)])),
    confirmation: new Map(keys.map((k, j) => [k, tiny(12 - j)])),
  };
  it('counts no false accepts, no boundary accepts and every planted effect, over runs × proposals trials', async () => {
    const result = await calibrateBank(measured, {
      design: sequentialDesign(10, 30, 0.025),
      threshold: 0.01,
      runs: 4,
      planted: 0.03,
      seed: 'known',
      resamples: 500,
    });
    expect(result).toMatchObject({
      bank: 7,
      proposals: keys,
      validationScenarios: 30,
      confirmationScenarios: 10,
      fullNull: { hits: 0, trials: 4, rate: 0 },
      boundaryNull: { hits: 0, trials: 4, rate: 0 },
      power: { hits: 12, trials: 12, rate: 1 },
    });
    expect(result.power.interval[0]).toBeCloseTo(wilson(12, 12).interval[0], 12);
    expect(result.power.interval[0]).toBeLessThan(1);
  });

  it('accepts nothing when the planted effect does not clear the threshold', async () => {
    const result = await calibrateBank(measured, {
      design: sequentialDesign(10, 30, 0.025),
      threshold: 0.01,
      runs: 3,
      planted: -0.005,
      seed: 'known',
      resamples: 500,
    });
    expect(result.power).toMatchObject({ hits: 0, trials: 9 });
  });

  it('counts a null run as a false accept exactly when it accepts and the confirmation agrees', async () => {
    const one = {
      bank: 2,
      keys: ['A'],
      validation: new Map([['A', Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 0.001 : -0.001))]]),
      confirmation: new Map([['A', [0.01]]]),
    };
    // Threshold −1: every null run passes validation; its one confirmation delta has a random sign, so about
    // half the runs confirm (and count), the others do not. Boundary runs sit at mean −1 and never confirm.
    const loose = await calibrateBank(one, {
      design: sequentialDesign(10, 10, 0.5),
      threshold: -1,
      runs: 40,
      planted: 3,
      seed: 'count',
      resamples: 200,
    });
    expect(loose.fullNull.hits).toBeGreaterThan(5);
    expect(loose.fullNull.hits).toBeLessThan(35);
    expect(loose.boundaryNull.hits).toBe(0);
    expect(loose.power).toMatchObject({ hits: 40, trials: 40 });
    // Threshold 0.5 at α = 0.5: a boundary run passes validation about half the time and always confirms.
    const edge = await calibrateBank(one, {
      design: sequentialDesign(10, 10, 0.5),
      threshold: 0.5,
      runs: 40,
      planted: 0.03,
      seed: 'count',
      resamples: 200,
    });
    expect(edge.boundaryNull.hits).toBeGreaterThan(5);
    expect(edge.boundaryNull.hits).toBeLessThan(35);
    expect(edge.fullNull.hits).toBe(0);
  });

  it('reports no rate for no trials, and no scenarios for no proposals', async () => {
    expect(wilson(0, 0)).toEqual({ hits: 0, trials: 0, rate: Number.NaN, interval: [0, 1] });
    const none = await calibrateBank(
      { bank: 1, keys: [], validation: new Map(), confirmation: new Map() },
      { design: sequentialDesign(10, 10, 0.05), threshold: 0.01, runs: 2, planted: 0.03, seed: 'n' },
    );
    expect(none).toMatchObject({ validationScenarios: 0, confirmationScenarios: 0, power: { trials: 0 } });
    expect(none.fullNull).toMatchObject({ hits: 0, trials: 2 });
  });

  it('pools banks by adding hits and trials', () => {
    const bank = (hits: number, trials: number) => ({ power: wilson(hits, trials) }) as never;
    expect(pooled([bank(3, 10), bank(5, 30)], (b: { power: ReturnType<typeof wilson> }) => b.power)).toEqual(
      wilson(8, 40),
    );
  });
});
