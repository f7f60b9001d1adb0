/** A synthetic ratchet evaluator over DECAY_RATE with seeded per-scenario noise, for the ratchet's unit tests. */
import seedrandom from 'seedrandom';
import { type ConstantSpec, findConstant } from '../../src/constants/registry.js';
import { defaultConstants } from '../../src/constants/values.js';
import { type RatchetEvaluator, type RatchetOptions, runRatchet } from '../../src/ratchet/ratchet.js';
import type { SeedRole } from '../../src/scenarios/factory/seed-bank.js';
import type { PointScore } from '../../src/sweep/runner.js';

export const DECAY_RATE = findConstant('DECAY_RATE')!; // grid 0.05 0.1 0.2 0.3 0.5 0.7 0.9 1.0, current 0.1
export const constants = defaultConstants();

export type Effect = (value: number, split: SeedRole) => number;

/**
 * Per-scenario nDCG@5 = scenario difficulty + effect(value) + N(0, σ) noise, with every draw keyed by
 * (repetition, value, role, scenario), so each value meets fresh noise on the same scenarios.
 */
export function synthetic(effect: Effect, { rep = 0, sigma = 0.02 } = {}): RatchetEvaluator {
  return {
    async run(overrides, slice) {
      const value = Number(overrides.DECAY_RATE ?? constants.DECAY_RATE);
      const split = slice.role;
      return Array.from({ length: slice.to - slice.from }, (_, i): PointScore => {
        const s = slice.from + i;
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

export const SIZES: RatchetOptions = {
  trainSeeds: 35,
  validationSeeds: 15,
  maxValidationSeeds: 135,
  confirmationSeeds: 40,
};

export const decide = async (
  effect: Effect,
  options: Parameters<typeof synthetic>[1] = {},
  ratchet: Partial<RatchetOptions> = {},
) =>
  (
    await runRatchet(synthetic(effect, options), [DECAY_RATE], constants, {
      ...SIZES,
      resamples: 2000,
      ...ratchet,
    })
  ).decisions[0]!;

/** A registry entry as it would stand for a constant the engine does not model (a library's newer constant). */
export function notModelled(name: string): ConstantSpec {
  return { ...findConstant(name)!, engine: { status: 'not-modelled', why: 'not modelled in this test' } };
}
