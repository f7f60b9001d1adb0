/**
 * PolicyCache temporal_discovery_handler (recipes/policy_cache.py): event timestamps bucketed by UTC weekday,
 * a χ² test against the uniform week at popoto's fixed critical value (df 6, p = 0.05: 12.592;
 * CHI_SQUARED_P_THRESHOLD is never read), and, when significant, one weekly cycle at the given amplitude
 * (INITIAL_CYCLE_AMPLITUDE) whose phase is the midday of the peak weekday, in seconds from the Thursday epoch.
 * Pure.
 */

export const WEEK_SECONDS = 604_800;
/** χ² critical value for 6 degrees of freedom at p = 0.05, as popoto hard-codes it. */
export const WEEKDAY_CHI_SQUARED_CRITICAL = 12.592;

export interface DiscoveredCycle {
  readonly period: number;
  readonly amplitude: number;
  /** Seconds within the week, from 1970-01-01 00:00 UTC (a Thursday). */
  readonly phase: number;
}

/** Monday = 0 … Sunday = 6, as Python's `time.gmtime(ts).tm_wday`. */
export const utcWeekday = (ts: number): number => (new Date(ts * 1000).getUTCDay() + 6) % 7;

export function weekdayChiSquared(counts: readonly number[], expected: number): number {
  if (expected <= 0) return 0;
  return counts.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

/** The phase discovery gives a weekday: its midday, in seconds from the Thursday epoch. */
export const weekdayMiddayPhase = (weekday: number): number =>
  ((((weekday - 3) % 7) + 7) % 7) * 86_400 + 43_200;

/** The weekly cycle the timestamps reveal, or null (fewer than 7 events, or no significant weekday). */
export function discoverWeeklyCycle(
  timestamps: readonly number[],
  amplitude: number,
): DiscoveredCycle | null {
  if (timestamps.length < 3) return null;
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (const ts of timestamps) counts[utcWeekday(ts)]!++;
  const expected = timestamps.length / 7;
  if (expected < 1) return null;
  if (!(weekdayChiSquared(counts, expected) > WEEKDAY_CHI_SQUARED_CRITICAL)) return null;
  const peak = counts.indexOf(Math.max(...counts));
  return { period: WEEK_SECONDS, amplitude, phase: weekdayMiddayPhase(peak) };
}
