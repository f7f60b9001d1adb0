/**
 * A ratchet job as data: what a shard records in its points file so that the merge makes exactly the
 * decisions the unsharded run would, without being given the options again. Pure.
 */
import { parseConstantsFile } from '../constants/parse-file.js';
import { findConstant } from '../constants/registry.js';
import type { SourceEncoding } from '../constants/source-text.js';
import { InputError } from '../errors.js';
import type { RatchetJob } from './ratchet-job.js';

/** The job with its constants file as text and its scope as names (the rest is data already). */
export type RatchetJobSpec = Omit<RatchetJob, 'file' | 'constantsClass' | 'scope' | 'concurrency'> & {
  readonly file: {
    readonly path: string;
    readonly source: string;
    readonly className: string;
    readonly encoding?: SourceEncoding;
  } | null;
  readonly scope: readonly string[];
};

export function jobSpec(job: RatchetJob): RatchetJobSpec {
  return {
    constants: job.constants,
    baseConstants: job.baseConstants,
    file: job.file
      ? {
          path: job.file.path,
          source: job.file.source,
          className: job.constantsClass ?? 'Defaults',
          ...(job.file.encoding && job.file.encoding !== 'utf-8' ? { encoding: job.file.encoding } : {}),
        }
      : null,
    scope: job.scope.map((spec) => spec.name),
    tiers: job.tiers,
    only: job.only,
    bank: job.bank,
    seeds: job.seeds,
    maxSeeds: job.maxSeeds,
    confirmSeeds: job.confirmSeeds,
    trainFraction: job.trainFraction,
    threshold: job.threshold,
    cliffMargin: job.cliffMargin,
    cliffThreshold: job.cliffThreshold,
    alpha: job.alpha,
    rounds: job.rounds,
    command: job.command,
    ...(job.grids ? { grids: job.grids } : {}),
  };
}

export function jobFromSpec(spec: RatchetJobSpec, concurrency: number, source: string): RatchetJob {
  const scope = spec.scope.map((name) => {
    const found = findConstant(name);
    if (!found) throw new InputError(`${source}: the run names an unknown constant '${name}'`);
    return found;
  });
  const file = spec.file
    ? {
        path: spec.file.path,
        source: spec.file.source,
        parsed: parseConstantsFile(spec.file.source, spec.file.path, { className: spec.file.className }),
        ...(spec.file.encoding ? { encoding: spec.file.encoding } : {}),
      }
    : null;
  return {
    constants: spec.constants,
    file,
    constantsClass: spec.file?.className ?? null,
    baseConstants: spec.baseConstants,
    scope,
    tiers: spec.tiers,
    only: spec.only,
    bank: spec.bank,
    seeds: spec.seeds,
    maxSeeds: spec.maxSeeds,
    confirmSeeds: spec.confirmSeeds,
    trainFraction: spec.trainFraction,
    threshold: spec.threshold,
    cliffMargin: spec.cliffMargin,
    cliffThreshold: spec.cliffThreshold,
    alpha: spec.alpha,
    rounds: spec.rounds,
    concurrency,
    command: spec.command,
    ...(spec.grids ? { grids: spec.grids } : {}),
  };
}
