/**
 * The reference facts of a generated scenario: facts the agent consults (an API's behaviour, a setting, a
 * name) and some of which are wrong (docs/generated-scenarios.md, "Reference facts"). They are saved in their
 * own partition with an importance that reads their value but not their validity, consulted now and then,
 * and each consultation is reported through the observation protocol: used, dismissed (not needed this
 * time, whatever the fact's validity) or contradicted (mostly wrong facts, sometimes by mistake). Facts are
 * consulted, never acted on, so nothing moves their decay clocks: what tells a wrong fact from a right one is
 * its confidence. The grades follow from validity and value alone, before and without any constant. Pure.
 */

import type { ArmName, Outcome } from '../../engine/engine.js';
import { importanceReading, type TimedEvidence } from './evidence.js';
import { Stream } from './random.js';
import { type Sessions, sessionAfter } from './sessions.js';
import { gradesOf } from './world.js';

export interface HiddenFact {
  readonly id: string;
  readonly valid: boolean;
  /** Value in [0, 1] when valid. */
  readonly value: number;
  /** Epoch seconds when the fact was saved. */
  readonly savedAt: number;
  /** How many times it was consulted. */
  readonly consultations: number;
}

export interface FactWorld {
  /** The partition the facts are filed under. */
  readonly partition: string;
  /** The lookup's composite weights. */
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  /** How often a consultation of a wrong fact reports the contradiction. */
  readonly caught: number;
  /** How often a consultation of a right fact is mistakenly reported as contradicted. */
  readonly mistaken: number;
  readonly facts: readonly HiddenFact[];
  /** Grades from validity and value (the usefulness cut points). */
  readonly grades: Readonly<Record<string, number>>;
}

/** The share of consultations the application predicted beforehand (PredictionLedger). */
const PREDICTED_SHARE = 0.6;
const LOOKUP_WEIGHTS: readonly Readonly<Partial<Record<ArmName, number>>>[] = [
  { decay: 0.5, confidence: 0.5 },
  { decay: 0.4, confidence: 0.6 },
  { decay: 0.6, confidence: 0.4 },
];

export function buildFactWorld(seedId: number, historyStart: number, now: number): FactWorld {
  const s = new Stream(`${seedId}:facts`);
  const validShare = s.uniform(0.3, 0.6);
  const caught = s.uniform(0.5, 0.9);
  const mistaken = s.uniform(0.03, 0.15);
  const weights = s.pick(LOOKUP_WEIGHTS);
  const count = s.integer(8, 12);
  const span = now - historyStart;
  const width = String(count - 1).length;
  const facts: HiddenFact[] = [];
  for (let i = 0; i < count; i++) {
    const valid = s.chance(validShare);
    const value = s.uniform(0.2, 1);
    const savedAt = historyStart + Math.round(s.uniform(0, 0.8) * span);
    const consultations = s.integer(0, 6);
    facts.push({ id: `f${String(i).padStart(width, '0')}`, valid, value, savedAt, consultations });
  }
  const grades = gradesOf(facts, (f) => (f.valid ? f.value : 0));
  return { partition: 'facts-0', weights, caught, mistaken, facts, grades };
}

function consultation(world: FactWorld, fact: HiddenFact, s: Stream): Outcome {
  if (s.chance(fact.valid ? world.mistaken : world.caught)) return 'contradicted';
  // Whether the fact was needed this time says nothing about whether it is right.
  return s.chance(0.35) ? 'used' : 'dismissed';
}

/**
 * The application's evidence, as timed steps: each fact saved with an importance that reads its value (a
 * wrong fact looks as valuable as a right one), then its consultations in working sessions after its save
 * (predicted beforehand for a share of them).
 */
export function factEvidence(world: FactWorld, seedId: number, sessions: Sessions): TimedEvidence[] {
  const steps: TimedEvidence[] = [];
  for (const fact of world.facts) {
    const s = new Stream(`${seedId}:fact:${fact.id}`);
    const importance = importanceReading(fact.value, s.uniform(0.3, 0.8), s);
    steps.push({
      at: fact.savedAt,
      step: { op: 'save', id: fact.id, importance, partition: world.partition },
    });
    for (let k = 0; k < fact.consultations; k++) {
      const at = sessionAfter(sessions, fact.savedAt, s);
      if (s.chance(PREDICTED_SHARE)) steps.push({ at, step: { op: 'predict', id: fact.id } });
      steps.push({ at, step: { op: 'outcome', id: fact.id, outcome: consultation(world, fact, s) } });
    }
  }
  return steps;
}
