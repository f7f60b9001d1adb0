/**
 * ParameterGrid: the values a sweep runs for a constant (or a pair), from the registry. The current value
 * is always included (inserted in order), integer constants get integers, and values outside the valid
 * range are degenerate: reported, never run. Pure.
 */
import { type ConstantSpec, type ConstantValue, findConstant } from '../constants/registry.js';
import { type Constants, inRange } from '../constants/values.js';
import { ConfigError } from '../errors.js';

export interface Grid {
  readonly constant: string;
  readonly current: ConstantValue;
  /** Values to run, ascending. */
  readonly values: readonly number[];
  /** Values outside the valid range (given the other constants): reported, not run. */
  readonly degenerate: readonly number[];
}

export interface PairGrid {
  readonly a: Grid;
  readonly b: Grid;
}

export const PAIR_SIDE = 5;

function gridValues(spec: ConstantSpec, current: ConstantValue, override?: readonly number[]): number[] {
  const base = override ?? spec.grid;
  const values = new Set(spec.kind === 'int' ? base.map((v) => Math.round(v)) : base);
  if (typeof current === 'number') values.add(current);
  return [...values].sort((x, y) => x - y);
}

export function singleGrid(name: string, constants: Constants, override?: readonly number[]): Grid {
  const spec = findConstant(name);
  if (!spec) throw new ConfigError(`unknown constant '${name}'`);
  if (spec.kind === 'bool') throw new ConfigError(`${spec.name} is a switch, not swept over a grid`);
  const current = constants[spec.name]!;
  const all = gridValues(spec, current, override);
  const isValid = (v: number) => inRange(spec, v, { ...constants, [spec.name]: v });
  return {
    constant: spec.name,
    current,
    values: all.filter(isValid),
    degenerate: all.filter((v) => !isValid(v)),
  };
}

/** Picks `count` values spread over the grid (both ends kept), always including the current value. */
export function spread(values: readonly number[], current: number, count = PAIR_SIDE): number[] {
  if (values.length <= count) return [...values];
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(values[Math.round((i * (values.length - 1)) / (count - 1))]!);
  if (!picked.has(current) && values.includes(current)) {
    // Replace the picked interior value nearest to the current one.
    const interior = [...picked].slice(1, -1);
    const nearest = interior.reduce((a, b) => (Math.abs(b - current) < Math.abs(a - current) ? b : a));
    picked.delete(nearest);
    picked.add(current);
  }
  return [...picked].sort((x, y) => x - y);
}

export function pairGrid(a: string, b: string, constants: Constants): PairGrid {
  const side = (name: string): Grid => {
    const grid = singleGrid(name, constants);
    return { ...grid, values: spread(grid.values, Number(grid.current)) };
  };
  return { a: side(a), b: side(b) };
}
