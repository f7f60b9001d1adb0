import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../src/metrics/calibration.js';
import {
  ndcgAt,
  ndcgByRanking,
  precisionAt,
  rankingMetrics,
  rankingOf,
  reciprocalRank,
} from '../../src/metrics/ranking.js';

describe('nDCG@k', () => {
  it('is 1 for the ideal order and uses linear gain with log2(rank + 1) discount', () => {
    const grades = { a: 3, b: 2, c: 1 };
    expect(ndcgAt(['a', 'b', 'c'], grades, 5)).toBe(1);
    const dcg = 1 / Math.log2(2) + 3 / Math.log2(3) + 2 / Math.log2(4);
    const ideal = 3 / Math.log2(2) + 2 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAt(['c', 'a', 'b'], grades, 5)).toBeCloseTo(dcg / ideal, 15);
  });

  it('takes the ideal over all ground-truth grades, so unretrieved relevant records count', () => {
    const grades = { a: 1, b: 1, c: 1 };
    expect(ndcgAt(['a'], grades, 5)).toBeCloseTo(1 / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 15);
  });

  it('cuts both the ranking and the ideal at k', () => {
    const grades = { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 };
    expect(ndcgAt(['x', 'a', 'b', 'c', 'd', 'e'], grades, 5)).toBeLessThan(1);
    expect(ndcgAt(['a', 'b', 'c', 'd', 'e', 'x'], grades, 5)).toBe(1);
  });

  it('is 0 without any positive grade', () => {
    expect(ndcgAt(['a', 'b'], { a: 0 }, 5)).toBe(0);
  });
});

describe('P@k, MRR', () => {
  it('divides precision by k even when fewer items came back', () => {
    expect(precisionAt(['a', 'x'], { a: 1 }, 5)).toBe(0.2);
    expect(precisionAt(['a', 'b', 'x'], { a: 1, b: 0.5 }, 10)).toBe(0.2);
  });
  it('takes the reciprocal rank of the first graded item', () => {
    expect(reciprocalRank(['x', 'y', 'a'], { a: 1 })).toBeCloseTo(1 / 3, 15);
    expect(reciprocalRank(['x'], { a: 1 })).toBe(0);
  });
  it('bundles the five metrics', () => {
    expect(rankingMetrics(['a'], { a: 1 })).toEqual({
      'ndcg@5': 1,
      'ndcg@10': 1,
      'p@5': 0.2,
      'p@10': 0.1,
      mrr: 1,
    });
  });
});

describe('rankings: the queries of one kind together', () => {
  it('names a query’s ranking by its label without a trailing index', () => {
    expect(['topic-0', 'topic-12', 'policies', 'assemble', 'assemble-first', 'q1'].map(rankingOf)).toEqual([
      'topic',
      'topic',
      'policies',
      'assemble',
      'assemble-first',
      'q1',
    ]);
  });
  it('averages nDCG@5 over each ranking’s queries, names sorted', () => {
    const m = (ndcg: number) => ({ 'ndcg@5': ndcg, 'ndcg@10': 0, 'p@5': 0, 'p@10': 0, mrr: 0 });
    const byRanking = ndcgByRanking([
      { label: 'topic-0', metrics: m(0.2) },
      { label: 'policies', metrics: m(0.9) },
      { label: 'topic-1', metrics: m(0.6) },
      { label: 'facts', metrics: m(0.5) },
    ]);
    expect(Object.keys(byRanking)).toEqual(['facts', 'policies', 'topic']);
    expect(byRanking.topic).toBeCloseTo(0.4, 12);
    expect(byRanking.policies).toBe(0.9);
  });
});

describe('expected calibration error', () => {
  it('is 0 for perfect calibration and |accuracy − confidence| for one bin', () => {
    expect(expectedCalibrationError([1, 1, 0, 0], [true, true, false, false])).toBe(0);
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, false, false, false])).toBeCloseTo(
      0.5,
      15,
    );
  });
  it('weights bins by their share and puts 1.0 in the last bin', () => {
    const ece = expectedCalibrationError([0.05, 1.0], [false, false]);
    expect(ece).toBeCloseTo(0.5 * 0.05 + 0.5 * 1.0, 15);
  });
  it('is null without predictions and rejects mismatched or out-of-range input', () => {
    expect(expectedCalibrationError([], [])).toBeNull();
    expect(() => expectedCalibrationError([0.5], [])).toThrow(/differ in length/);
    expect(() => expectedCalibrationError([1.5], [true])).toThrow(/outside \[0, 1\]/);
  });
});
