import { describe, expect, it } from 'vitest';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import {
  ACCESS_PATTERNS,
  configurationKey,
  IMPORTANCE_SHAPES,
  type ScenarioSeed,
  SEED_AXES,
  validateSeed,
} from '../../src/scenarios/factory/seed.js';
import { defaultSeeds, splitOf } from '../../src/scenarios/factory/seed-bank.js';
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
    const queries = reparsed.steps.filter((step) => step.op === 'query');
    expect(queries.map((q) => q.op === 'query' && q.label)).toEqual(a.queries.map((q) => q.label));
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
      const relevant = Math.max(
        0,
        ...scenario.queries.map((q) => Object.values(q.groundTruth).filter((g) => g > 0).length),
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
  const train = seeds.filter((s) => splitOf(s.seedId, 50) === 'train');
  const validation = seeds.filter((s) => splitOf(s.seedId, 50) === 'validation');

  it('has 50 deterministic seeds, 35 train and 15 validation', () => {
    expect(seeds).toHaveLength(50);
    expect(defaultSeeds(50)).toEqual(seeds);
    expect(train).toHaveLength(35);
    expect(validation.map((s) => s.seedId)).toEqual(Array.from({ length: 15 }, (_, i) => 35 + i));
    for (const seed of seeds) expect(validateSeed(seed)).toEqual(seed);
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
});
