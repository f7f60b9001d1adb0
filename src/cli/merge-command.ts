/**
 * `memory-ratchet merge FILES... [--json FILE] [--diff FILE] [--markdown FILE]`: makes a sharded run's
 * decisions from its shards' points files. The files carry the run, so no other option is needed. What no
 * shard could foresee (the points of a later round, which depend on the earlier round's decisions) is
 * computed here, on Redis.
 */
import type { Command } from 'commander';
import { errorMessage, InputError, MissingPointsError } from '../errors.js';
import { jobFromSpec, type RatchetJobSpec } from '../jobs/job-spec.js';
import { runRatchetJob } from '../jobs/ratchet-job.js';
import { readPointsFile } from '../points/files.js';
import { checkShards } from '../points/shards.js';
import { PointsStore } from '../points/store.js';
import type { RatchetReport } from '../report/ratchet-report.js';
import { DEFAULT_CONCURRENCY } from '../sweep/runner.js';
import type { CliIo } from './io.js';
import { JSON_FLAGS, JSON_HELP, type JsonOption } from './json-option.js';
import { parsePositiveInteger } from './option-values.js';
import { progressBar } from './progress.js';
import { emitRatchetReport } from './ratchet-command.js';
import { addRedisOptions, type RedisOptions, withRedis } from './redis-options.js';
import { assertOutputsWritable, defaultResultsDir, RESULTS_DIR_HELP } from './results-files.js';

interface MergeOptions extends RedisOptions {
  readonly json?: JsonOption | undefined;
  readonly diff?: string;
  readonly markdown?: string;
  readonly resultsDir?: string | undefined;
  readonly concurrency: string;
}

export async function executeMerge(
  files: readonly string[],
  options: MergeOptions,
  io: CliIo,
): Promise<RatchetReport> {
  const concurrency = parsePositiveInteger('--concurrency', options.concurrency);
  await assertOutputsWritable(options, io.cwd);
  const documents = await Promise.all(
    files.map(async (path) => ({ path, doc: await readPointsFile(path, io.cwd) })),
  );
  checkShards(documents);
  const store = new PointsStore();
  for (const { path, doc } of documents) store.merge(doc.points, path);
  const spec = documents[0]!.doc.run as unknown as RatchetJobSpec;
  let job: ReturnType<typeof jobFromSpec>;
  try {
    job = jobFromSpec(spec, concurrency, documents[0]!.path);
  } catch (error) {
    throw new InputError(
      `merge: ${documents[0]!.path} does not describe a ratchet run (${errorMessage(error)})`,
    );
  }
  const clock = { ms: io.clock, now: io.now };
  let report: RatchetReport;
  try {
    report = await runRatchetJob(job, { store, redis: null }, clock);
  } catch (error) {
    if (!(error instanceof MissingPointsError)) throw error;
    // A later round needs points no shard could foresee: compute them here.
    const before = store.size;
    const progress = progressBar(io, 'merge', options.quiet === true);
    report = await withRedis(options, io, async (redis) => {
      try {
        return await runRatchetJob(job, { store, redis }, clock, (done, expected) =>
          progress.update(done, expected),
        );
      } finally {
        progress.stop();
      }
    });
    if (!options.quiet) {
      io.stderr(
        `merge: computed ${store.size - before} points the shards could not foresee (a later round)\n`,
      );
    }
  }
  await emitRatchetReport(
    report,
    {
      ...options,
      resultsDir: options.resultsDir ?? defaultResultsDir(io.env),
      quiet: options.quiet ?? false,
    },
    io,
  );
  return report;
}

export function mergeCommand(program: Command, io: CliIo): void {
  addRedisOptions(
    program
      .command('merge')
      .description("make a sharded ratchet run's decisions from every shard's points file")
      .argument('<files...>', 'the points files the shards wrote (ratchet --shard i/N --points FILE)')
      .option(JSON_FLAGS, `the full report (every per-scenario point) as JSON: ${JSON_HELP}`)
      .option('--diff <file>', 'write the proposed-defaults diff')
      .option('--markdown <file>', 'write the markdown report')
      .option(
        '--results-dir <dir>',
        `where ratchet_YYYYMMDD_HHMMSS.json and ratchet_latest.json go (${RESULTS_DIR_HELP})`,
      )
      .option(
        '--concurrency <n>',
        'scenarios evaluated at once, for points computed here',
        String(DEFAULT_CONCURRENCY),
      ),
    { spread: true },
  ).action(async (files: string[], options: MergeOptions) => {
    await executeMerge(files, options, io);
  });
}
