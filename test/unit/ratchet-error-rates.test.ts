import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { calibrateBank } from '../../src/ratchet/calibration.js';
import { sequentialDesign } from '../../src/ratchet/sequential.js';
import { rejectsAbove } from '../../src/stats/sign-flip.js';
import { decide } from '../helpers/synthetic-ratchet.js';

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

// Error rates over many seeded repetitions: slow (and far slower instrumented), so mutation testing leaves
// this file out (vitest.mutation.config.ts); targeted tests elsewhere kill the mutants these would.
describe('RatchetLoop error rates on synthetic evaluators (σ = 0.02 per-scenario noise, 35 train, 15 → 135 validation)', () => {
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
});

describe('sign-flip test error rates', () => {
  it('holds its size on symmetric nulls at n = 15 (400 data sets, level 0.05)', () => {
    const r = seedrandom('size');
    let rejected = 0;
    for (let k = 0; k < 400; k++) {
      // Heavy-tailed and lumpy, like per-scenario nDCG deltas: many zeros, a few large moves.
      const deltas = Array.from({ length: 15 }, () => (r() < 0.4 ? 0 : 0.1 * normal(r) ** 3));
      if (rejectsAbove(deltas, 0, 0.05, `size:${k}`, 2000)) rejected++;
    }
    // Exact test: at most 5 % in expectation; 400 draws put the 99.9 % upper tail near 8.3 %.
    expect(rejected / 400).toBeLessThanOrEqual(0.083);
  });
});

describe('calibration error rates', () => {
  it('finds few false accepts under sign-flip nulls and high power for a planted effect', async () => {
    const r = seedrandom('calibration');
    const keys = ['A', 'B', 'C'];
    const validation = new Map(keys.map((k) => [k, Array.from({ length: 135 }, () => 0.06 * normal(r))]));
    const confirmation = new Map(keys.map((k) => [k, Array.from({ length: 40 }, () => 0.06 * normal(r))]));
    const result = await calibrateBank(
      { bank: 1, keys, validation, confirmation },
      {
        design: sequentialDesign(15, 135, 0.025),
        threshold: 0.01,
        runs: 60,
        planted: 0.03,
        seed: 'c',
        resamples: 4000,
      },
    );
    expect(result.fullNull.hits).toBeLessThanOrEqual(3);
    expect(result.boundaryNull.rate).toBeLessThanOrEqual(0.1);
    expect(result.power.trials).toBe(180);
    expect(result.power.rate).toBeGreaterThan(0.8);
  });
});
