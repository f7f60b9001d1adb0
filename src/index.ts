/** Action entry: runs the action and wires the process's signals; everything else lives in main.ts. */
import { run } from './main.js';

const cleanups = new Set<() => Promise<void>>();

/** A cancelled job sends SIGTERM: run the registered cleanups, newest first, then exit. */
async function interrupted(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`memory-ratchet: ${signal}: stopping\n`);
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

await run((cleanup) => {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
});
