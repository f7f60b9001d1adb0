/**
 * The formulas of engine-semantics.md written out independently of the Lua, for fidelity tests.
 */
export const DAY = 86400;

/** popoto returns Lua scores through tostring: 14 significant digits. */
export const round14 = (x: number): number => Number(x.toPrecision(14));

export interface DecayInput {
  base: number;
  ageSeconds: number;
  rate: number;
  confidence?: number;
  c0?: number;
  strength?: number;
}

/** d = b·t^(−r), t in days floored at 0.01; for t ≥ 1 day the exponent is r·2^(2s(c0−c)). */
export function decay({ base, ageSeconds, rate, confidence, c0 = 0.5, strength = 0.5 }: DecayInput): number {
  const t = Math.max(ageSeconds / DAY, 0.01);
  let d = base * t ** -rate;
  if (confidence !== undefined && strength !== 0) {
    const reff = rate * 2 ** (2 * strength * (c0 - Math.min(Math.max(confidence, 0), 1)));
    d *= Math.max(t, 1) ** -(reff - rate);
  }
  return d;
}

export const cycleTerm = (now: number, period: number, amplitude: number, phase = 0): number =>
  amplitude * Math.cos((2 * Math.PI * (now - phase)) / period);

export const pressureTerm = (now: number, rate: number, lastResolved: number): number =>
  rate * Math.max(0, (now - lastResolved) / DAY);

/** The capped running mean after applying `signals` in order from prior c0. */
export function confidenceAfter(signals: readonly number[], c0 = 0.5, cap = 20): number {
  let c = c0;
  signals.forEach((s, k) => {
    const nEff = Math.min(k + 1, cap);
    c = Math.min(Math.max(c + (s - c) / (nEff + 1), 0), 1);
  });
  return c;
}

export function expectClose(actual: number | undefined, expected: number, relative = 1e-12): void {
  if (actual === undefined) throw new Error(`expected ${expected}, got undefined`);
  const scale = Math.max(Math.abs(expected), 1e-300);
  if (Math.abs(actual - expected) / scale > relative) {
    throw new Error(
      `expected ${expected}, got ${actual} (relative error ${Math.abs(actual - expected) / scale})`,
    );
  }
}
