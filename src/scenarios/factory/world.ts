/**
 * The hidden world behind a generated scenario (docs/generated-scenarios.md). Each record has a hidden
 * usefulness for the query, computed from hidden variables only (topic, intrinsic value, validity, kind,
 * true time of last use) before and without any constant. The evidence the memory sees is drawn from
 * these variables later, with reliabilities that differ between seeds. Pure.
 */
import { WEEK_SECONDS } from '../../engine/temporal-discovery.js';
import { clamp01, Stream } from './random.js';
import type { AccessPattern, ScenarioSeed } from './seed.js';

export type RecordKind = 'evergreen' | 'episodic' | 'periodic';

export { WEEK_SECONDS };

export interface HiddenRecord {
  readonly id: string;
  readonly index: number;
  /** Junk with no usefulness for any query; most of it has low importance. */
  readonly noise: boolean;
  /** The topic the record is about (−1 for noise); topic 0 is the one currently being worked on. */
  readonly topic: number;
  /** About the current topic (topic 0). */
  readonly onTopic: boolean;
  /** False for records later shown wrong: useless whatever else they look like. */
  readonly valid: boolean;
  readonly kind: RecordKind;
  /** Intrinsic value in [0, 1]. */
  readonly value: number;
  /** Days before the query when the record was written. */
  readonly createdDaysAgo: number;
  /** Days before the query when it was last truly used (≤ createdDaysAgo). */
  readonly lastUseDaysAgo: number;
  /** Periodic records: the epoch-second offset at which the weekly need peaks. */
  readonly phase: number;
  /** Need at query time in [0, 1]. */
  readonly need: number;
  /** The ground truth for a query about the record's topic: valid · value · need (0 for noise). */
  readonly usefulness: number;
}

export interface Reliabilities {
  /** How faithfully importance reads intrinsic value (0.3–0.9). */
  readonly importance: number;
  /** How strongly on-topic records tend to have been used recently (0.1–0.6). */
  readonly recency: number;
  /** How often outcome labels are right (0.6–0.95). */
  readonly outcome: number;
  /** How many times true associations get strengthened (0.3–1). */
  readonly links: number;
}

export interface World {
  readonly seed: ScenarioSeed;
  /** Epoch seconds of the query. */
  readonly now: number;
  readonly topics: number;
  /** True half-life of episodic need, in days. */
  readonly halfLifeDays: number;
  readonly reliabilities: Reliabilities;
  readonly records: readonly HiddenRecord[];
}

/** The simulated history ends at this epoch (2026-01-01T00:00:00Z) plus the history length. */
export const HISTORY_START = 1767225600;

const RECENT_SHARE: Record<AccessPattern, number> = {
  all_recent: 1,
  half_stale: 0.5,
  mostly_stale: 0.2,
  interleaved: Number.NaN, // continuous: see lastUse()
};

/** Grades for nDCG from usefulness: 3 ≥ 0.55 > 2 ≥ 0.35 > 1 ≥ 0.18 > 0. */
export function grade(usefulness: number): number {
  if (usefulness >= 0.55) return 3;
  if (usefulness >= 0.35) return 2;
  if (usefulness >= 0.18) return 1;
  return 0;
}

/** The graded items (grade above 0) by id, in the items' order, from each one's usefulness. */
export function gradesOf<T extends { readonly id: string }>(
  items: readonly T[],
  usefulness: (item: T) => number,
): Record<string, number> {
  const grades: Record<string, number> = {};
  for (const item of items) {
    const g = grade(usefulness(item));
    if (g > 0) grades[item.id] = g;
  }
  return grades;
}

/** Where a value lies between the smallest and the largest of `values` (0 to 1). */
export function placeBetween(values: readonly number[]): (value: number) => number {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return (value) => (value - lo) / (hi - lo);
}

function lastUse(
  pattern: AccessPattern,
  history: number,
  topical: boolean,
  recency: number,
  chatter: boolean,
  s: Stream,
) {
  const recentWindow = Math.min(1.5, history);
  if (pattern === 'interleaved') {
    const u = s.uniform();
    // Topical records lean recent: the draw is shrunk towards now by the recency reliability.
    return history * (topical ? u * (1 - recency * s.uniform()) : u);
  }
  let p = RECENT_SHARE[pattern];
  if (topical) p += (1 - p) * recency;
  if (chatter) p += (1 - p) * 0.3;
  return s.chance(p) ? s.uniform(0, recentWindow) : s.uniform(Math.min(recentWindow, history * 0.3), history);
}

export function buildWorld(seed: ScenarioSeed): World {
  const world = new Stream(`${seed.seedId}:world`);
  const history = seed.ageSpreadDays;
  const topics = world.integer(3, 6);
  const currentShare = world.uniform(0.3, 0.5);
  const halfLifeDays = world.uniform(1, 20);
  const reliabilities: Reliabilities = {
    importance: world.uniform(0.3, 0.9),
    recency: world.uniform(0.1, 0.6),
    outcome: world.uniform(0.6, 0.95),
    links: world.uniform(0.3, 1),
  };
  const now = HISTORY_START + Math.round(history * 86400);
  const width = String(seed.recordCount - 1).length;
  const records: HiddenRecord[] = [];
  for (let index = 0; index < seed.recordCount; index++) {
    const s = new Stream(`${seed.seedId}:record:${index}`);
    const noiseDraw = s.uniform();
    const topicDraw = s.uniform();
    const validDraw = s.uniform();
    const kindDraw = s.uniform();
    const value = s.bump();
    const phase = HISTORY_START + Math.floor(s.uniform() * WEEK_SECONDS);
    const noise = noiseDraw < seed.noiseRatio;
    const topic = noise
      ? -1
      : topicDraw < currentShare
        ? 0
        : 1 + Math.floor(((topicDraw - currentShare) / (1 - currentShare)) * (topics - 1));
    const onTopic = topic === 0;
    const valid = !noise && validDraw < 0.85;
    const kind: RecordKind = noise
      ? 'episodic'
      : kindDraw < 0.4
        ? 'evergreen'
        : kindDraw < 0.85
          ? 'episodic'
          : 'periodic';
    const timing = new Stream(`${seed.seedId}:record:${index}:timing`);
    const lastUseDaysAgo = lastUse(
      seed.accessPattern,
      history,
      onTopic && valid,
      reliabilities.recency,
      noise,
      timing,
    );
    const createdDaysAgo = lastUseDaysAgo + timing.uniform() * (history - lastUseDaysAgo);
    const need =
      kind === 'evergreen'
        ? 1
        : kind === 'episodic'
          ? 1 / (1 + lastUseDaysAgo / halfLifeDays)
          : 0.5 + 0.5 * Math.cos((2 * Math.PI * (now - phase)) / WEEK_SECONDS);
    const usefulness = valid ? clamp01(value * need) : 0;
    records.push({
      // Neutral ids: nothing about the hidden variables leaks into names (or into id tie-breaks).
      id: `m${String(index).padStart(width, '0')}`,
      index,
      noise,
      topic,
      onTopic,
      valid,
      kind,
      value,
      createdDaysAgo,
      lastUseDaysAgo,
      phase,
      need,
      usefulness,
    });
  }
  return { seed, now, topics, halfLifeDays, reliabilities, records };
}
