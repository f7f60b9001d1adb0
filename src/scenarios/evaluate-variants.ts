/**
 * Factored evaluation: one scenario under many constants variants in one fused run. The script is cut into
 * segments (the writes up to a query, then the queries asked there; writes after the last query cannot
 * change a ranking and are not sent), variants that read the same constants are evaluated once, and each
 * distinct record-stage and graph-stage setting builds its state once. Every result equals the result of
 * replaying that variant alone (`engineEvaluator`), point for point.
 */
import type { Constants } from '../constants/values.js';
import type { RedisClient, WriteOp } from '../engine/engine.js';
import { checkGraphWrite, checkPropagation } from '../engine/engine.js';
import { type FusedQuery, FusedRun, type FusedVariant } from '../engine/fused.js';
import {
  engineKey,
  type GraphSettings,
  type RecordSettings,
  type StageSettings,
  settingsKey,
  splitRecordSettings,
  stageSettings,
} from '../engine/stages.js';
import { errorMessage } from '../errors.js';
import type { RedisHandle, RedisKind } from '../redis/acquire.js';
import { memoByObject } from '../util/memo.js';
import { engineEvaluator, scoredResult, unscored } from './evaluate.js';
import { checkScriptAgainstConstants, DEFAULT_MAX_ITEMS, writeOp } from './replay.js';
import { degenerateReason, type Scenario, type ScenarioResult } from './scenario.js';
import type { RankingStep, ScenarioScript } from './script.js';

export interface VariantsEvaluator {
  readonly redisKind: RedisKind;
  /** One result per variant, in order. Failures are results with status "error", never exceptions. */
  evaluateVariants(scenario: Scenario, variants: readonly Constants[]): Promise<ScenarioResult[]>;
}

/**
 * A segment as held for the life of its script: the write steps and their simulated times (the engine's
 * write operations are made from them for each call, so a held scenario does not keep a second object per
 * write), the queries, and the ranking steps they come from.
 */
interface Segment {
  readonly writeSteps: readonly WriteStep[];
  readonly writeTimes: readonly number[];
  readonly queries: readonly FusedQuery[];
  readonly steps: readonly RankingStep[];
}
type WriteStep = Parameters<typeof writeOp>[0];

/** The segment's writes as the engine's operations. */
const writesOf = (segment: Segment): WriteOp[] =>
  segment.writeSteps.map((step, i) => writeOp(step, segment.writeTimes[i]!));

/** The script as segments, made once per script (segments are never changed after they are made). */
export const segmentsOf: (script: ScenarioScript) => readonly Segment[] = memoByObject(segmentScript);

/** The script as segments: writes, then the queries that follow them (pure). */
export function segmentScript(script: ScenarioScript): Segment[] {
  const segments: Segment[] = [];
  let writeSteps: WriteStep[] = [];
  let writeTimes: number[] = [];
  let queries: FusedQuery[] = [];
  let steps: RankingStep[] = [];
  let now = script.clock;
  const write = (step: WriteStep) => {
    if (queries.length > 0) {
      segments.push({ writeSteps, writeTimes, queries, steps });
      writeSteps = [];
      writeTimes = [];
      queries = [];
      steps = [];
    }
    writeSteps.push(step);
    writeTimes.push(now);
  };
  for (const step of script.steps) {
    switch (step.op) {
      case 'advance':
        now += step.seconds;
        break;
      case 'assemble':
        queries.push({
          method: 'assemble',
          model: 'memory',
          partition: step.partition ?? '',
          limit: step.maxItems ?? DEFAULT_MAX_ITEMS,
          weights: step.weights,
          now,
          boostFrom: [],
          assemble: {
            cues: step.cues ?? true,
            exclude: step.exclude ?? [],
            ...(step.maxTokens !== undefined ? { maxTokens: step.maxTokens, tokens: step.tokens ?? {} } : {}),
          },
        });
        steps.push(step);
        break;
      case 'query':
        queries.push({
          method: step.method ?? 'composite',
          model: step.model ?? 'memory',
          partition: step.partition ?? '',
          limit: step.limit + new Set(step.exclude ?? []).size,
          weights: step.weights ?? {},
          now,
          boostFrom: step.boostFrom ?? [],
        });
        steps.push(step);
        break;
      default:
        // Made into an operation now, so a step the engine cannot take fails when the script is segmented.
        writeOp(step, now);
        write(step);
        break;
    }
  }
  if (queries.length > 0) segments.push({ writeSteps, writeTimes, queries, steps });
  return segments;
}

/**
 * The script's PolicyEntry ids when only policy operations (crystallize, td, touch) act on them, so their
 * state depends on the policy constants alone; undefined when there are none, or when an outcome or a
 * prediction on one makes it read memory constants too.
 */
export const separablePolicies: (script: ScenarioScript) => string[] | undefined =
  memoByObject(findSeparablePolicies);

function findSeparablePolicies(script: ScenarioScript): string[] | undefined {
  const ids = new Set(script.steps.flatMap((step) => (step.op === 'crystallize' ? [step.id] : [])));
  if (ids.size === 0) return undefined;
  const coupled = script.steps.some(
    (step) => (step.op === 'outcome' || step.op === 'predict') && ids.has(step.id),
  );
  return coupled ? undefined : [...ids];
}

/** Whether an assembler call comes before a write (the fused run handles suppression only after the last). */
export function suppressesBeforeWrites(segments: readonly Segment[]): boolean {
  return segments.slice(0, -1).some((segment) => segment.queries.some((q) => q.method === 'assemble'));
}

/** Each distinct variant replayed alone, its result given to every variant that reads the same constants. */
async function replayEach(
  client: RedisClient,
  redisKind: RedisKind,
  scenario: Scenario,
  unique: readonly StageSettings[],
  variants: readonly Constants[],
  of: readonly number[],
  clock: () => number,
): Promise<ScenarioResult[]> {
  const firstOf = unique.map((_, i) => of.indexOf(i));
  const evaluator = engineEvaluator({ client, redisKind, clock });
  const results: ScenarioResult[] = [];
  for (const at of firstOf) results.push(await evaluator.evaluate(scenario, variants[at]!));
  return of.map((i) => results[i]!);
}

/** Why a graph setting cannot run this script (the checks a replay makes), or undefined; once per setting. */
function graphProblem(script: ScenarioScript, segments: readonly Segment[], graph: GraphSettings) {
  const known = graphProblemsOf(script);
  const key = settingsKey(graph);
  if (!known.has(key)) known.set(key, findGraphProblem(script, segments, graph));
  return known.get(key);
}
const graphProblemsOf = memoByObject((_: ScenarioScript) => new Map<string, string | undefined>());

function findGraphProblem(script: ScenarioScript, segments: readonly Segment[], graph: GraphSettings) {
  try {
    checkScriptAgainstConstants(script, graph.weightCap, script.name);
    for (const segment of segments) {
      for (const op of writesOf(segment)) {
        if (op.op === 'link' || op.op === 'strengthen' || op.op === 'weakenAll') checkGraphWrite(op, graph);
      }
    }
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** Distinct values by key, in first-seen order, with each input's index into them. */
function distinct<T>(items: readonly T[], key: (item: T) => string) {
  const index = new Map<string, number>();
  const values: T[] = [];
  const of = items.map((item) => {
    const k = key(item);
    let i = index.get(k);
    if (i === undefined) {
      i = values.length;
      index.set(k, i);
      values.push(item);
    }
    return i;
  });
  return { values, of };
}

export interface FactoredEvaluatorOptions {
  readonly client: RedisClient;
  readonly redisKind: RedisKind;
  /** Milliseconds, for durations only (never for scoring). */
  readonly clock: () => number;
  /** Writes per script call (default MAX_WRITES_PER_CALL; small values test the slicing). */
  readonly maxWritesPerCall?: number;
  /** Registers a run's cleanup while it is open (an interrupt removes its keys); returns the unregister. */
  readonly track?: (cleanup: () => Promise<void>) => () => void;
}

export function factoredEvaluator({
  client,
  redisKind,
  clock,
  maxWritesPerCall,
  track,
}: FactoredEvaluatorOptions): VariantsEvaluator {
  return {
    redisKind,
    async evaluateVariants(scenario, variants) {
      const degenerate = degenerateReason(scenario);
      if (degenerate) return variants.map(() => unscored(scenario, 'skipped-degenerate', degenerate, 0));
      const started = clock();
      const settings = variants.map(stageSettings);
      const unique = distinct(settings, engineKey);
      const results = new Array<ScenarioResult | undefined>(unique.values.length);
      const segments = segmentsOf(scenario.script);
      if (suppressesBeforeWrites(segments)) {
        // Competitive suppression followed by writes: a record state would depend on the query-stage constants
        // too, so each distinct variant is replayed alone.
        return replayEach(client, redisKind, scenario, unique.values, variants, unique.of, clock);
      }

      // Variants a replay would refuse fail alone, before anything runs.
      const problems = unique.values.map((s) => {
        const graph = graphProblem(scenario.script, segments, s.graph);
        if (graph) return graph;
        if (
          segments.some((seg) => seg.queries.some((q) => q.method === 'composite' && q.boostFrom.length > 0))
        ) {
          try {
            checkPropagation(s.query);
          } catch (error) {
            return errorMessage(error);
          }
        }
        return undefined;
      });
      const runnable: StageSettings[] = [];
      const runnableAt: number[] = [];
      unique.values.forEach((s, i) => {
        if (problems[i]) results[i] = unscored(scenario, 'error', problems[i]!, 0);
        else {
          runnable.push(s);
          runnableAt.push(i);
        }
      });

      if (runnable.length > 0) {
        // PolicyEntry records get states of their own when only policy constants act on them.
        const policyIds = separablePolicies(scenario.script);
        const records = distinct(runnable, (s) =>
          policyIds ? splitRecordSettings(s.records).memory : settingsKey(s.records),
        );
        const policyStates = policyIds
          ? distinct(runnable, (s) => splitRecordSettings(s.records).policy)
          : undefined;
        const graphs = distinct(runnable, (s) => settingsKey(s.graph));
        const fused: FusedVariant[] = runnable.map((s, i) => ({
          records: records.of[i]!,
          ...(policyStates ? { policies: policyStates.of[i]! } : {}),
          graph: graphs.of[i]!,
          query: s.query,
        }));
        const policies =
          policyIds && policyStates
            ? { ids: policyIds, states: policyStates.values.map((s) => s.records) }
            : undefined;
        const rankings: Map<string, readonly string[]>[] = runnable.map(() => new Map());
        let run: FusedRun | undefined;
        let untrack: (() => void) | undefined;
        try {
          run = await FusedRun.open(client, maxWritesPerCall ? { maxWritesPerCall } : {});
          const opened = run;
          untrack = track?.(() => opened.close());
          for (const [index, segment] of segments.entries()) {
            const reply = await run.segment(
              { writes: writesOf(segment), queries: segment.queries },
              records.values.map((s) => s.records as RecordSettings),
              graphs.values.map((s) => s.graph),
              fused,
              index === segments.length - 1,
              policies,
            );
            reply.forEach((perQuery, v) => {
              perQuery.forEach((ranked, q) => {
                const step = segment.steps[q]!;
                // The first query with a label is the one evaluated under it, as in a replay.
                if (rankings[v]!.has(step.label)) return;
                const exclude = new Set(step.exclude ?? []);
                // An assembler call applies its exclusions and max items itself.
                const ids =
                  step.op === 'assemble'
                    ? ranked
                    : ranked.filter((id) => !exclude.has(id)).slice(0, step.limit);
                rankings[v]!.set(step.label, ids);
              });
            });
          }
        } catch (error) {
          const reason = errorMessage(error);
          const ms = clock() - started;
          for (const i of runnableAt) results[i] = unscored(scenario, 'error', reason, ms / runnable.length);
        } finally {
          await run?.close().catch(() => undefined);
          untrack?.();
        }
        const ms = (clock() - started) / runnable.length;
        runnableAt.forEach((at, v) => {
          results[at] ??= scoredResult(scenario, rankings[v]!, ms);
        });
      }
      return unique.of.map((i) => results[i]!);
    },
  };
}

/**
 * Evaluations spread over several engines on independent Redis servers: each call goes to the one with the
 * fewest calls in flight (the first on ties). A result does not depend on which server computed it.
 */
export function spreadEvaluator(evaluators: readonly VariantsEvaluator[]): VariantsEvaluator {
  if (evaluators.length === 1) return evaluators[0]!;
  const inFlight = evaluators.map(() => 0);
  return {
    redisKind: evaluators[0]!.redisKind,
    async evaluateVariants(scenario, variants) {
      let least = 0;
      for (let i = 1; i < inFlight.length; i++) if (inFlight[i]! < inFlight[least]!) least = i;
      inFlight[least]!++;
      try {
        return await evaluators[least]!.evaluateVariants(scenario, variants);
      } finally {
        inFlight[least]!--;
      }
    },
  };
}

/**
 * The factored evaluator over every server of a Redis handle (its private servers, or its one client),
 * spread as `spreadEvaluator` does, and how many scenarios to keep in flight for `perServer` each.
 */
export function handleEvaluator(
  handle: Pick<RedisHandle, 'client' | 'clients' | 'kind' | 'track'>,
  clock: () => number,
  perServer: number,
): { evaluator: VariantsEvaluator; concurrency: number } {
  const clients = handle.clients ?? [handle.client];
  const evaluator = spreadEvaluator(
    clients.map((client) =>
      factoredEvaluator({
        client,
        redisKind: handle.kind,
        clock,
        ...(handle.track ? { track: handle.track } : {}),
      }),
    ),
  );
  return { evaluator, concurrency: perServer * clients.length };
}
