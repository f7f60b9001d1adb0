/** The constants a command runs with: a constants file (parsed, never executed) or the registry, plus --set. */

import type { ConstantsSource } from '../constants/file-model.js';
import { parseConstantsFile } from '../constants/parse-file.js';
import { resolveConstants } from '../constants/resolve.js';
import { type Constants, defaultConstants, parseAssignments, withOverrides } from '../constants/values.js';
import { readSourceFile } from './files.js';
import type { CliIo } from './io.js';

export interface ConstantsInput {
  readonly constants: Constants;
  readonly file: ConstantsSource | null;
  readonly warnings: readonly string[];
}

export async function loadConstants(
  io: CliIo,
  options: { readonly constants?: string; readonly class?: string; readonly set?: readonly string[] },
): Promise<ConstantsInput> {
  const overrides = parseAssignments(options.set ?? []);
  if (!options.constants) {
    return { constants: withOverrides(defaultConstants(), overrides, '--set'), file: null, warnings: [] };
  }
  const { text: source, encoding } = await readSourceFile(options.constants, io.cwd, 'constants file', {
    python: /\.pyi?$/i.test(options.constants),
  });
  const parsed = parseConstantsFile(
    source,
    options.constants,
    options.class ? { className: options.class } : {},
  );
  const resolved = resolveConstants(parsed);
  return {
    constants: withOverrides(resolved.constants, overrides, '--set'),
    file: { path: options.constants, source, parsed, encoding },
    warnings: resolved.warnings,
  };
}
