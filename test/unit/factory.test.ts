import { describe, expect, it } from 'vitest';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { ScenarioBank } from '../../src/scenarios/factory/scenario-bank.js';
import {
  ACCESS_PATTERNS,
  configurationKey,
  IMPORTANCE_SHAPES,
  type ScenarioSeed,
  SEED_AXES,
  validateSeed,
} from '../../src/scenarios/factory/seed.js';
import {
  BANK_MIN_RECORDS,
  BANK_SPAN,
  bankSeed,
  defaultSeeds,
  ROLE_SPAN,
  SEED_ROLES,
  seedIdOf,
  seedOfId,
  seedOrigin,
} from '../../src/scenarios/factory/seed-bank.js';
import { parseScenarioScript } from '../../src/scenarios/load-script.js';

const base: ScenarioSeed = {
  seedId: 7,
  recordCount: 60,
  importanceShape: 'clustered',
  accessPattern: 'half_stale',
  outcomeFrequency: 0.5,
  noiseRatio: 0.2,
  linkDensity: 0.5,
  ageSpreadDays: 30,
};

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]![0] === order[k]![0]) j++;
    for (let m = k; m <= j; m++) out[order[m]![1]] = (k + j) / 2;
    k = j + 1;
  }
  return out;
}

function spearman(x: readonly number[], y: readonly number[]): number {
  const rx = ranks(x);
  const ry = ranks(y);
  const mx = rx.reduce((a, b) => a + b) / rx.length;
  const my = ry.reduce((a, b) => a + b) / ry.length;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - mx) * (ry[i]! - my);
    dx += (rx[i]! - mx) ** 2;
    dy += (ry[i]! - my) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}

describe('ScenarioSeed validation', () => {
  it('accepts a valid seed and names the axis, value and range of a bad one', () => {
    expect(validateSeed(base)).toEqual(base);
    expect(() => validateSeed({ ...base, recordCount: 1001 })).toThrow(
      'seed 7: recordCount = 1001 is invalid; use an integer in [5, 1000]',
    );
    expect(() => validateSeed({ ...base, importanceShape: 'spiky' })).toThrow(
      'seed 7: importanceShape = "spiky" is invalid; use one of uniform, clustered, bimodal, exponential, flat',
    );
    expect(() => validateSeed({ ...base, noiseRatio: 0.7 })).toThrow(
      /noiseRatio = 0\.7 is invalid; use a number in \[0, 0\.5\]/,
    );
    expect(() => validateSeed({ ...base, ageSpreadDays: 0 })).toThrow(/ageSpreadDays = 0/);
    expect(() => validateSeed({ ...base, colour: 'red' })).toThrow(/unknown field colour/);
  });
});

describe('ScenarioFactory', () => {
  it('is deterministic and produces a valid script whose last query carries the ground truth', () => {
    const a = createScenario(base);
    const b = createScenario({ ...base });
    expect(JSON.stringify(a.script)).toBe(JSON.stringify(b.script));
    expect(a.groundTruth).toEqual(b.groundTruth);
    const reparsed = parseScenarioScript(JSON.stringify(a.script), 'generated.json');
    const queries = reparsed.steps.filter((step) => step.op === 'query' && step.label.startsWith('topic-'));
    expect(queries.map((q) => q.op === 'query' && q.label)).toEqual(a.queries.map((q) => q.label));
    // A proactive call, the topic queries, the policy, procedures and facts queries, the routines due now, then
    // the agent's two turns (the second graded).
    const ranking = reparsed.steps.filter((step) => step.op === 'query' || step.op === 'assemble');
    expect(ranking.map((step) => step.label)).toEqual([
      'proactive',
      ...a.queries.map((q) => q.label),
      'policies',
      'procedures',
      'facts',
      'routines',
      'assemble-first',
      'assemble',
    ]);
    expect(ranking.at(-2)!.relevance).toBeUndefined();
    expect(ranking.at(-1)!.relevance).toEqual(a.groundTruth);
    const [policy, procedures, facts, routines] = ranking.slice(-6, -2);
    expect(policy!.op === 'query' && [policy!.label, policy!.model]).toEqual(['policies', 'policy']);
    expect(policy!.relevance).toEqual(a.policies.grades);
    expect(procedures!.op === 'query' && procedures!.partition).toBe('job-0');
    expect(procedures!.relevance).toEqual(a.procedures.grades);
    expect(facts!.op === 'query' && facts!.partition).toBe('facts-0');
    expect(facts!.relevance).toEqual(a.facts.grades);
    // Routines: the push path alone (no cues), on their own partition.
    expect(routines!.op === 'assemble' && [routines!.cues, routines!.partition]).toEqual([
      false,
      'routines-0',
    ]);
    expect(routines!.relevance).toEqual(a.routines.grades);
    const first = queries[0]!;
    expect(first.op === 'query' && first.label).toBe('topic-0');
    expect(first.op === 'query' && first.relevance).toEqual(a.groundTruth);
    expect(first.op === 'query' && first.exclude).toEqual(a.context);
  });

  it('keeps the ground truth a function of hidden variables only', () => {
    const scenario = createScenario(base);
    for (const record of scenario.world.records) {
      for (const query of scenario.queries) {
        const grade = query.groundTruth[record.id] ?? 0;
        if (record.noise || record.topic !== query.topic || !record.valid) expect(grade, record.id).toBe(0);
      }
      expect(record.usefulness).toBeCloseTo(record.valid ? record.value * record.need : 0, 12);
    }
    // Changing only the evidence (importance shape, access pattern, outcomes, links) leaves the truth alone.
    for (const change of [
      { importanceShape: 'flat' },
      { outcomeFrequency: 0.95 },
      { linkDensity: 0.05 },
    ] as const) {
      const other = createScenario({ ...base, ...change });
      expect(other.world.records.map((r) => r.usefulness)).toEqual(
        scenario.world.records.map((r) => r.usefulness),
      );
    }
  });

  it('adds records without reshuffling the others (per-record sub-streams)', () => {
    const small = createScenario({ ...base, recordCount: 40 }).world.records;
    const large = createScenario({ ...base, recordCount: 80 }).world.records;
    const strip = ({ id: _id, ...rest }: { id: string }) => rest;
    expect(large.slice(0, 40).map(strip)).toEqual(small.map(strip));
  });

  it('gives 100 seeds at least 3 relevant records each, or reports them degenerate with a reason', () => {
    const seeds = defaultSeeds(100);
    let degenerate = 0;
    for (const seed of seeds) {
      const scenario = createScenario(seed);
      // Every ranking step counts: topic queries, the assembler's turn and the policy query.
      const relevant = Math.max(
        0,
        ...scenario.script.steps.map((step) =>
          step.op === 'query' || step.op === 'assemble'
            ? Object.values(step.relevance ?? {}).filter((g) => g > 0).length
            : 0,
        ),
      );
      if (scenario.degenerate) {
        degenerate++;
        expect(scenario.degenerate).toMatch(/relevant record|records to retrieve/);
      } else {
        expect(relevant, `seed ${seed.seedId}`).toBeGreaterThanOrEqual(3);
      }
    }
    expect(degenerate).toBeLessThan(25);
  });
});

describe('default seed bank', () => {
  const seeds = defaultSeeds(50);
  const train = seeds.filter((s) => seedOrigin(s.seedId)?.role === 'train');
  const validation = seeds.filter((s) => seedOrigin(s.seedId)?.role === 'validation');

  it('has 50 deterministic seeds, 35 train and 15 validation, with role-coded ids', () => {
    expect(seeds).toHaveLength(50);
    expect(defaultSeeds(50)).toEqual(seeds);
    expect(train.map((s) => s.seedId)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(validation.map((s) => s.seedId)).toEqual(Array.from({ length: 15 }, (_, i) => ROLE_SPAN + i));
    for (const seed of seeds) expect(validateSeed(seed)).toEqual(seed);
  });

  it('gives every bank and role its own seed ids and draws, and names a seed by its id', () => {
    const ids = new Set<number>();
    for (const bank of [0, 1, 2, 99]) {
      for (const role of SEED_ROLES) {
        for (const index of [0, 1, 7, ROLE_SPAN - 1]) {
          const id = seedIdOf(bank, role, index);
          expect(ids.has(id)).toBe(false);
          ids.add(id);
          expect(seedOrigin(id)).toEqual({ bank, role, index });
          expect(seedOfId(id)).toEqual(bankSeed(bank, role, index));
        }
      }
    }
    expect(seedIdOf(3, 'confirmation', 5)).toBe(3 * BANK_SPAN + 2 * ROLE_SPAN + 5);
    // Independent streams: bank 1's first training seed is not bank 0's with another id.
    const strip = ({ seedId: _id, ...rest }: ScenarioSeed) => rest;
    expect(strip(bankSeed(1, 'train', 0))).not.toEqual(strip(bankSeed(0, 'train', 0)));
    expect(() => seedIdOf(-1, 'train', 0)).toThrow(/bank -1 is invalid/);
  });

  it('replaces degenerate draws so that n scored scenarios means n, listing what it replaced', () => {
    for (const number of [0, 1, 2]) {
      const bank = new ScenarioBank(number);
      const validation = bank.slice({ role: 'validation', from: 0, to: 50 });
      expect(validation).toHaveLength(50);
      for (const scenario of validation) expect(scenario.degenerate).toBeUndefined();
      const replaced = bank.degenerate();
      for (const r of replaced) {
        expect(createScenario(seedOfId(r.seedId)!).degenerate).toBe(r.reason);
        expect(seedOrigin(r.seedId)!.index).toBeLessThan(seedOrigin(validation.at(-1)!.seedId)!.index);
      }
      // Asking for more extends the role without moving the scenarios already drawn.
      const more = new ScenarioBank(number).slice({ role: 'validation', from: 0, to: 80 });
      expect(more.slice(0, 50).map((s) => s.seedId)).toEqual(validation.map((s) => s.seedId));
    }
  });

  it('gives the same slices and replaced draws whether or not positions were drawn ahead', () => {
    const plain = new ScenarioBank(1);
    const drafted = new ScenarioBank(1);
    // Ahead of need and out of order, past what the slice will use.
    for (let index = 40; index < 60; index++) expect(drafted.draft('validation', index)).toBe(true);
    for (let index = 0; index < 20; index++) expect(drafted.draft('validation', index)).toBe(true);
    expect(drafted.draft('validation', 5)).toBe(false);
    const a = plain.slice({ role: 'validation', from: 0, to: 30 });
    const b = drafted.slice({ role: 'validation', from: 0, to: 30 });
    expect(b.map((s) => s.seedId)).toEqual(a.map((s) => s.seedId));
    expect(b.map((s) => s.script)).toEqual(a.map((s) => s.script));
    expect(drafted.degenerate()).toEqual(plain.degenerate());
    expect(drafted.used('validation')).toBe(30);
    // A position already drawn is not drawn again.
    expect(drafted.draft('validation', 10)).toBe(false);
  });

  it('starts the record-count axis where scenarios can be scored', () => {
    const drawn = Array.from({ length: 400 }, (_, i) => bankSeed(0, 'validation', i));
    expect(Math.min(...drawn.map((s) => s.recordCount))).toBeGreaterThanOrEqual(BANK_MIN_RECORDS);
    expect(drawn.filter((s) => s.recordCount < 30).length).toBeGreaterThan(30);
  });

  it('holds every shape and pattern in both splits', () => {
    for (const split of [train, validation]) {
      expect(new Set(split.map((s) => s.importanceShape))).toEqual(new Set(IMPORTANCE_SHAPES));
      expect(new Set(split.map((s) => s.accessPattern))).toEqual(new Set(ACCESS_PATTERNS));
    }
  });

  it('leans toward the high-leverage corner', () => {
    expect(seeds.filter((s) => s.recordCount >= 30).length).toBeGreaterThanOrEqual(40);
    const count = (shape: string) => seeds.filter((s) => s.importanceShape === shape).length;
    expect(count('clustered')).toBeGreaterThan(count('flat'));
    const mixed = seeds.filter(
      (s) => s.accessPattern === 'half_stale' || s.accessPattern === 'interleaved',
    ).length;
    expect(mixed).toBeGreaterThan(25);
  });

  it('locks no two axes together (|Spearman ρ| ≤ 0.5)', () => {
    const numeric = (seed: ScenarioSeed, axis: (typeof SEED_AXES)[number]) => {
      const v = seed[axis];
      if (axis === 'importanceShape') return IMPORTANCE_SHAPES.indexOf(v as never);
      if (axis === 'accessPattern') return ACCESS_PATTERNS.indexOf(v as never);
      return v as number;
    };
    for (let i = 0; i < SEED_AXES.length; i++) {
      for (let j = i + 1; j < SEED_AXES.length; j++) {
        const rho = spearman(
          seeds.map((s) => numeric(s, SEED_AXES[i]!)),
          seeds.map((s) => numeric(s, SEED_AXES[j]!)),
        );
        expect(Math.abs(rho), `${SEED_AXES[i]} × ${SEED_AXES[j]}`).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('repeats no training configuration in validation', () => {
    const trained = new Set(train.map(configurationKey));
    for (const seed of validation) expect(trained.has(configurationKey(seed))).toBe(false);
  });

  it('deals each block of draws a whole deck, so any prefix of a role holds every shape', () => {
    for (const role of SEED_ROLES) {
      const first = Array.from({ length: 6 }, (_, i) => bankSeed(4, role, i));
      expect(new Set(first.map((s) => s.importanceShape))).toEqual(new Set(IMPORTANCE_SHAPES));
      expect(new Set(first.map((s) => s.accessPattern))).toEqual(new Set(ACCESS_PATTERNS));
    }
  });
});
