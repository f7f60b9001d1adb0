/** Parsing numeric option values, with errors that name the option, the value and what is allowed. */
import { ConfigError } from '../errors.js';

export function parseNumberOption(
  option: string,
  text: string,
  bounds: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const value = Number(text);
  const { min, max, minOpen, maxOpen } = bounds;
  const below = min !== undefined && (minOpen ? value <= min : value < min);
  const above = max !== undefined && (maxOpen ? value >= max : value > max);
  if (text.trim() === '' || !Number.isFinite(value) || below || above) {
    const lo = min === undefined ? '(−∞' : `${minOpen ? '(' : '['}${min}`;
    const hi = max === undefined ? '∞)' : `${max}${maxOpen ? ')' : ']'}`;
    throw new ConfigError(`${option} '${text}': expected a number in ${lo}, ${hi}`);
  }
  return value;
}

export function parsePositiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${option} '${text}': expected a whole number ≥ 1`);
  return value;
}
