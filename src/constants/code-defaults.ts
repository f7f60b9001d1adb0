/**
 * Constants whose default is a literal in popoto's code rather than a `Defaults` attribute (`delta`): every
 * rendering names them as code defaults and says where they live, since no constants file can change them. Pure.
 */
import { findConstant } from './registry.js';

export interface CodeDefault {
  readonly constant: string;
  /** Where the default lives in popoto's code. */
  readonly where: string;
}

const whereOf = (name: string): string | undefined => findConstant(name)?.codeDefault;

/** The constant's name, marked when it is a code default. */
export const constantLabel = (name: string): string =>
  whereOf(name) === undefined ? name : `${name} (code default)`;

/** The code defaults among `names`, once each, in order. */
export function codeDefaultsOf(names: readonly string[]): CodeDefault[] {
  return [...new Set(names)].flatMap((constant) => {
    const where = whereOf(constant);
    return where === undefined ? [] : [{ constant, where }];
  });
}

export const codeDefaultText = ({ constant, where }: CodeDefault): string =>
  `${constant} is a code default, not a constants-file value: ${where}.`;
