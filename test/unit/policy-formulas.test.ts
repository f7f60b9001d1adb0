import { describe, expect, it } from 'vitest';
import {
  discoverWeeklyCycle,
  utcWeekday,
  WEEK_SECONDS,
  weekdayChiSquared,
} from '../../src/engine/temporal-discovery.js';
import { wilsonLower } from '../fixtures/fidelity-cases.js';

// Values worked from popoto's formulas (recipes/policy_cache.py) and its docstrings' examples.

describe('the Wilson lower bound of PolicyCache crystallisation', () => {
  it('matches the table of all-success groups, n / (n + z²)', () => {
    const table: [number, number][] = [
      [1, 0.207],
      [2, 0.342],
      [3, 0.438], // 3 / 6.8416 = 0.43849

      [4, 0.51],
      [5, 0.566],
      [6, 0.61],
      [8, 0.676],
      [9, 0.701],
      [10, 0.722], // 10 / 13.8416 = 0.72246
    ];
    for (const [n, bound] of table) {
      expect(Number(wilsonLower(n, n).toFixed(3))).toBe(bound);
      expect(wilsonLower(n, n)).toBeCloseTo(n / (n + 1.96 ** 2), 15);
    }
    expect(wilsonLower(0, 0)).toBe(0);
    // p̂ = 1/2 at n = 4: (0.5 + 3.8416/8 − 1.96·√(1/16 + 3.8416/64)) / (1 + 3.8416/4)
    expect(wilsonLower(2, 4)).toBeCloseTo(
      (0.5 + 1.96 ** 2 / 8 - 1.96 * Math.sqrt(0.25 / 4 + 1.96 ** 2 / 64)) / (1 + 1.96 ** 2 / 4),
      15,
    );
  });

  it('needs n ≥ 6 all-success events to pass 0.6, n ≥ 9 to pass 0.7, n ≥ 4 for 0.5 and n ≥ 2 for 0.3', () => {
    const smallest = (threshold: number) => {
      for (let n = 1; n < 50; n++) if (wilsonLower(n, n) > threshold) return n;
      return null;
    };
    expect([0.6, 0.7, 0.5, 0.3].map(smallest)).toEqual([6, 9, 4, 2]);
    // 10 of 11 and 11 of 12 pass 0.6 as well
    expect(wilsonLower(10, 11)).toBeGreaterThan(0.6);
    expect(wilsonLower(11, 12)).toBeGreaterThan(0.6);
    expect(wilsonLower(9, 10)).toBeLessThan(0.6);
  });
});

describe('temporal discovery of weekly cycles', () => {
  const day = 86_400;
  // 1970-01-01 was a Thursday; 1970-01-05 a Monday.
  const monday = 4 * day;

  it('numbers weekdays from Monday in UTC, as tm_wday', () => {
    expect(utcWeekday(0)).toBe(3);
    expect(utcWeekday(monday)).toBe(0);
    expect(utcWeekday(monday + 6 * day + 86_399)).toBe(6);
  });

  it('puts the phase at the midday of the peak weekday from the Thursday epoch', () => {
    const at = (weekday: number) =>
      discoverWeeklyCycle(
        Array.from({ length: 14 }, (_, i) => monday + weekday * day + 3600 + i * WEEK_SECONDS),
        0.5,
      );
    expect(at(3)).toEqual({ period: WEEK_SECONDS, amplitude: 0.5, phase: 43_200 }); // Thursday
    expect(at(6)!.phase).toBe(302_400); // Sunday
    expect(at(0)!.phase).toBe(388_800); // Monday
  });

  it('needs a χ² above 12.592 (df 6), at least 7 events and at least 3 timestamps', () => {
    expect(weekdayChiSquared([2, 0, 0, 0, 0, 0, 0], 2 / 7)).toBeCloseTo(12, 12);
    // 7 events all on one day: χ² = 36 > 12.592.
    expect(
      discoverWeeklyCycle(
        Array.from({ length: 7 }, (_, i) => monday + i * WEEK_SECONDS),
        1,
      ),
    ).not.toBeNull();
    // 6 events: expected 6/7 < 1, nothing.
    expect(
      discoverWeeklyCycle(
        Array.from({ length: 6 }, (_, i) => monday + i * WEEK_SECONDS),
        1,
      ),
    ).toBeNull();
    // One per weekday: χ² = 0.
    expect(
      discoverWeeklyCycle(
        Array.from({ length: 7 }, (_, i) => monday + i * day),
        1,
      ),
    ).toBeNull();
    expect(discoverWeeklyCycle([monday, monday], 1)).toBeNull();
    // 14 events, 5 on Monday and 9 spread: counts [5,2,2,2,1,1,1], χ² = 6 (not significant).
    const spread = [0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6].map(
      (d, i) => monday + d * day + i * WEEK_SECONDS,
    );
    expect(discoverWeeklyCycle(spread, 1)).toBeNull();
  });

  it('takes the first weekday of the largest count as the peak', () => {
    const tied = [0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4].map(
      (d, i) => monday + d * day + i * WEEK_SECONDS,
    );
    expect(discoverWeeklyCycle(tied, 0.3)).toEqual({ period: WEEK_SECONDS, amplitude: 0.3, phase: 388_800 });
  });
});
