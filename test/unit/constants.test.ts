import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSTANTS, findConstant, INTERACTION_PAIRS } from '../../src/constants/registry.js';
import {
  defaultConstants,
  describeRange,
  inRange,
  nearestNames,
  parseAssignments,
  withOverrides,
} from '../../src/constants/values.js';
import { VERSION } from '../../src/version.js';

describe('constants registry', () => {
  it('holds every tiered constant of constants.md with its grid containing the default', () => {
    const tiers = (t: number) =>
      CONSTANTS.filter((c) => c.tier === t)
        .map((c) => c.name)
        .sort();
    expect(tiers(1)).toHaveLength(5);
    expect(tiers(2)).toHaveLength(9);
    expect(tiers(3)).toHaveLength(12);
    for (const spec of CONSTANTS.filter((c) => c.grid.length > 0)) {
      expect(spec.grid, spec.name).toContain(spec.default);
      expect(
        [...spec.grid].sort((a, b) => a - b),
        spec.name,
      ).toEqual(spec.grid);
    }
  });

  it('accepts both spellings and reports the Defaults name', () => {
    expect(findConstant('decay_rate')?.name).toBe('DECAY_RATE');
    expect(findConstant('DECAY_RATE')?.name).toBe('DECAY_RATE');
    expect(findConstant('_wf_min_threshold')?.name).toBe('WF_MIN_THRESHOLD');
    expect(findConstant('initial_weight')?.name).toBe('CO_OCCURRENCE_INITIAL_WEIGHT');
    expect(findConstant('delta')?.isAttribute).toBe(false);
  });

  it('says how the engine reads each constant, or why not', () => {
    expect(findConstant('CHI_SQUARED_P_THRESHOLD')?.engine.status).toBe('not-read');
    expect(findConstant('TD_ALPHA')?.engine.status).toBe('read');
    // Every Tier 1–3 constant but the one popoto never reads is modelled.
    expect(
      CONSTANTS.filter((c) => [1, 2, 3].includes(c.tier as number) && c.engine.status !== 'read').map(
        (c) => `${c.name}: ${c.engine.status}`,
      ),
    ).toEqual(['CHI_SQUARED_P_THRESHOLD: not-read']);
    expect(findConstant('DECAY_RATE')?.engine.status).toBe('read');
    for (const spec of CONSTANTS) {
      const e = spec.engine;
      expect(e.status === 'read' ? e.how : e.why, spec.name).toMatch(/\w{4}/);
    }
  });

  it('names eight interaction pairs of known constants', () => {
    expect(INTERACTION_PAIRS).toHaveLength(8);
    for (const [a, b] of INTERACTION_PAIRS) {
      expect(findConstant(a)).toBeDefined();
      expect(findConstant(b)).toBeDefined();
    }
  });

  it('keeps the tool version equal to package.json', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(VERSION);
  });
});

describe('ranges and overrides', () => {
  const defaults = defaultConstants();
  const spec = (name: string) => findConstant(name)!;

  it('honours open and closed bounds', () => {
    expect(inRange(spec('DECAY_RATE'), 0, defaults)).toBe(false);
    expect(inRange(spec('DECAY_RATE'), 2, defaults)).toBe(true);
    expect(inRange(spec('WF_MIN_THRESHOLD'), 1, defaults)).toBe(false);
    expect(inRange(spec('WF_MIN_THRESHOLD'), 0, defaults)).toBe(true);
    expect(inRange(spec('MIN_EVENTS_FOR_CRYSTALLIZATION'), 2.5, defaults)).toBe(false);
    expect(describeRange(spec('DECAY_RATE'))).toBe('(0, 2]');
    expect(describeRange(spec('MIN_EVENTS_FOR_CRYSTALLIZATION'))).toBe('an integer in [1, ∞)');
  });

  it('takes the co-occurrence decay factor in [0, 1), as CoOccurrenceField.__init__ does', () => {
    expect(describeRange(spec('CO_OCCURRENCE_DECAY_FACTOR'))).toBe('[0, 1)');
    expect(inRange(spec('CO_OCCURRENCE_DECAY_FACTOR'), 0, defaults)).toBe(true);
    expect(inRange(spec('CO_OCCURRENCE_DECAY_FACTOR'), 1, defaults)).toBe(false);
    expect(() => withOverrides(defaults, { CO_OCCURRENCE_DECAY_FACTOR: 1 })).toThrow(
      /CO_OCCURRENCE_DECAY_FACTOR = 1 is outside its valid range \[0, 1\)/,
    );
  });

  it('resolves bounds that refer to other constants', () => {
    expect(describeRange(spec('CO_OCCURRENCE_DECAY_PER_HOP'))).toBe('(0, 1/CO_OCCURRENCE_WEIGHT_CAP (1))');
    expect(() => withOverrides(defaults, { CO_OCCURRENCE_WEIGHT_CAP: 2.5 })).toThrow(
      /CO_OCCURRENCE_DECAY_PER_HOP = 0.5 is outside its valid range \(0, 1\/CO_OCCURRENCE_WEIGHT_CAP \(0.4\)\)/,
    );
  });

  it('makes a new frozen object and leaves the base alone', () => {
    const next = withOverrides(defaults, { decay_rate: 0.3 });
    expect(next.DECAY_RATE).toBe(0.3);
    expect(defaults.DECAY_RATE).toBe(0.1);
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('rejects out-of-range values naming the constant, the value and the range', () => {
    expect(() => withOverrides(defaults, { DECAY_RATE: 2.5 }, '--set')).toThrow(
      '--set: DECAY_RATE = 2.5 is outside its valid range (0, 2]; choose a value in that range',
    );
  });

  it('parses --set assignments and suggests the nearest names for unknown ones', () => {
    expect(
      parseAssignments(['decay_rate=0.3', 'DECAY_CONFIDENCE_MODULATION_ENABLED=false', 'delta=1e-2']),
    ).toEqual({
      DECAY_RATE: 0.3,
      DECAY_CONFIDENCE_MODULATION_ENABLED: false,
      delta: 0.01,
    });
    expect(nearestNames('DECAY_RAT')[0]).toBe('DECAY_RATE');
    expect(() => parseAssignments(['DECAY_RAT=0.2'])).toThrow(
      /unknown constant 'DECAY_RAT'. Did you mean 'DECAY_RATE'/,
    );
    expect(() => parseAssignments(['DECAY_RATE'])).toThrow(/expected NAME=VALUE/);
    expect(() => parseAssignments(['DECAY_RATE=fast'])).toThrow(/takes a finite number, not 'fast'/);
  });
});
