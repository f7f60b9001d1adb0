/**
 * Seed banks: deterministic, diverse and independent. Bank b is three endless sequences of seeds, one per
 * role (train, validation, confirmation), each with its own scrambled Halton sequence (one prime base per
 * continuous axis, so no two axes move together) and its own seed ids, so extending one role never moves
 * another and no two banks or roles share a seed id. Shapes and patterns are dealt from weighted decks in
 * blocks, so every prefix of a role holds each of them in proportion. The bank leans toward the
 * high-leverage corner (30–100 records, clustered importance, mixed staleness). Pure.
 */
import { ConfigError } from '../../errors.js';
import { Stream } from './random.js';
import {
  ACCESS_PATTERNS,
  type AccessPattern,
  IMPORTANCE_SHAPES,
  type ImportanceShape,
  type ScenarioSeed,
} from './seed.js';

export const DEFAULT_SEED_COUNT = 50;
export const DEFAULT_TRAIN_FRACTION = 0.7;
export const DEFAULT_BANK = 0;
/** The sequential budget: train plus validation scenarios a round may grow to. */
export const DEFAULT_MAX_SEEDS = 400;
/** Fresh confirmation scenarios per round that accepts something. */
export const DEFAULT_CONFIRM_SEEDS = 60;

export const SEED_ROLES = ['train', 'validation', 'confirmation'] as const;
export type SeedRole = (typeof SEED_ROLES)[number];

/** Seed ids of a bank span this many; a role's ids start at its offset inside the bank's span. */
export const BANK_SPAN = 10_000_000;
export const ROLE_SPAN = 1_000_000;
export const MAX_BANK = 899_999_999;

/**
 * The smallest world the bank draws. Below about 20 records most worlds have no topic with three relevant
 * records outside the query's context (a scenario needs three to be scored), so the axis starts here; the
 * few smaller scorable worlds are still reachable through explicit seeds.
 */
export const BANK_MIN_RECORDS = 20;
export const BANK_MAX_RECORDS = 100;

/** Fewest training scenarios a decision may rest on. */
export const MIN_TRAIN_SCENARIOS = 5;
/** Fewest validation scenarios at the first look (below 3 a sign-flip test cannot reach any usual level). */
export const MIN_VALIDATION_SCENARIOS = 3;
/** Most scenarios a run may ask for (seeds or budget): bounded before anything is allocated. */
export const MAX_RUN_SEEDS = 100_000;

/**
 * Checks a run's sizes before any work: enough training and validation scenarios for a decision to mean
 * something, and no more than the run may hold. `names` spell the options as the caller's users know them.
 */
export function checkRunSizes(
  sizes: { seeds: number; trainFraction: number; maxSeeds: number },
  names = { seeds: '--seeds', maxSeeds: '--max-seeds', trainFraction: '--train-fraction' },
): void {
  const { seeds, trainFraction, maxSeeds } = sizes;
  if (seeds > MAX_RUN_SEEDS || maxSeeds > MAX_RUN_SEEDS) {
    const [name, value] = seeds > MAX_RUN_SEEDS ? [names.seeds, seeds] : [names.maxSeeds, maxSeeds];
    throw new ConfigError(`${name} ${value} is above the limit of ${MAX_RUN_SEEDS} scenarios; use fewer`);
  }
  const train = trainCount(seeds, trainFraction);
  if (train < MIN_TRAIN_SCENARIOS || seeds - train < MIN_VALIDATION_SCENARIOS) {
    throw new ConfigError(
      `${names.seeds} ${seeds} with ${names.trainFraction} ${trainFraction} gives ${train} training and ${seeds - train} validation scenarios; a decision needs at least ${MIN_TRAIN_SCENARIOS} and ${MIN_VALIDATION_SCENARIOS}: use more seeds or another fraction`,
    );
  }
  if (maxSeeds < seeds) {
    throw new ConfigError(
      `${names.maxSeeds} ${maxSeeds} is below ${names.seeds} ${seeds}; the budget must be at least the starting seeds`,
    );
  }
}

/** The number of training seeds of a run of `n` seeds; the rest are the first validation look. */
export const trainCount = (n: number, fraction = DEFAULT_TRAIN_FRACTION): number => Math.floor(fraction * n);

export function checkBank(bank: number): number {
  if (!Number.isInteger(bank) || bank < 0 || bank > MAX_BANK) {
    throw new ConfigError(`bank ${bank} is invalid; use a whole number from 0 to ${MAX_BANK}`);
  }
  return bank;
}

export function seedIdOf(bank: number, role: SeedRole, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= ROLE_SPAN) {
    throw new ConfigError(`seed index ${index} is outside a role's ${ROLE_SPAN} seeds`);
  }
  return checkBank(bank) * BANK_SPAN + SEED_ROLES.indexOf(role) * ROLE_SPAN + index;
}

/** Where a seed id comes from: its bank, role and index in the role. */
export function seedOrigin(seedId: number): { bank: number; role: SeedRole; index: number } | null {
  if (!Number.isSafeInteger(seedId) || seedId < 0) return null;
  const bank = Math.floor(seedId / BANK_SPAN);
  const rest = seedId % BANK_SPAN;
  const role = SEED_ROLES[Math.floor(rest / ROLE_SPAN)];
  return role ? { bank, role, index: rest % ROLE_SPAN } : null;
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

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The card at `index` of an endless deal: each block of deck-size cards is the whole deck, shuffled. */
function cardAt<T>(deck: readonly T[], index: number, key: string): T {
  const block = Math.floor(index / deck.length);
  return new Stream(`${key}:${block}`).shuffle(deck)[index % deck.length]!;
}

const shiftsCache = new Map<string, readonly number[]>();
function shiftsOf(key: string): readonly number[] {
  let shifts = shiftsCache.get(key);
  if (!shifts) {
    const stream = new Stream(key);
    shifts = BASES.map(() => stream.uniform());
    shiftsCache.set(key, shifts);
  }
  return shifts;
}

/** The `index`-th seed of a role in a bank. */
export function bankSeed(bank: number, role: SeedRole, index: number): ScenarioSeed {
  const seedId = seedIdOf(bank, role, index);
  const key = `seed-bank:${bank}:${role}`;
  const shifts = shiftsOf(key);
  const [u1, u2, u3, u4, u5] = BASES.map((base, d) => (radicalInverse(index + 1, base) + shifts[d]!) % 1) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const span = BANK_MAX_RECORDS - 30;
  return {
    seedId,
    recordCount:
      u1 < 0.15
        ? BANK_MIN_RECORDS + Math.floor((u1 / 0.15) * (30 - BANK_MIN_RECORDS))
        : 30 + Math.round(((u1 - 0.15) / 0.85) * span),
    importanceShape: cardAt(SHAPE_DECK, index, `${key}:shapes`),
    accessPattern: cardAt(PATTERN_DECK, index, `${key}:patterns`),
    outcomeFrequency: round2(u2),
    noiseRatio: round2(u3 * 0.5),
    linkDensity: round2(u4),
    ageSpreadDays: Math.min(365, Math.max(1, Math.round(Math.exp(u5 * Math.log(365))))),
  };
}

/** The seed an id names, when it is a bank seed. */
export function seedOfId(seedId: number): ScenarioSeed | null {
  const origin = seedOrigin(seedId);
  return origin ? bankSeed(origin.bank, origin.role, origin.index) : null;
}

/**
 * The first draws of a run of `n` seeds: ⌊fraction·n⌋ training seeds, then validation seeds (degenerate
 * draws included; `ScenarioBank` replaces them).
 */
export function defaultSeeds(
  n = DEFAULT_SEED_COUNT,
  trainFraction = DEFAULT_TRAIN_FRACTION,
  bank = DEFAULT_BANK,
): ScenarioSeed[] {
  const train = trainCount(n, trainFraction);
  return [
    ...Array.from({ length: train }, (_, i) => bankSeed(bank, 'train', i)),
    ...Array.from({ length: n - train }, (_, i) => bankSeed(bank, 'validation', i)),
  ];
}
