/**
 * The procedures side of a generated scenario: a recurring job for which the agent has saved several
 * candidate procedures over the history (docs/generated-scenarios.md, "Procedures"). They look alike to the
 * memory (saved with a guessed importance, in the job's own partition, with no links); what tells them apart
 * is how their trials went, reported through the observation protocol. The hidden part is each procedure's
 * true success rate (some break or get fixed mid-history); the grades follow from the rate at query time
 * alone, before and without any constant. Pure.
 */

import type { ArmName, Outcome } from '../../engine/engine.js';
import type { SaveStep } from '../script.js';
import type { TimedEvidence } from './evidence.js';
import { clamp01, Stream } from './random.js';
import { type Sessions, sessionAfter } from './sessions.js';
import { gradesOf, placeBetween } from './world.js';

export interface HiddenProcedure {
  readonly id: string;
  /** Success rate before `switchAt`, and from then on. */
  readonly before: number;
  readonly after: number;
  /** Epoch seconds when the rate changes (Infinity: never). */
  readonly switchAt: number;
  /** Epoch seconds when the procedure was saved. */
  readonly savedAt: number;
  /** How many times it was tried (0: never tried since it was saved). */
  readonly trials: number;
}

export interface ProcedureWorld {
  /** The partition the job's procedures are filed under. */
  readonly partition: string;
  /** The job lookup's composite weights: the track record counts most. */
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  /** The importance the application saves every candidate with (it cannot tell them apart at save time). */
  readonly importance: number;
  /** How often a trial's outcome label is right. */
  readonly reliability: number;
  /** The share of failed trials reported as contradicted (the rest are dismissed: passed over). */
  readonly contradictedShare: number;
  readonly procedures: readonly HiddenProcedure[];
  /** Grades from the success rate at query time (the same cut points as usefulness). */
  readonly grades: Readonly<Record<string, number>>;
}

/** The share of trials the application predicted beforehand (PredictionLedger). */
const PREDICTED_SHARE = 0.6;
/** The most trials a procedure gets over the history. */
const MOST_TRIALS = 12;
const JOB_WEIGHTS: readonly Readonly<Partial<Record<ArmName, number>>>[] = [
  { decay: 0.3, confidence: 0.7 },
  { decay: 0.4, confidence: 0.6 },
  { decay: 0.2, confidence: 0.6, priority: 0.2 },
];

export function buildProcedureWorld(seedId: number, historyStart: number, now: number): ProcedureWorld {
  const s = new Stream(`${seedId}:procedures`);
  const reliability = s.uniform(0.7, 0.97);
  const contradictedShare = s.uniform(0.1, 0.5);
  const count = s.integer(8, 12);
  const jobImportance = s.uniform(0.3, 0.7);
  const weights = s.pick(JOB_WEIGHTS);
  const span = now - historyStart;
  const width = String(count - 1).length;
  const procedures: HiddenProcedure[] = [];
  for (let i = 0; i < count; i++) {
    // Most candidates work now and then; a few work well.
    const before = 0.05 + 0.9 * s.uniform() ** 2;
    const switches = s.chance(0.3);
    const after = switches ? 0.05 + 0.9 * s.uniform() ** 2 : before;
    const savedAt = historyStart + Math.round(s.uniform(0, 0.9) * span);
    const switchAt = switches
      ? savedAt + Math.round(s.uniform(0.3, 0.8) * (now - savedAt))
      : Number.POSITIVE_INFINITY;
    // A few are newcomers nobody has tried yet; the others were tried as often as they came up.
    const trials = s.chance(0.15) ? 0 : s.integer(3, MOST_TRIALS);
    procedures.push({ id: `j${String(i).padStart(width, '0')}`, before, after, switchAt, savedAt, trials });
  }
  // Usefulness is the squared place of the rate now between the worst and the best candidate's: the job
  // needs the few that work best.
  const place = placeBetween(procedures.map((p) => p.after));
  const grades = gradesOf(procedures, (p) => place(p.after) ** 2);
  return {
    partition: 'job-0',
    importance: jobImportance,
    weights,
    reliability,
    contradictedShare,
    procedures,
    grades,
  };
}

function trialOutcome(world: ProcedureWorld, success: boolean, s: Stream): Outcome {
  const right = s.chance(world.reliability);
  if (success) return right ? 'acted' : s.chance(0.4) ? 'contradicted' : 'dismissed';
  if (!right) return 'acted';
  return s.chance(world.contradictedShare) ? 'contradicted' : 'dismissed';
}

/**
 * The application's evidence, as timed steps: each procedure saved with the importance the application
 * guessed for the job (near the same for all), then its trials in working sessions after its save, each
 * reported as an outcome (predicted beforehand for a share of them).
 */
export function procedureEvidence(
  world: ProcedureWorld,
  seedId: number,
  sessions: Sessions,
): TimedEvidence[] {
  const steps: TimedEvidence[] = [];
  for (const p of world.procedures) {
    const s = new Stream(`${seedId}:procedure:${p.id}`);
    const importance = Math.round(1000 * clamp01(world.importance + 0.02 * s.normal())) / 1000;
    const save: SaveStep = { op: 'save', id: p.id, importance, partition: world.partition };
    steps.push({ at: p.savedAt, step: save });
    for (let t = 0; t < p.trials; t++) {
      const at = sessionAfter(sessions, p.savedAt, s);
      const success = s.chance(at >= p.switchAt ? p.after : p.before);
      if (s.chance(PREDICTED_SHARE)) steps.push({ at, step: { op: 'predict', id: p.id } });
      steps.push({ at, step: { op: 'outcome', id: p.id, outcome: trialOutcome(world, success, s) } });
    }
  }
  return steps;
}
