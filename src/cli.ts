#!/usr/bin/env node
/** CLI entry: wires the process to the program. The only CLI code that touches `process`. */
import { performance } from 'node:perf_hooks';
import { runCli } from './cli/program.js';

const cleanups = new Set<() => Promise<void>>();

/** Runs the registered cleanups newest first (a run's keys go before its Redis connection). */
async function interrupted(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`memory-ratchet: ${signal}: stopping\n`);
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  progressStream: process.stderr.isTTY ? process.stderr : undefined,
  clock: () => performance.now(),
  now: () => new Date(),
  onInterrupt(cleanup) {
    cleanups.add(cleanup);
    return () => cleanups.delete(cleanup);
  },
});
process.exitCode = code;
