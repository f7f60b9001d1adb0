/**
 * ScenarioFactory: turns a seed into a scenario script and graded ground truth. The hidden world
 * (world.ts) fixes the truth; this module draws the evidence the memory sees from it, axis by axis, and
 * writes it as timed steps: saves and touches into the decay index the query reads, outcomes through the
 * observation protocol, co-occurrence links (true and spurious, strengthened and weakened) whose
 * propagation from the query's context feeds the query, and noise records that meet the write filter.
 * Pure: one seed, one script.
 */

import type { ArmName, Outcome } from '../../engine/engine.js';
import { utcWeekday, weekdayMiddayPhase } from '../../engine/temporal-discovery.js';
import type { Grades } from '../../metrics/ranking.js';
import { degenerateReason, type Scenario } from '../scenario.js';
import type { ScenarioScript, Step } from '../script.js';
import { buildFactWorld, type FactWorld, factEvidence } from './facts.js';
import { buildPolicyWorld, type PolicyWorld, policyEvidence } from './policies.js';
import { buildProcedureWorld, type ProcedureWorld, procedureEvidence } from './procedures.js';
import { clamp01, Stream } from './random.js';
import { buildRoutineWorld, type RoutineWorld, routineEvidence } from './routines.js';
import { type ScenarioSeed, validateSeed } from './seed.js';
import { workSessions } from './sessions.js';
import { buildWorld, grade, HISTORY_START, type HiddenRecord, WEEK_SECONDS, type World } from './world.js';

export interface GeneratedQuery {
  readonly label: string;
  readonly topic: number;
  /** Recently used valid records of the topic: they seed propagation and are excluded from the ranking. */
  readonly context: readonly string[];
  readonly groundTruth: Grades;
}

export interface GeneratedScenario extends Scenario {
  readonly seedId: number;
  readonly seed: ScenarioSeed;
  readonly world: World;
  /** The agents' actions and their true values (PolicyCache). */
  readonly policies: PolicyWorld;
  /** The candidate procedures of a recurring job and their true success rates. */
  readonly procedures: ProcedureWorld;
  /** The reference facts the agent consults, some of them wrong. */
  readonly facts: FactWorld;
  /** Recurring needs and standing notes the application surfaces without a query. */
  readonly routines: RoutineWorld;
  /** One query per topic that has valid records; topic 0 (the current work) first. */
  readonly queries: readonly GeneratedQuery[];
  /** The current topic's ground truth and context (topic 0). */
  readonly groundTruth: Grades;
  readonly context: readonly string[];
  /** Why the scenario cannot be scored meaningfully, if so. */
  readonly degenerate?: string;
}

/** The store size up to which topic mates are linked with the seed's full density (see the links). */
const CO_USE_SCALE = 100;

/**
 * Event order within one second: writes before touches before links before predictions before outcomes
 * before maintenance; policy updates before crystallisation.
 */
const ORDER = {
  save: 0,
  touch: 1,
  link: 2,
  strengthen: 3,
  predict: 4,
  outcome: 5,
  weakenAll: 6,
  td: 7,
  crystallize: 8,
} as const;

/**
 * The share of outcomes the application predicted beforehand (PredictionLedger): the outcome then resolves
 * the prediction, and an error above the gate lowers the record's confidence a second time.
 */
const PREDICTED_SHARE = 0.5;

/**
 * Open tasks: a share of the records the application declares with homeostatic pressure (urgency that builds
 * per unresolved day until an acted outcome, or an auto-discharge after a contradiction, resolves it). The
 * declaration is the application's, not the truth's: tasks later shown wrong keep building pressure unless
 * a contradiction discharges it, and a mistaken contradiction discharges a real one. Tasks are surfaced and
 * answered, so each carries an outcome history. Records later shown wrong are often abandoned tasks.
 */
const TASK_SHARE = { valid: 0.2, abandoned: 0.6 } as const;
/** Pressure a task builds over the whole history when never resolved: comparable to a decay score's spread. */
const TASK_PRESSURE_OVER_HISTORY = 0.1;

interface TimedStep {
  readonly at: number;
  readonly order: number;
  readonly seq: number;
  readonly step: Step;
}

const QUERY_WEIGHTS: readonly Readonly<Partial<Record<ArmName, number>>>[] = [
  { decay: 0.6, confidence: 0.4 },
  { decay: 0.5, confidence: 0.3, priority: 0.2 },
  { decay: 0.7, confidence: 0.2, priority: 0.1 },
];
/** The partition a topic's memories are filed under. */
const partitionName = (topic: number) => `project-${topic}`;
/** The topic whose project a partition is, as a field to spread (nothing for any other partition). */
export function topicOfPartition(partition: string | undefined): { topic?: number } {
  const match = partition === undefined ? null : /^project-(\d+)$/.exec(partition);
  return match ? { topic: Number(match[1]) } : {};
}

/** The assembler's max_items: the context window's share for memories. */
const ASSEMBLED_ITEMS = 5;
/** The amplitude of the weekly cycles the application declares for needs it knows to be weekly. */
const DECLARED_CYCLE_AMPLITUDE = 0.3;

/**
 * The phase temporal discovery finds for a need peaking at epoch second `peak` every week: the midday of
 * that weekday (the application declares the cycle; its amplitude is INITIAL_CYCLE_AMPLITUDE).
 */
const discoveredPhase = (peak: number): number => weekdayMiddayPhase(utcWeekday(peak));

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const secondsAgo = (world: World, days: number) => world.now - Math.round(days * 86400);

/** Importance: a noisy, query-independent reading of intrinsic value, shaped by the seed's axis. */
function importanceOf(record: HiddenRecord, world: World): number {
  const s = new Stream(`${world.seed.seedId}:record:${record.index}:importance`);
  const r = world.reliabilities.importance;
  // Noise is rated by the same unreliable reading: half of it looks as important as a typical record.
  const reading = record.noise
    ? s.chance(0.5)
      ? s.uniform(0.3, 0.8)
      : s.uniform(0, 0.35)
    : clamp01(r * record.value + (1 - r) * s.uniform());
  const jitter = s.normal();
  let shaped: number;
  switch (world.seed.importanceShape) {
    case 'uniform':
      shaped = reading + 0.05 * jitter;
      break;
    case 'clustered':
      shaped = (reading < 1 / 3 ? 0.3 : reading < 2 / 3 ? 0.55 : 0.8) + 0.015 * jitter;
      break;
    case 'bimodal':
      shaped = (reading >= 0.5 ? 0.75 : 0.2) + 0.04 * jitter;
      break;
    case 'exponential':
      shaped = 0.02 + 0.98 * reading ** 2.5;
      break;
    case 'flat':
      shaped = 0.45 + 0.03 * jitter;
      break;
  }
  return round3(Math.min(1, Math.max(0.01, shaped)));
}

function outcomeFor(record: HiddenRecord, reliability: number, s: Stream): Outcome {
  if (record.noise) {
    // Mostly dismissed; unreliable feedback sometimes reports acting on it.
    return s.chance((1 - reliability) * 0.6) ? 'acted' : s.chance(0.7) ? 'dismissed' : 'deferred';
  }
  if (!record.valid)
    return s.chance(reliability * 0.8) ? 'contradicted' : s.chance(0.5) ? 'acted' : 'dismissed';
  if (s.chance(reliability * (0.3 + 0.7 * record.value) + (1 - reliability) * 0.4)) return 'acted';
  // A share of contradictions of good records are mistaken.
  return s.chance((1 - reliability) * 0.6) ? 'contradicted' : s.chance(0.6) ? 'dismissed' : 'deferred';
}

export function createScenario(candidate: ScenarioSeed): GeneratedScenario {
  const seed = validateSeed(candidate);
  const world = buildWorld(seed);
  const timeline: TimedStep[] = [];
  let seq = 0;
  const at = (time: number, step: Step) =>
    timeline.push({ at: time, order: ORDER[step.op as keyof typeof ORDER], seq: seq++, step });

  // Records: written at creation (importance meets the write filter), touched at their last use.
  const cycleStream = new Stream(`${seed.seedId}:cycles`);
  const tasks = new Set<string>();
  // The application partitions memories by project (a topic); noise lands in whichever project was active.
  const partitionOf = (record: HiddenRecord) =>
    partitionName(
      record.noise
        ? new Stream(`${seed.seedId}:record:${record.index}:partition`).integer(0, world.topics - 1)
        : record.topic,
    );
  for (const record of world.records) {
    const created = secondsAgo(world, record.createdDaysAgo);
    const used = secondsAgo(world, record.lastUseDaysAgo);
    // Half the periodic records carry the weekly cycle the application declares itself (it knows the need is
    // weekly); the other half, and some others (discovery fooled by chance clustering), the cycle temporal
    // discovery finds, at INITIAL_CYCLE_AMPLITUDE.
    const spuriousCycle = !record.noise && record.kind !== 'periodic' && cycleStream.chance(0.15);
    const declaredByApplication =
      record.kind === 'periodic' &&
      new Stream(`${seed.seedId}:record:${record.index}:cycle-source`).chance(0.5);
    const cyclePhase = spuriousCycle
      ? HISTORY_START + Math.floor(cycleStream.uniform() * WEEK_SECONDS)
      : record.phase;
    const task =
      !record.noise &&
      new Stream(`${seed.seedId}:record:${record.index}:task`).chance(
        record.valid ? TASK_SHARE.valid : TASK_SHARE.abandoned,
      );
    if (task) tasks.add(record.id);
    at(created, {
      op: 'save',
      id: record.id,
      importance: importanceOf(record, world),
      ...(declaredByApplication
        ? { cycles: [[WEEK_SECONDS, DECLARED_CYCLE_AMPLITUDE, record.phase] as const] }
        : record.kind === 'periodic' || spuriousCycle
          ? { discoveredCycles: [[WEEK_SECONDS, discoveredPhase(cyclePhase)] as const] }
          : {}),
      ...(task
        ? { pressureRate: Number((TASK_PRESSURE_OVER_HISTORY / seed.ageSpreadDays).toPrecision(3)) }
        : {}),
      partition: partitionOf(record),
    });
    if (used > created) at(used, { op: 'touch', id: record.id });
  }

  // Outcomes: a share of records carries a history, between creation and last use.
  for (const record of world.records) {
    const s = new Stream(`${seed.seedId}:record:${record.index}:outcomes`);
    // Its own stream, so the outcomes drawn are the same whether or not they were predicted.
    const predicted = new Stream(`${seed.seedId}:record:${record.index}:predictions`);
    if (!s.chance(seed.outcomeFrequency) && !tasks.has(record.id)) continue;
    const events = s.integer(1, 3);
    for (let e = 0; e < events; e++) {
      const daysAgo = s.uniform(record.lastUseDaysAgo, record.createdDaysAgo);
      let time = secondsAgo(world, daysAgo);
      if (record.kind === 'periodic' && record.valid && !record.noise) {
        // Periodic needs are acted on near their peak: snap to the nearest peak before `time`.
        time -= (((time - record.phase) % WEEK_SECONDS) + WEEK_SECONDS) % WEEK_SECONDS;
        if (time < secondsAgo(world, record.createdDaysAgo)) continue;
      }
      if (predicted.chance(PREDICTED_SHARE)) at(time, { op: 'predict', id: record.id });
      at(time, { op: 'outcome', id: record.id, outcome: outcomeFor(record, world.reliabilities.outcome, s) });
    }
  }

  // Links: true associations among on-topic records, spurious ones anywhere; maintenance decays all.
  const links = new Stream(`${seed.seedId}:links`);
  const created = new Map(world.records.map((r) => [r.id, secondsAgo(world, r.createdDaysAgo)]));
  const bornTogether = (a: HiddenRecord, b: HiddenRecord) =>
    Math.max(created.get(a.id)!, created.get(b.id)!) + 60;
  const linked = new Set<string>();
  const link = (a: HiddenRecord, b: HiddenRecord, truth: boolean) => {
    const key = a.index < b.index ? `${a.id}|${b.id}` : `${b.id}|${a.id}`;
    if (a === b || linked.has(key)) return;
    linked.add(key);
    const start = bornTogether(a, b);
    at(start, { op: 'link', a: a.id, b: b.id });
    // True associations are co-used again (how often depends on the seed); spurious ones only by chance.
    const strengthenings = truth
      ? links.integer(0, Math.round(4 * world.reliabilities.links))
      : links.chance(0.35)
        ? links.integer(1, 2)
        : 0;
    for (let k = 0; k < strengthenings; k++) {
      const span = Math.max(0, world.now - 3600 - start);
      at(start + Math.round(links.uniform() * span), { op: 'strengthen', a: a.id, b: b.id });
    }
  };
  // Records on one topic are co-used, wrong ones included: their links are real associations, yet
  // boosting them also promotes records that were later shown wrong. A record is co-used with about as
  // many topic mates in a large store as in a store of CO_USE_SCALE records (past it, the chance per pair
  // shrinks so that links grow with the records, not with their square); at most CO_USE_SCALE records,
  // which is every seed of the default bank, the chance is linkDensity · 0.3 as always.
  const pairChance = seed.linkDensity * 0.3 * Math.min(1, CO_USE_SCALE / seed.recordCount);
  for (let topic = 0; topic < world.topics; topic++) {
    const members = world.records.filter((r) => r.topic === topic);
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (links.chance(pairChance)) link(members[i]!, members[j]!, true);
      }
    }
  }
  const spurious = Math.round(seed.linkDensity * seed.recordCount * 0.8);
  for (let k = 0; k < spurious; k++) link(links.pick(world.records), links.pick(world.records), false);
  // One query per topic: its context is the topic's most recently used valid records (they seed the
  // propagation and are left out of the ranking and the grades); topic 0 is the current work.
  const queries: GeneratedQuery[] = [];
  for (let topic = 0; topic < world.topics; topic++) {
    const valid = world.records.filter((r) => r.topic === topic && r.valid);
    if (valid.length === 0) continue;
    const count = new Stream(`${seed.seedId}:context:${topic}`).integer(1, 3);
    const context = [...valid]
      .sort((a, b) => a.lastUseDaysAgo - b.lastUseDaysAgo || a.index - b.index)
      .slice(0, count)
      .map((r) => r.id);
    const groundTruth: Record<string, number> = {};
    for (const record of valid) {
      const g = grade(record.usefulness);
      if (g > 0 && !context.includes(record.id)) groundTruth[record.id] = g;
    }
    queries.push({ label: `topic-${topic}`, topic, context, groundTruth });
  }
  const context = queries.find((q) => q.topic === 0)?.context ?? [];
  // Session co-use: the context was used alongside whatever else was used recently (chatter, other
  // topics), which links them too: spurious associations right where the query's propagation starts.
  const session = new Stream(`${seed.seedId}:session`);
  const recentOthers = world.records
    .filter((r) => !(r.onTopic && r.valid) && r.lastUseDaysAgo < 1.5)
    .sort((a, b) => a.lastUseDaysAgo - b.lastUseDaysAgo || a.index - b.index);
  for (const id of context) {
    const record = world.records.find((r) => r.id === id)!;
    for (const other of recentOthers.slice(0, Math.round(seed.linkDensity * 4))) {
      if (session.chance(0.7)) link(record, other, false);
    }
  }
  // Policies: the agents' action events, crystallised and updated by PolicyCache.
  const policies = buildPolicyWorld(seed.seedId, HISTORY_START, world.now);
  for (const { at: time, step } of policyEvidence(policies, seed.seedId, HISTORY_START, world.now))
    at(time, step);
  // Procedures: the candidates for a recurring job, told apart only by how their trials went. They are tried,
  // consulted (facts) and surfaced (routines) in the agent's working sessions.
  const sessions = workSessions(seed.seedId, HISTORY_START, world.now);
  const procedures = buildProcedureWorld(seed.seedId, HISTORY_START, world.now);
  for (const { at: time, step } of procedureEvidence(procedures, seed.seedId, sessions)) at(time, step);
  // Reference facts: consulted, sometimes contradicted, told apart by their confidence.
  const facts = buildFactWorld(seed.seedId, HISTORY_START, world.now);
  for (const { at: time, step } of factEvidence(facts, seed.seedId, sessions)) at(time, step);
  // Routines: weekly needs with discovered cycles, and standing notes, surfaced and answered.
  const routines = buildRoutineWorld(seed.seedId, HISTORY_START, world.now);
  for (const { at: time, step } of routineEvidence(routines, seed.seedId, sessions)) at(time, step);

  const linkedIds = [...new Set([...linked].flatMap((key) => key.split('|')))].sort();
  const ticks = 1 + Math.min(3, Math.floor(seed.ageSpreadDays / 60));
  for (let t = 1; t <= ticks; t++) {
    const time = world.now - Math.round(((ticks - t + 0.5) / ticks) * seed.ageSpreadDays * 86400 * 0.5);
    // Maintenance reaches only records that exist by then.
    for (const id of linkedIds) if (created.get(id)! <= time) at(time, { op: 'weakenAll', id });
  }

  timeline.sort((x, y) => x.at - y.at || x.order - y.order || x.seq - y.seq);
  const steps: Step[] = [];
  let clock = HISTORY_START;
  // A loop, not Math.min(...): a large scenario has more events than a call can take as arguments.
  const first = timeline.reduce((min, t) => Math.min(min, t.at), HISTORY_START);
  clock = first;
  for (const event of timeline) {
    if (event.at > clock) {
      steps.push({ op: 'advance', seconds: event.at - clock });
      clock = event.at;
    }
    steps.push(event.step);
  }
  if (world.now > clock) steps.push({ op: 'advance', seconds: world.now - clock });
  const weights = new Stream(`${seed.seedId}:query`).pick(QUERY_WEIGHTS);
  // The rankings at query time: a proactive call on the current work (no cues: the push path alone), one query
  // per topic, the policy query; then the agent's turns on the current work (ContextAssembler in composite
  // mode, filtered to the project, leaving out what it already holds). The first turn's competitive
  // suppression changes what the second sees; the second is graded.
  const current = queries.find((q) => q.topic === 0);
  const leaveOut = current && current.context.length > 0 ? { exclude: current.context } : {};
  steps.push({
    op: 'assemble',
    label: 'proactive',
    partition: partitionName(0),
    weights,
    maxItems: ASSEMBLED_ITEMS,
    cues: false,
    ...leaveOut,
    relevance: current?.groundTruth ?? {},
  });
  for (const query of queries) {
    steps.push({
      op: 'query',
      label: query.label,
      partition: partitionName(query.topic),
      weights,
      limit: 10,
      ...(query.context.length > 0 ? { boostFrom: query.context, exclude: query.context } : {}),
      relevance: query.groundTruth,
    });
  }
  // The policy query: the cached policies by expected value (top_by_decay on q), graded by their true values.
  steps.push({
    op: 'query',
    label: 'policies',
    method: 'topByDecay',
    model: 'policy',
    limit: 10,
    relevance: policies.grades,
  });
  // The procedures query: the job's candidates by the same composite, graded by their success rates now.
  steps.push({
    op: 'query',
    label: 'procedures',
    partition: procedures.partition,
    weights: procedures.weights,
    limit: 10,
    relevance: procedures.grades,
  });
  // The facts lookup: the reference facts by their own composite, graded by validity and value.
  steps.push({
    op: 'query',
    label: 'facts',
    partition: facts.partition,
    weights: facts.weights,
    limit: 10,
    relevance: facts.grades,
  });
  // What is due now: a proactive call on the routines (the push path alone), graded by their need now.
  steps.push({
    op: 'assemble',
    label: 'routines',
    partition: routines.partition,
    weights,
    maxItems: ASSEMBLED_ITEMS,
    cues: false,
    relevance: routines.grades,
  });
  if (current) {
    for (const label of ['assemble-first', 'assemble']) {
      steps.push({
        op: 'assemble',
        label,
        partition: partitionName(0),
        weights,
        maxItems: ASSEMBLED_ITEMS,
        ...leaveOut,
        ...(label === 'assemble' ? { relevance: current.groundTruth } : {}),
      });
    }
  }
  const script: ScenarioScript = {
    name: `seed-${seed.seedId}`,
    description: `generated from seed ${seed.seedId}`,
    clock: first,
    steps,
  };
  const scenario = {
    name: script.name,
    kind: 'generated' as const,
    script,
    seedId: seed.seedId,
    seed,
    world,
    policies,
    procedures,
    facts,
    routines,
    queries,
    groundTruth: queries[0]?.topic === 0 ? queries[0].groundTruth : {},
    context,
    metadata: {
      seedId: seed.seedId,
      queries: queries.length,
      relevant: queries.reduce((n, q) => n + Object.keys(q.groundTruth).length, 0),
      noise: world.records.filter((r) => r.noise).length,
      onTopic: world.records.filter((r) => r.onTopic).length,
      links: linked.size,
      policyActions: policies.actions.length,
      context,
    },
  };
  const degenerate = degenerateReason(scenario);
  return degenerate ? { ...scenario, degenerate } : scenario;
}
