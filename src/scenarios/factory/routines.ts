/**
 * The routines of a generated scenario: recurring needs (a weekly report, a Monday check) mixed with standing
 * notes, in their own partition, which the application surfaces without a query: "what is due now?"
 * (docs/generated-scenarios.md, "Routines"). The weekly ones carry the cycle PolicyCache temporal discovery
 * found (at INITIAL_CYCLE_AMPLITUDE), and so do some standing notes whose uses happened to cluster on a
 * weekday. Each routine was surfaced now and then: acted on when it was needed then, dismissed or, now and
 * then, contradicted when it was not, so acted outcomes strengthen and the others weaken every cycle. The
 * grades follow from each routine's value and its need at query time alone, before and without any
 * constant. Pure.
 */

import type { Outcome } from '../../engine/engine.js';
import { utcWeekday, WEEK_SECONDS, weekdayMiddayPhase } from '../../engine/temporal-discovery.js';
import { importanceReading, type TimedEvidence } from './evidence.js';
import { Stream } from './random.js';
import { type Sessions, sessionAfter } from './sessions.js';
import { gradesOf } from './world.js';

export interface HiddenRoutine {
  readonly id: string;
  /** A weekly need (else a standing note whose need does not change). */
  readonly weekly: boolean;
  readonly value: number;
  /** Weekly needs: the epoch second at which the need peaks, modulo a week. */
  readonly peak: number;
  /** Whether discovery found a weekly cycle: every weekly need, and standing notes by chance clustering. */
  readonly discovered: boolean;
  /** Epoch seconds when it was saved. */
  readonly savedAt: number;
  /** How many times it was surfaced before the query. */
  readonly surfaced: number;
}

export interface RoutineWorld {
  readonly partition: string;
  /** How often an outcome reports the need at that moment rightly. */
  readonly reliability: number;
  readonly routines: readonly HiddenRoutine[];
  /** Grades from value · need at query time (the usefulness cut points). */
  readonly grades: Readonly<Record<string, number>>;
}

/** The need of a routine at epoch second `at`: a weekly cosine peaking at its phase, or constant. */
export const routineNeed = (routine: HiddenRoutine, at: number): number =>
  routine.weekly ? 0.5 + 0.5 * Math.cos((2 * Math.PI * (at - routine.peak)) / WEEK_SECONDS) : 1;

export function buildRoutineWorld(seedId: number, historyStart: number, now: number): RoutineWorld {
  const s = new Stream(`${seedId}:routines`);
  const reliability = s.uniform(0.7, 0.95);
  const weeklyShare = s.uniform(0.4, 0.7);
  const count = s.integer(10, 16);
  const span = now - historyStart;
  const width = String(count - 1).length;
  const routines: HiddenRoutine[] = [];
  for (let i = 0; i < count; i++) {
    const weekly = s.chance(weeklyShare);
    const value = s.uniform(0.2, 1);
    const peak = historyStart + Math.floor(s.uniform() * WEEK_SECONDS);
    const discovered = weekly || s.chance(0.3);
    const savedAt = historyStart + Math.round(s.uniform(0, 0.5) * span);
    const surfaced = s.integer(2, 6);
    routines.push({
      id: `w${String(i).padStart(width, '0')}`,
      weekly,
      value,
      peak,
      discovered,
      savedAt,
      surfaced,
    });
  }
  const grades = gradesOf(routines, (r) => r.value * routineNeed(r, now));
  return { partition: 'routines-0', reliability, routines, grades };
}

function surfacingOutcome(world: RoutineWorld, routine: HiddenRoutine, at: number, s: Stream): Outcome {
  const needed = s.chance(routine.value * routineNeed(routine, at));
  const right = s.chance(world.reliability);
  if (needed === right) return 'acted';
  return s.chance(0.2) ? 'contradicted' : 'dismissed';
}

/**
 * The application's evidence, as timed steps: each routine saved with an importance that reads its value,
 * with the weekly cycle discovery found (its phase the midday of the peak's weekday, or of a chance weekday
 * for a standing note); then its surfacings in working sessions after its save.
 */
export function routineEvidence(world: RoutineWorld, seedId: number, sessions: Sessions): TimedEvidence[] {
  const steps: TimedEvidence[] = [];
  for (const routine of world.routines) {
    const s = new Stream(`${seedId}:routine:${routine.id}`);
    const importance = importanceReading(routine.value, s.uniform(0.1, 0.5), s);
    const chance = routine.peak + Math.floor(s.uniform() * 7) * 86_400;
    const phase = weekdayMiddayPhase(utcWeekday(routine.weekly ? routine.peak : chance));
    steps.push({
      at: routine.savedAt,
      step: {
        op: 'save',
        id: routine.id,
        importance,
        partition: world.partition,
        ...(routine.discovered ? { discoveredCycles: [[WEEK_SECONDS, phase] as const] } : {}),
      },
    });
    for (let k = 0; k < routine.surfaced; k++) {
      const at = sessionAfter(sessions, routine.savedAt, s);
      steps.push({
        at,
        step: { op: 'outcome', id: routine.id, outcome: surfacingOutcome(world, routine, at, s) },
      });
    }
  }
  return steps;
}
