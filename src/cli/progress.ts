/** A progress bar on a TTY (stderr), nothing elsewhere. */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(io: CliIo, label: string, quiet: boolean): Progress {
  const stream = io.progressStream;
  if (!stream || quiet) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} evaluations | {duration_formatted}`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
