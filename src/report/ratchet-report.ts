/**
 * The one report model of a ratchet run, from which the terminal text, the markdown (PR comment, check
 * run, job summary) and the JSON document are all rendered. Pure.
 */

import { type CodeDefault, codeDefaultsOf } from '../constants/code-defaults.js';
import type { Tier } from '../constants/registry.js';
import type { ConstantEdit } from '../constants/rewrite.js';
import type { SourceEncoding } from '../constants/source-text.js';
import type { Constants } from '../constants/values.js';
import { NDCG_DEFINITION } from '../metrics/ranking.js';
import { ENGINE_VERSION } from '../points/key.js';
import type { PointsCounts } from '../ratchet/points-evaluator.js';
import type { ConstantDelta } from '../ratchet/pr-delta.js';
import type { RatchetAction, RatchetDecision, RatchetOutcome, ValidationPoint } from '../ratchet/ratchet.js';
import type { RedisKind } from '../redis/acquire.js';
import type { ReplacedSeed } from '../scenarios/factory/scenario-bank.js';
import { type EvaluationCounts, evaluationCounts, type SweepPoint } from '../sweep/runner.js';
import { signed } from '../util/numbers.js';
import { VERSION } from '../version.js';

export const RATCHET_SCHEMA = 'memory-ratchet/ratchet@1';

export interface RatchetRunMeta {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `none`: every point came from points files (a merge without Redis). */
  readonly redis: RedisKind | 'none';
  /** The seed bank the scenarios come from. */
  readonly bank: number;
  readonly seeds: number;
  /** The sequential budget (train + validation scenarios one round may use). */
  readonly maxSeeds: number;
  /** Confirmation scenarios per round that accepts something. */
  readonly confirmSeeds: number;
  readonly trainFraction: number;
  readonly trainSeeds: readonly number[];
  /** Every validation seed used, over all looks and rounds, in draw order. */
  readonly validationSeeds: readonly number[];
  readonly confirmationSeeds: readonly number[];
  /** Degenerate draws the bank replaced with further draws. */
  readonly degenerate: readonly ReplacedSeed[];
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly cliffThreshold: number;
  readonly alpha: number;
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
  readonly constantsFile: string | null;
  readonly constantsClass: string | null;
  readonly bootstrap: { readonly resamples: number; readonly seed: string };
  /** The command line that reproduces the run. */
  readonly command: string;
}

export interface ProposedDiff {
  /** Path relative to the repository root, as in the diff's a/ and b/ lines. */
  readonly path: string;
  readonly text: string;
  /** The constants file's encoding: the diff is written in it, so `git apply` matches the file's bytes. */
  readonly encoding: SourceEncoding;
  readonly edits: readonly ConstantEdit[];
  /** Accepted changes the diff cannot carry, with why. */
  readonly notApplicable: readonly { readonly constant: string; readonly reason: string }[];
}

export interface RatchetReport {
  readonly schema: typeof RATCHET_SCHEMA;
  readonly tool: { readonly name: 'memory-ratchet'; readonly version: string };
  readonly ndcgDefinition: string;
  readonly run: RatchetRunMeta;
  readonly durationSeconds: number;
  readonly verdict: string;
  readonly constants: Constants;
  readonly decisions: readonly RatchetDecision[];
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  readonly noSensitivity: readonly string[];
  readonly notRead: readonly string[];
  readonly notModelled: readonly string[];
  readonly degenerate: readonly string[];
  /** The constants in scope whose default is a literal in popoto's code, and where it lives. */
  readonly codeDefaults: readonly CodeDefault[];
  readonly diff: ProposedDiff | null;
  /** On a pull request: each constant changed between base and head, head against base on validation. */
  readonly prDelta: readonly ConstantDelta[] | null;
  readonly evaluations: EvaluationCounts;
  /** How the points were had: engine runs, points reused from the store, degenerate skips. */
  readonly compute: PointsCounts & { readonly engine: string };
  readonly points: { readonly train: readonly SweepPoint[]; readonly validation: readonly ValidationPoint[] };
}

const named = (decisions: readonly RatchetDecision[], action: RatchetAction) =>
  decisions.filter((d) => d.action === action).map((d) => d.constant);

/** What the ratchet proposes, in one sentence. */
export function proposalSentence(decisions: readonly RatchetDecision[]): string {
  const accepted = decisions.filter((d) => d.action === 'ACCEPT');
  const proposals = decisions.filter((d) => d.proposed !== null && d.action === 'REJECT').length;
  const tested = decisions.filter((d) => !['NOT_MODELLED', 'NOT_READ'].includes(d.action)).length;
  if (accepted.length === 0) {
    return `No change is supported by the evidence: ${proposals} train-best value${proposals === 1 ? '' : 's'} did not hold on held-out scenarios, across ${tested} constants tested.`;
  }
  const list = accepted.map((d) => `${d.constant} ${d.current} → ${d.proposed}`).join(', ');
  return `${accepted.length} change${accepted.length === 1 ? '' : 's'} validated on held-out scenarios: ${list}.`;
}

const deltaText = (d: ConstantDelta) =>
  `${d.constant} ${d.base} → ${d.head} ${d.delta === null ? '(no scored scenario)' : signed(d.delta)}${d.interval ? ` [${signed(d.interval[0])}, ${signed(d.interval[1])}]` : ''}`;

/** What the pull request's own changes do, in one sentence; null outside a pull request. */
export function prSentence(prDelta: readonly ConstantDelta[] | null): string | null {
  if (prDelta === null) return null;
  if (prDelta.length === 0) return 'This pull request changes no constant the engine evaluates.';
  const regresses = prDelta.filter((d) => d.verdict === 'regresses');
  if (regresses.length > 0)
    return `This pull request makes retrieval worse: ${regresses.map(deltaText).join('; ')} (nDCG@5 on validation).`;
  const improves = prDelta.filter((d) => d.verdict === 'improves');
  if (improves.length > 0)
    return `This pull request improves retrieval: ${improves.map(deltaText).join('; ')} (nDCG@5 on validation).`;
  return `This pull request's changes have no measurable effect: ${prDelta.map(deltaText).join('; ')}.`;
}

/**
 * The verdict: the pull request's own effect first (a regression above all), then what the ratchet
 * proposes. The comment's first line, the check's title, the job summary and the `verdict` output.
 */
export function verdictSentence(
  decisions: readonly RatchetDecision[],
  prDelta: readonly ConstantDelta[] | null = null,
): string {
  const pr = prSentence(prDelta);
  const proposals = proposalSentence(decisions);
  return pr === null ? proposals : `${pr} Ratchet: ${proposals}`;
}

export function buildRatchetReport(
  run: RatchetRunMeta,
  durationSeconds: number,
  constants: Constants,
  outcome: RatchetOutcome,
  diff: ProposedDiff | null,
  prDelta: readonly ConstantDelta[] | null = null,
  compute: PointsCounts & { readonly engine: string } = {
    engineRuns: 0,
    reused: 0,
    skipped: 0,
    engine: ENGINE_VERSION,
  },
): RatchetReport {
  const { decisions } = outcome;
  const all = [...outcome.trainPoints, ...outcome.validationPoints].filter((p) => p.scenario !== '*');
  return {
    schema: RATCHET_SCHEMA,
    tool: { name: 'memory-ratchet', version: VERSION },
    ndcgDefinition: NDCG_DEFINITION,
    run,
    durationSeconds,
    verdict: verdictSentence(decisions, prDelta),
    constants,
    decisions,
    accepted: named(decisions, 'ACCEPT'),
    rejected: named(decisions, 'REJECT'),
    noSensitivity: named(decisions, 'NO_SENSITIVITY'),
    notRead: named(decisions, 'NOT_READ'),
    notModelled: named(decisions, 'NOT_MODELLED'),
    degenerate: named(decisions, 'DEGENERATE'),
    codeDefaults: codeDefaultsOf(decisions.map((d) => d.constant)),
    diff,
    prDelta,
    evaluations: evaluationCounts(all),
    compute,
    points: { train: outcome.trainPoints, validation: outcome.validationPoints },
  };
}
