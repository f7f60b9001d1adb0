/** Duration percentiles (nearest rank) for run metadata. Pure. */
export interface DurationStats {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

export function durationStats(durations: readonly number[]): DurationStats {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const total = sorted.reduce((a, b) => a + b, 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    count: sorted.length,
    p50Ms: round(rank(0.5)),
    p95Ms: round(rank(0.95)),
    p99Ms: round(rank(0.99)),
    meanMs: round(sorted.length === 0 ? 0 : total / sorted.length),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted.at(-1) ?? 0),
    totalMs: round(total),
  };
}
