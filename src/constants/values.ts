/**
 * Constants as an immutable value: the registry defaults, overrides by either spelling, and range
 * checks whose messages name the constant, the bad value and what is allowed.
 */
import { distance } from 'fastest-levenshtein';
import { ConfigError } from '../errors.js';
import {
  type Bound,
  CONSTANTS,
  type ConstantSpec,
  type ConstantValue,
  findConstant,
  knownSpellings,
  type ValidRange,
} from './registry.js';

/** Canonical name → value. Always frozen; an override makes a new object. */
export type Constants = Readonly<Record<string, ConstantValue>>;

export function defaultConstants(): Constants {
  return Object.freeze(Object.fromEntries(CONSTANTS.map((spec) => [spec.name, spec.default])));
}

/** Up to `count` known spellings closest to `name`, closest first (ties alphabetical). */
export function nearestNames(name: string, count = 3): string[] {
  const upper = name.toUpperCase();
  return knownSpellings()
    .map((known) => ({ known, d: distance(upper, known.toUpperCase()) }))
    .sort((a, b) => a.d - b.d || (a.known < b.known ? -1 : 1))
    .slice(0, count)
    .map((entry) => entry.known);
}

/** The registry entry for a name, or a ConfigError that suggests the nearest known names. */
export function requireConstant(name: string, source = 'constant'): ConstantSpec {
  const spec = findConstant(name);
  if (!spec) {
    throw new ConfigError(
      `${source}: unknown constant '${name}'. Did you mean ${nearestNames(name)
        .map((n) => `'${n}'`)
        .join(', ')}? (docs/constants.md lists every known name)`,
    );
  }
  return spec;
}

function boundValue(bound: Bound, constants: Constants): number {
  if (typeof bound === 'number') return bound;
  if ('constant' in bound) return Number(constants[bound.constant]);
  return 1 / Number(constants[bound.reciprocalOf]);
}

/** The numeric bounds of a constant's valid range under these constants. */
export function numericRange(
  spec: ConstantSpec,
  constants: Constants,
): { lo?: number; loOpen: boolean; hi?: number; hiOpen: boolean } {
  const { min, max, minOpen, maxOpen } = spec.range;
  return {
    ...(min !== undefined ? { lo: boundValue(min, constants) } : {}),
    loOpen: minOpen === true,
    ...(max !== undefined ? { hi: boundValue(max, constants) } : {}),
    hiOpen: maxOpen === true,
  };
}

function boundText(bound: Bound, constants: Constants): string {
  if (typeof bound === 'number') return String(bound);
  if ('constant' in bound) return `${bound.constant} (${boundValue(bound, constants)})`;
  return `1/${bound.reciprocalOf} (${boundValue(bound, constants)})`;
}

/** The valid range in interval notation, e.g. `(0, 2]` or `integer ≥ 1`. */
export function describeRange(spec: ConstantSpec, constants: Constants = defaultConstants()): string {
  if (spec.kind === 'bool') return 'true or false';
  const range: ValidRange = spec.range;
  const lo = range.min === undefined ? '−∞' : boundText(range.min, constants);
  const hi = range.max === undefined ? '∞' : boundText(range.max, constants);
  const interval = `${range.minOpen || range.min === undefined ? '(' : '['}${lo}, ${hi}${range.maxOpen || range.max === undefined ? ')' : ']'}`;
  return spec.kind === 'int' ? `an integer in ${interval}` : interval;
}

/** Whether `value` lies in the constant's valid range (given the other constants it refers to). */
export function inRange(spec: ConstantSpec, value: ConstantValue, constants: Constants): boolean {
  if (spec.kind === 'bool') return typeof value === 'boolean';
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (spec.kind === 'int' && !Number.isInteger(value)) return false;
  const { min, max, minOpen, maxOpen } = spec.range;
  if (min !== undefined) {
    const lo = boundValue(min, constants);
    if (minOpen ? value <= lo : value < lo) return false;
  }
  if (max !== undefined) {
    const hi = boundValue(max, constants);
    if (maxOpen ? value >= hi : value > hi) return false;
  }
  return true;
}

/** Parses the text of a value for `spec`: numbers in JS/Python spelling, or true/false. */
export function parseConstantValue(spec: ConstantSpec, text: string, source: string): ConstantValue {
  const trimmed = text.trim();
  if (spec.kind === 'bool') {
    const lower = trimmed.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw new ConfigError(`${source}: ${spec.name} takes true or false, not '${text}'`);
  }
  const value = trimmed === '' ? Number.NaN : Number(trimmed.replaceAll('_', ''));
  if (!Number.isFinite(value)) {
    throw new ConfigError(`${source}: ${spec.name} takes a finite number, not '${text}'`);
  }
  return value;
}

/**
 * Applies overrides (by either spelling) to `base` and checks every overridden constant, and every
 * constant whose range refers to an overridden one, against its valid range.
 */
export function withOverrides(
  base: Constants,
  overrides: Readonly<Record<string, ConstantValue>>,
  source = 'override',
): Constants {
  const next: Record<string, ConstantValue> = { ...base };
  const touched = new Set<string>();
  for (const [name, value] of Object.entries(overrides)) {
    const spec = requireConstant(name, source);
    next[spec.name] = value;
    touched.add(spec.name);
  }
  for (const spec of CONSTANTS) {
    const refersToTouched = [spec.range.min, spec.range.max].some(
      (b) =>
        b !== undefined &&
        typeof b !== 'number' &&
        touched.has('constant' in b ? b.constant : b.reciprocalOf),
    );
    if (!touched.has(spec.name) && !refersToTouched) continue;
    const value = next[spec.name];
    if (value === undefined || !inRange(spec, value, next)) {
      throw new ConfigError(
        `${source}: ${spec.name} = ${String(value)} is outside its valid range ${describeRange(spec, next)}; choose a value in that range`,
      );
    }
  }
  return Object.freeze(next);
}

/** Parses `NAME=VALUE` assignments (as given to `--set`) into canonical overrides. */
export function parseAssignments(assignments: readonly string[]): Record<string, ConstantValue> {
  const overrides: Record<string, ConstantValue> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(`--set '${assignment}': expected NAME=VALUE, for example --set DECAY_RATE=0.3`);
    }
    const name = assignment.slice(0, eq).trim();
    const spec = requireConstant(name, `--set ${name}`);
    overrides[spec.name] = parseConstantValue(spec, assignment.slice(eq + 1), `--set ${name}`);
  }
  return overrides;
}

export function numberConstant(constants: Constants, name: string): number {
  const value = constants[name];
  if (typeof value !== 'number')
    throw new ConfigError(`constant ${name} must be a number, got ${String(value)}`);
  return value;
}
