/** The `memory-ratchet` command line: builds the program and maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { errorMessage, InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { calibrateCommand } from './calibrate-command.js';
import { constantsCommand } from './constants-command.js';
import { examplesText } from './help-examples.js';
import type { CliIo } from './io.js';
import { mergeCommand } from './merge-command.js';
import { ratchetCommand } from './ratchet-command.js';
import { replayCommand } from './replay-command.js';
import { seedsCommands } from './seeds-command.js';
import { sweepCommand } from './sweep-command.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(io: CliIo): Command {
  const program = new Command('memory-ratchet')
    .description('Tune the behavioural constants of an agent-memory retrieval system with evidence.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    // Commander's own errors carry the same prefix as every other error of the CLI.
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text.replace(/^error: /, 'memory-ratchet: error: ')),
    });
  replayCommand(program, io);
  constantsCommand(program, io);
  sweepCommand(program, io);
  seedsCommands(program, io);
  ratchetCommand(program, io);
  mergeCommand(program, io);
  calibrateCommand(program, io);
  for (const command of program.commands) command.addHelpText('after', examplesText(command.name()));
  return program;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 bad usage or input). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`memory-ratchet: error: ${errorMessage(error)}\n`);
    return error instanceof InputError ? EXIT.usage : EXIT.failure;
  }
}
