/**
 * The default seed bank: deterministic and diverse. Continuous axes come from a scrambled Halton sequence
 * (one prime base per axis, so no two axes move together); shapes and patterns are dealt out per split
 * from weighted decks, so each split holds every one of them; the bank leans toward the high-leverage
 * corner (30–100 records, clustered importance, mixed staleness). Pure.
 */
import { Stream } from './random.js';
import {
  ACCESS_PATTERNS,
  type AccessPattern,
  configurationKey,
  IMPORTANCE_SHAPES,
  type ImportanceShape,
  type ScenarioSeed,
} from './seed.js';

export const DEFAULT_SEED_COUNT = 50;
export const DEFAULT_TRAIN_FRACTION = 0.7;

export type Split = 'train' | 'validation';

/** Seed ids below ⌊fraction·n⌋ train, the rest validate. */
export function splitOf(seedId: number, n: number, fraction = DEFAULT_TRAIN_FRACTION): Split {
  return seedId < Math.floor(fraction * n) ? 'train' : 'validation';
}

const SHAPE_DECK: readonly ImportanceShape[] = [...IMPORTANCE_SHAPES, 'clustered'];
const PATTERN_DECK: readonly AccessPattern[] = [...ACCESS_PATTERNS, 'half_stale', 'interleaved'];
const BASES = [2, 3, 5, 7, 11] as const;

function radicalInverse(index: number, base: number): number {
  let result = 0;
  let fraction = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    result += (i % base) * fraction;
    fraction /= base;
  }
  return result;
}

/** Deals `count` cards: whole decks first (so every card appears when count ≥ deck size), then a shuffled remainder. */
function deal<T>(deck: readonly T[], count: number, stream: Stream): T[] {
  const cards: T[] = [];
  while (cards.length + deck.length <= count) cards.push(...deck);
  cards.push(...stream.shuffle(deck).slice(0, count - cards.length));
  return stream.shuffle(cards);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function defaultSeeds(n = DEFAULT_SEED_COUNT, trainFraction = DEFAULT_TRAIN_FRACTION): ScenarioSeed[] {
  const stream = new Stream('seed-bank');
  const shifts = BASES.map(() => stream.uniform());
  const trainCount = Math.floor(trainFraction * n);
  const shapes = [...deal(SHAPE_DECK, trainCount, stream), ...deal(SHAPE_DECK, n - trainCount, stream)];
  const patterns = [...deal(PATTERN_DECK, trainCount, stream), ...deal(PATTERN_DECK, n - trainCount, stream)];
  const seeds: ScenarioSeed[] = [];
  const trainConfigurations = new Set<string>();
  for (let seedId = 0; seedId < n; seedId++) {
    const [u1, u2, u3, u4, u5] = BASES.map(
      (base, d) => (radicalInverse(seedId + 1, base) + shifts[d]!) % 1,
    ) as [number, number, number, number, number];
    let seed: ScenarioSeed = {
      seedId,
      recordCount: u1 < 0.15 ? 5 + Math.floor((u1 / 0.15) * 25) : 30 + Math.round(((u1 - 0.15) / 0.85) * 70),
      importanceShape: shapes[seedId]!,
      accessPattern: patterns[seedId]!,
      outcomeFrequency: round2(u2),
      noiseRatio: round2(u3 * 0.5),
      linkDensity: round2(u4),
      ageSpreadDays: Math.min(365, Math.max(1, Math.round(Math.exp(u5 * Math.log(365))))),
    };
    if (splitOf(seedId, n, trainFraction) === 'train') {
      trainConfigurations.add(configurationKey(seed));
    } else {
      // A validation configuration never repeats a training one.
      while (trainConfigurations.has(configurationKey(seed))) {
        seed = {
          ...seed,
          recordCount: seed.recordCount >= 100 ? seed.recordCount - 1 : seed.recordCount + 1,
        };
      }
    }
    seeds.push(seed);
  }
  return seeds;
}
