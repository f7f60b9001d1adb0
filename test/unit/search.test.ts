import { describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import type { RatchetEvaluator } from '../../src/ratchet/ratchet.js';
import { closestTo, jointSearch, nearOptimal, nextOutward } from '../../src/ratchet/search.js';
import type { PointScore } from '../../src/sweep/runner.js';

const constants = defaultConstants();
const spec = (name: string) => findConstant(name)!;

describe('outward search steps', () => {
  it('doubles the last gap, halves toward an open bound, stops at a closed one and at the resolution', () => {
    const decay = spec('DECAY_RATE'); // (0, 2]
    expect(nextOutward(decay, [0.9, 1], 'high', constants, 0.95)).toBe(1.2);
    expect(nextOutward(decay, [1.6, 1.9], 'high', constants, 0.95)).toBe(2); // closed bound: the bound itself
    expect(nextOutward(decay, [1.9, 2], 'high', constants, 0.95)).toBeNull(); // nothing past it
    expect(nextOutward(decay, [0.05, 0.1], 'low', constants, 0.95)).toBe(0.025); // open bound 0: halfway
    expect(nextOutward(decay, [0.0125, 0.025], 'low', constants, 0.95)).toBeNull(); // 0.00625 < 1 % of span
    const events = spec('MIN_EVENTS_FOR_CRYSTALLIZATION'); // an integer ≥ 1
    expect(nextOutward(events, [5, 10], 'high', constants, 9)).toBe(20);
    expect(nextOutward(events, [1, 2], 'low', constants, 9)).toBeNull();
  });

  it('finds the near-optimal interval around the best and the value nearest the current one', () => {
    const means = [0.1, 0.2, 0.3, 0.5, 0.7].map((value, i) => ({
      value,
      mean: [0.3, 0.345, 0.35, 0.342, 0.2][i]!,
    }));
    expect(nearOptimal(means, 0.1, 0.01)).toMatchObject({ from: 0.2, to: 0.5, best: { value: 0.3 } });
    expect(closestTo([0.2, 0.3, 0.5], 0.1)).toBe(0.2);
    expect(closestTo([0.2, 0.4], 0.3)).toBe(0.2); // a tie goes to the smaller value
  });
});

describe('joint search', () => {
  const members = ['CO_OCCURRENCE_INITIAL_WEIGHT', 'delta', 'CO_OCCURRENCE_DECAY_PER_HOP'].map(spec);
  // A ridge: only the product of the first link and the share matters (they substitute for each other),
  // and the per-hop decay has an optimum of its own at 0.9.
  const score = (o: Record<string, number>) =>
    0.5 -
    8 * (o.CO_OCCURRENCE_INITIAL_WEIGHT! * o.delta! - 0.04) ** 2 -
    0.2 * (o.CO_OCCURRENCE_DECAY_PER_HOP! - 0.9) ** 2;
  const evaluator: RatchetEvaluator = {
    async run(overrides, slice) {
      const effective = withOverrides(constants, overrides) as Record<string, number>;
      const value = score(effective);
      return Array.from(
        { length: slice.to - slice.from },
        (_, i): PointScore => ({
          scenario: `s${i}`,
          status: 'ok',
          metrics: { 'ndcg@5': value, 'ndcg@10': value, 'p@5': 0, 'p@10': 0, mrr: 0 },
          calibrationError: null,
          rankingHash: String(value),
          durationMs: 0,
        }),
      );
    },
  };

  it('ends within the threshold of the best found, moving no member further than the ridge requires', async () => {
    const result = await jointSearch(
      evaluator,
      members,
      constants,
      { role: 'train', from: 0, to: 5 },
      {
        metric: 'ndcg@5',
        threshold: 0.01,
        extend: true,
      },
    );
    const proposal = { ...constants, ...result.proposal } as Record<string, number>;
    expect(score(proposal)).toBeGreaterThanOrEqual(result.bestMean - 0.01 - 1e-12);
    expect(result.proposalMean).toBeCloseTo(score(proposal), 12);
    // Current values: weight 0.1, delta 0.05, per-hop 0.5: the product 0.005 is far from 0.04.
    expect(result.proposal.CO_OCCURRENCE_INITIAL_WEIGHT! * result.proposal.delta!).toBeGreaterThan(0.005);
    for (const s of members) {
      const [from, to] = result.region[s.name]!;
      expect(result.proposal[s.name]).toBeGreaterThanOrEqual(from);
      expect(result.proposal[s.name]).toBeLessThanOrEqual(to);
      // Nothing nearer the current value inside the member's region.
      const current = Number(constants[s.name]);
      expect(result.proposal[s.name]).toBe(Math.min(Math.max(current, from), to));
    }
  });
});
