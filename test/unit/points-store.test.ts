import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { PointsStore } from '../../src/points/store.js';
import type { PointScore } from '../../src/sweep/runner.js';

const point = (rankings?: Record<string, number>): PointScore => ({
  scenario: 'seed-0',
  status: 'ok',
  metrics: { 'ndcg@5': 0.5, 'ndcg@10': 0.5, 'p@5': 0.4, 'p@10': 0.2, mrr: 1 },
  ...(rankings ? { rankings } : {}),
  calibrationError: null,
  rankingHash: 'abc',
  durationMs: 3,
});

describe('PointsStore.merge', () => {
  it('takes a point again when only its duration or its missing per-ranking scores differ', () => {
    const store = new PointsStore();
    store.set('k', point({ facts: 0.4, topic: 0.6 }));
    expect(() => store.merge([['k', { ...point(), durationMs: 9 }]], 'old.json')).not.toThrow();
    expect(store.get('k')!.rankings).toEqual({ facts: 0.4, topic: 0.6 });
  });

  it('refuses a point whose per-ranking scores differ, naming the file', () => {
    const store = new PointsStore();
    store.set('k', point({ facts: 0.4, topic: 0.6 }));
    expect(() => store.merge([['k', point({ facts: 0.5, topic: 0.6 })]], 'shard-2.json')).toThrow(InputError);
    expect(() => store.merge([['k', point({ facts: 0.5, topic: 0.6 })]], 'shard-2.json')).toThrow(
      /shard-2\.json: point k differs/,
    );
  });
});
