/**
 * Rewrites changed constants in the source of a constants file: only the characters of each changed
 * literal are replaced, by the shortest spelling that round-trips (an integer stays an integer).
 */
import { ConfigError } from '../errors.js';
import type { ConstantsFormat, ParsedConstant, ParsedConstantsFile } from './file-model.js';
import type { ConstantValue } from './registry.js';

export interface ConstantEdit {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly from: number;
  readonly to: number;
  readonly old: string;
  readonly new: string;
}

export interface Rewrite {
  readonly text: string;
  /** In file order. */
  readonly edits: readonly ConstantEdit[];
}

/** Shortest round-trip spelling of `value` for a literal that was `original` in a file of `format`. */
export function spellValue(value: ConstantValue, original: ParsedConstant, format: ConstantsFormat): string {
  if (typeof value === 'boolean') {
    if (format === 'python') return value ? 'True' : 'False';
    return value ? 'true' : 'false';
  }
  if (!Number.isFinite(value))
    throw new ConfigError(`${original.name}: ${value} cannot be written to a constants file`);
  if (Number.isInteger(value) && original.kind === 'int') {
    return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
  }
  if (Object.is(value, -0)) return '-0.0';
  const shortest = String(value);
  // A float literal stays a float: 2 is written 2.0.
  return /[.eE]/.test(shortest) ? shortest : `${shortest}.0`;
}

export function rewriteConstants(
  source: string,
  parsed: ParsedConstantsFile,
  changes: Readonly<Record<string, ConstantValue>>,
): Rewrite {
  const byName = new Map(parsed.constants.map((c) => [c.name, c]));
  const edits: ConstantEdit[] = [];
  for (const [name, value] of Object.entries(changes)) {
    const constant = byName.get(name);
    if (!constant) {
      throw new ConfigError(
        `${parsed.file}: ${name} is not assigned there, so it cannot be rewritten; add it by hand`,
      );
    }
    if (!constant.tunable) {
      throw new ConfigError(
        `${parsed.file}:${constant.line}: ${name} is ${constant.reason ?? 'not tunable'}`,
      );
    }
    if (Object.is(constant.value, value)) continue;
    const old = source.slice(constant.span.from, constant.span.to);
    const spelled = spellValue(value, constant, parsed.format);
    if (spelled === old) continue;
    edits.push({ name, line: constant.line, column: constant.column, ...constant.span, old, new: spelled });
  }
  edits.sort((a, b) => a.from - b.from);
  let text = '';
  let at = 0;
  for (const edit of edits) {
    text += source.slice(at, edit.from) + edit.new;
    at = edit.to;
  }
  text += source.slice(at);
  return { text, edits };
}
