import { describe, expect, it } from 'vitest';
import { utcWeekday, WEEK_SECONDS, weekdayMiddayPhase } from '../../src/engine/temporal-discovery.js';
import { buildFactWorld, factEvidence } from '../../src/scenarios/factory/facts.js';
import { buildProcedureWorld, procedureEvidence } from '../../src/scenarios/factory/procedures.js';
import { buildRoutineWorld, routineEvidence, routineNeed } from '../../src/scenarios/factory/routines.js';
import { workSessions } from '../../src/scenarios/factory/sessions.js';
import type { OutcomeStep, SaveStep } from '../../src/scenarios/script.js';

const START = 1767225600;
const NOW = START + 60 * 86400;
const SEEDS = Array.from({ length: 60 }, (_, i) => i);

const saves = (steps: readonly { step: { op: string } }[]) =>
  steps.flatMap(({ step }) => (step.op === 'save' ? [step as SaveStep] : []));
const outcomes = (steps: readonly { at: number; step: { op: string } }[]) =>
  steps.flatMap(({ at, step }) => (step.op === 'outcome' ? [{ at, ...(step as OutcomeStep) }] : []));

describe('working sessions', () => {
  it('hold every trial, consultation and surfacing that comes after a save, and none before it', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const sessions = workSessions(seed, START, NOW);
      expect(sessions.times.length).toBeGreaterThanOrEqual(20);
      expect([...sessions.times].sort((a, b) => a - b)).toEqual(sessions.times);
      expect(sessions.times.at(-1)!).toBeLessThanOrEqual(NOW - 3600);
      const steps = [
        ...procedureEvidence(buildProcedureWorld(seed, START, NOW), seed, sessions),
        ...factEvidence(buildFactWorld(seed, START, NOW), seed, sessions),
        ...routineEvidence(buildRoutineWorld(seed, START, NOW), seed, sessions),
      ];
      const savedAt = new Map(
        steps.flatMap(({ at, step }) => (step.op === 'save' ? [[step.id, at] as const] : [])),
      );
      for (const { at, step } of steps) {
        if (step.op === 'save') continue;
        const id = (step as OutcomeStep).id;
        expect(at).toBeGreaterThanOrEqual(savedAt.get(id)!);
        // On a session, or at the save itself when no session comes after it.
        expect(sessions.times.includes(at) || at === savedAt.get(id)).toBe(true);
      }
    }
  });
});

describe('procedures of a recurring job', () => {
  it('are drawn from the seed alone and saved alike, in the job partition, tried only after their save', () => {
    const world = buildProcedureWorld(5, START, NOW);
    expect(buildProcedureWorld(5, START, NOW)).toEqual(world);
    expect(procedureEvidence(world, 5, workSessions(5, START, NOW))).toEqual(
      procedureEvidence(buildProcedureWorld(5, START, NOW), 5, workSessions(5, START, NOW)),
    );
    const steps = procedureEvidence(world, 5, workSessions(5, START, NOW));
    const saved = saves(steps);
    expect(saved.map((s) => s.id)).toEqual(world.procedures.map((p) => p.id));
    for (const save of saved) {
      expect(save.partition).toBe('job-0');
      expect(Math.abs(save.importance - world.importance)).toBeLessThan(0.1);
    }
    for (const p of world.procedures) {
      const tried = outcomes(steps).filter((o) => o.id === p.id);
      expect(tried).toHaveLength(p.trials);
      for (const o of tried) expect(o.at).toBeGreaterThanOrEqual(p.savedAt);
    }
  });

  it('grade by the place of the rate now between the worst and the best, squared', () => {
    const world = buildProcedureWorld(11, START, NOW);
    const rates = world.procedures.map((p) => p.after);
    const [low, high] = [Math.min(...rates), Math.max(...rates)];
    const best = world.procedures[rates.indexOf(high)]!;
    const worst = world.procedures[rates.indexOf(low)]!;
    expect(world.grades[best.id]).toBe(3);
    expect(world.grades[worst.id]).toBeUndefined();
    for (const p of world.procedures) {
      const place = ((p.after - low) / (high - low)) ** 2;
      expect(world.grades[p.id] ?? 0, p.id).toBe(
        place >= 0.55 ? 3 : place >= 0.35 ? 2 : place >= 0.18 ? 1 : 0,
      );
    }
  });

  it('report good procedures acted on more often than poor ones (over 60 seeds)', () => {
    let good = [0, 0];
    let poor = [0, 0];
    for (const seed of SEEDS) {
      const world = buildProcedureWorld(seed, START, NOW);
      const steps = outcomes(procedureEvidence(world, seed, workSessions(seed, START, NOW)));
      for (const p of world.procedures) {
        const mine = steps.filter((o) => o.id === p.id && o.at < p.switchAt);
        const acted = mine.filter((o) => o.outcome === 'acted').length;
        if (p.before >= 0.7) good = [good[0]! + acted, good[1]! + mine.length];
        if (p.before <= 0.2) poor = [poor[0]! + acted, poor[1]! + mine.length];
      }
    }
    expect(good[0]! / good[1]!).toBeGreaterThan(0.6);
    expect(poor[0]! / poor[1]!).toBeLessThan(0.3);
  });
});

describe('reference facts', () => {
  it('are never acted on, and wrong facts are contradicted far more often than right ones (over 60 seeds)', () => {
    const tally = { wrong: [0, 0], right: [0, 0] };
    for (const seed of SEEDS) {
      const world = buildFactWorld(seed, START, NOW);
      const steps = factEvidence(world, seed, workSessions(seed, START, NOW));
      expect(saves(steps).every((s) => s.partition === 'facts-0')).toBe(true);
      for (const o of outcomes(steps)) {
        expect(o.outcome).not.toBe('acted');
        const fact = world.facts.find((f) => f.id === o.id)!;
        const side = fact.valid ? tally.right : tally.wrong;
        side[0]! += o.outcome === 'contradicted' ? 1 : 0;
        side[1]! += 1;
      }
    }
    expect(tally.wrong[0]! / tally.wrong[1]!).toBeGreaterThan(0.5);
    expect(tally.right[0]! / tally.right[1]!).toBeLessThan(0.15);
  });

  it('grade a right fact by its value and a wrong one 0', () => {
    const world = buildFactWorld(3, START, NOW);
    for (const f of world.facts) {
      const expected = !f.valid ? 0 : f.value >= 0.55 ? 3 : f.value >= 0.35 ? 2 : f.value >= 0.18 ? 1 : 0;
      expect(world.grades[f.id] ?? 0, f.id).toBe(expected);
    }
  });
});

describe('routines', () => {
  it('need peaks once a week at the drawn peak and is constant for standing notes', () => {
    const world = buildRoutineWorld(9, START, NOW);
    for (const r of world.routines) {
      if (r.weekly) {
        expect(routineNeed(r, r.peak + 3 * WEEK_SECONDS)).toBeCloseTo(1, 12);
        expect(routineNeed(r, r.peak + WEEK_SECONDS / 2)).toBeCloseTo(0, 12);
      } else expect(routineNeed(r, NOW)).toBe(1);
    }
  });

  it('carry the cycle discovery finds at the midday of the peak weekday, for every weekly need', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const world = buildRoutineWorld(seed, START, NOW);
      const saved = new Map(
        saves(routineEvidence(world, seed, workSessions(seed, START, NOW))).map((s) => [s.id, s]),
      );
      for (const r of world.routines) {
        const save = saved.get(r.id)!;
        expect(save.partition).toBe('routines-0');
        expect(save.discoveredCycles !== undefined).toBe(r.discovered);
        if (r.weekly) {
          expect(r.discovered).toBe(true);
          expect(save.discoveredCycles).toEqual([[WEEK_SECONDS, weekdayMiddayPhase(utcWeekday(r.peak))]]);
        }
      }
    }
  });

  it('are acted on mostly near the peak of a weekly need', () => {
    let near = [0, 0];
    let far = [0, 0];
    for (const seed of SEEDS) {
      const world = buildRoutineWorld(seed, START, NOW);
      for (const o of outcomes(routineEvidence(world, seed, workSessions(seed, START, NOW)))) {
        const r = world.routines.find((x) => x.id === o.id)!;
        if (!r.weekly) continue;
        const need = routineNeed(r, o.at);
        const acted = o.outcome === 'acted' ? 1 : 0;
        if (need > 0.8) near = [near[0]! + acted, near[1]! + 1];
        if (need < 0.2) far = [far[0]! + acted, far[1]! + 1];
      }
    }
    expect(near[0]! / near[1]!).toBeGreaterThan(far[0]! / far[1]! + 0.3);
  });
});
