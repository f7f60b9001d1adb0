/** Number formatting shared by the renderings. Pure. */
import type { Interval } from '../stats/bootstrap.js';
import type { ConstantSummary } from '../sweep/aggregate.js';

export const fixed = (x: number | null | undefined, digits = 4): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);

import { signed } from '../util/numbers.js';

export { signed };

export const interval = (i: Interval | null | undefined, digits = 3): string =>
  i ? `[${i[0].toFixed(digits)}, ${i[1].toFixed(digits)}]` : '';

export const signedInterval = (i: Interval | null | undefined, digits = 3): string =>
  i ? `[${signed(i[0], digits)}, ${signed(i[1], digits)}]` : '';

/** Left-aligned text columns (the last column is not padded). */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    (
      indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')
    ).trimEnd(),
  );
}

/**
 * The ranking a sweep moves most, when its scenarios ask more than one: its best − worst nDCG@5 there with
 * the 95 % interval, the values compared and the scenarios; null otherwise.
 */
export function movesMost(summary: ConstantSummary): string | null {
  const rankings = summary.byRanking ?? [];
  const top = rankings[0];
  if (rankings.length < 2 || !top) return null;
  return `${top.ranking} ${signed(top.range)} ${signedInterval(top.interval)} (${top.best.value} vs ${top.worst.value}, ${top.scenarios} scenarios)`;
}
