/**
 * Seeded randomness for generated scenarios. Every draw comes from a named sub-stream of the scenario's
 * seed, so adding a record or changing one axis does not reshuffle unrelated draws.
 */
import { seededRandom } from '../../util/seeded-random.js';

export class Stream {
  private readonly next: () => number;

  constructor(key: string) {
    this.next = seededRandom(`memory-ratchet:${key}`);
  }

  /** Uniform in [0, 1). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  integer(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Beta(2, 2)-like bump on [0, 1]: the mean of three uniforms. */
  bump(): number {
    return (this.next() + this.next() + this.next()) / 3;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

export const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
