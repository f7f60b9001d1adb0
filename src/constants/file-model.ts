import type { SourceEncoding } from './source-text.js';

/** What reading a constants file yields, whatever its format. */

export type LiteralValue = number | boolean | string | null | readonly LiteralValue[];

export type LiteralKind = 'int' | 'float' | 'bool' | 'string' | 'none' | 'tuple' | 'expression';

export interface ParsedConstant {
  readonly name: string;
  /** The literal's value; undefined for a value that is not a literal. */
  readonly value: LiteralValue | undefined;
  readonly kind: LiteralKind;
  /** 1-based line and column of the value. */
  readonly line: number;
  readonly column: number;
  /** The exact source characters of the value (a sign included), which a rewrite replaces. */
  readonly span: { readonly from: number; readonly to: number };
  /** Numbers and booleans are tunable; anything else says why not. */
  readonly tunable: boolean;
  readonly reason?: string;
}

export type ConstantsFormat = 'python' | 'json' | 'yaml';

export interface ParsedConstantsFile {
  readonly file: string;
  readonly format: ConstantsFormat;
  /** The class read (Python), or the top-level key read (JSON/YAML), if any. */
  readonly className?: string;
  /** In file order; a name assigned twice keeps its last assignment. */
  readonly constants: readonly ParsedConstant[];
  readonly warnings: readonly string[];
}

export const MAX_CONSTANTS_FILE_BYTES = 1024 * 1024;

export function isTunableKind(kind: LiteralKind): boolean {
  return kind === 'int' || kind === 'float' || kind === 'bool';
}

/** Keeps the last assignment of each name, in the position of that last assignment, with a warning. */
export function lastAssignmentWins(
  file: string,
  assignments: readonly ParsedConstant[],
  warnings: string[],
): ParsedConstant[] {
  const last = new Map<string, ParsedConstant>();
  for (const constant of assignments) {
    const earlier = last.get(constant.name);
    if (earlier) {
      warnings.push(
        `${file}:${constant.line}: ${constant.name} is assigned again (first at line ${earlier.line}); the last assignment wins`,
      );
      last.delete(constant.name);
    }
    last.set(constant.name, constant);
  }
  return [...last.values()].sort((a, b) => a.span.from - b.span.from);
}

/** A constants file as read: its path (as reports and diffs name it), its text and what was parsed from it. */
export interface ConstantsSource {
  readonly path: string;
  readonly source: string;
  readonly parsed: ParsedConstantsFile;
  /** How the file's bytes decode (a rewrite writes the same encoding back); UTF-8 when not given. */
  readonly encoding?: SourceEncoding;
}
