/** ScenarioSeed: the seven axes a generated scenario is drawn from, validated with clear errors. Pure. */
import { ConfigError } from '../../errors.js';

export const IMPORTANCE_SHAPES = ['uniform', 'clustered', 'bimodal', 'exponential', 'flat'] as const;
export const ACCESS_PATTERNS = ['all_recent', 'half_stale', 'mostly_stale', 'interleaved'] as const;
export type ImportanceShape = (typeof IMPORTANCE_SHAPES)[number];
export type AccessPattern = (typeof ACCESS_PATTERNS)[number];

export interface ScenarioSeed {
  readonly seedId: number;
  /** How many records compete (5–1,000; the default bank draws 5–100). */
  readonly recordCount: number;
  readonly importanceShape: ImportanceShape;
  readonly accessPattern: AccessPattern;
  /** Share of records with an outcome history (0–1). */
  readonly outcomeFrequency: number;
  /** Share of noise records (0–0.5). */
  readonly noiseRatio: number;
  /** How densely records are linked (0–1). */
  readonly linkDensity: number;
  /** How far back the history reaches, in days (1–365). */
  readonly ageSpreadDays: number;
}

/** The largest scenario a seed may ask for (the benchmark's scale point). */
export const MAX_RECORD_COUNT = 1000;

export const SEED_AXES = [
  'recordCount',
  'importanceShape',
  'accessPattern',
  'outcomeFrequency',
  'noiseRatio',
  'linkDensity',
  'ageSpreadDays',
] as const;
export type SeedAxis = (typeof SEED_AXES)[number];

function numberIn(seed: Record<string, unknown>, key: string, lo: number, hi: number, integer = false): void {
  const value = seed[key];
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < lo ||
    value > hi ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ConfigError(
      `seed ${String(seed.seedId)}: ${key} = ${JSON.stringify(value)} is invalid; use ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`,
    );
  }
}

function oneOf(seed: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  if (!allowed.includes(seed[key] as string)) {
    throw new ConfigError(
      `seed ${String(seed.seedId)}: ${key} = ${JSON.stringify(seed[key])} is invalid; use one of ${allowed.join(', ')}`,
    );
  }
}

/** Checks every axis; the error names the seed, the axis, the bad value and what is allowed. */
export function validateSeed(candidate: unknown): ScenarioSeed {
  if (!candidate || typeof candidate !== 'object') throw new ConfigError('a scenario seed must be an object');
  const seed = candidate as Record<string, unknown>;
  numberIn(seed, 'seedId', 0, Number.MAX_SAFE_INTEGER, true);
  numberIn(seed, 'recordCount', 5, MAX_RECORD_COUNT, true);
  oneOf(seed, 'importanceShape', IMPORTANCE_SHAPES);
  oneOf(seed, 'accessPattern', ACCESS_PATTERNS);
  numberIn(seed, 'outcomeFrequency', 0, 1);
  numberIn(seed, 'noiseRatio', 0, 0.5);
  numberIn(seed, 'linkDensity', 0, 1);
  numberIn(seed, 'ageSpreadDays', 1, 365);
  const unknown = Object.keys(seed).filter((key) => key !== 'seedId' && !SEED_AXES.includes(key as SeedAxis));
  if (unknown.length > 0)
    throw new ConfigError(`seed ${String(seed.seedId)}: unknown field ${unknown.join(', ')}`);
  return seed as unknown as ScenarioSeed;
}

/** The configuration of a seed without its id: two seeds with equal configurations make the same world shape. */
export function configurationKey(seed: ScenarioSeed): string {
  return SEED_AXES.map((axis) => String(seed[axis])).join('|');
}
