/** `memory-ratchet constants --file FILE [--class Defaults] [--json]` */
import type { Command } from 'commander';
import { parseConstantsFile } from '../constants/parse-file.js';
import { resolveConstants } from '../constants/resolve.js';
import { constantsJson, constantsText } from '../report/constants-listing.js';
import { readSourceFile } from './files.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, type JsonOption } from './json-option.js';

interface ConstantsOptions {
  readonly file: string;
  readonly class: string;
  readonly json?: JsonOption | undefined;
}

export function constantsCommand(program: Command, io: CliIo): void {
  program
    .command('constants')
    .description('print the constants a file defines (parsed, never executed) and whether each is tunable')
    .requiredOption('--file <file>', 'constants file: Python (.py), JSON (.json) or YAML (.yaml/.yml)')
    .option('--class <name>', 'the Python class holding the constants', 'Defaults')
    .option(JSON_FLAGS, JSON_HELP)
    .action(async (options: ConstantsOptions) => {
      const { text: source } = await readSourceFile(options.file, io.cwd, 'constants file', {
        python: /\.pyi?$/i.test(options.file),
      });
      const parsed = parseConstantsFile(source, options.file, { className: options.class });
      const { warnings } = resolveConstants(parsed);
      const listing = { parsed, warnings };
      await emitOutput(
        io,
        options.json,
        () => constantsText(listing),
        () => constantsJson(listing),
      );
    });
}
