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
      // The total grows as the run learns what it needs (later looks, rounds): ETA is for the work known now.
      format: `${label} [{bar}] {percentage}% | {value}/{total} evaluations | {duration_formatted} elapsed | ETA {eta_formatted}`,
      etaBuffer: 50,
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
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
