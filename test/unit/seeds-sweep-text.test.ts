import { describe, expect, it } from 'vitest';
import {
  type BankListing,
  type ScenarioReport,
  scenarioJson,
  scenarioText,
  seedsJson,
  seedsText,
} from '../../src/report/seeds-text.js';
import { sweepSummaryLine, sweepText } from '../../src/report/sweep-text.js';
import type { GeneratedScenario } from '../../src/scenarios/factory/factory.js';
import type { ScenarioSeed } from '../../src/scenarios/factory/seed.js';
import type { ConstantSummary, PairSummary } from '../../src/sweep/aggregate.js';
import type { SweepResults } from '../../src/sweep/results.js';

// Hand-built inputs with every expected line written out: the seed ids encode bank·10⁷ + role·10⁶ + index
// (roles train, validation, confirmation), so the role column is known without the seed bank's code.

const seed = (seedId: number, over: Partial<ScenarioSeed> = {}): ScenarioSeed => ({
  seedId,
  recordCount: 20,
  importanceShape: 'uniform',
  accessPattern: 'all_recent',
  outcomeFrequency: 0.5,
  noiseRatio: 0.125,
  linkDensity: 0.3,
  ageSpreadDays: 30,
  ...over,
});

const record = (id: string, over: Record<string, unknown>) => ({
  id,
  noise: false,
  topic: 0,
  onTopic: true,
  valid: true,
  ...over,
});

function scenario(s: ScenarioSeed, relevant: number, degenerate?: string): GeneratedScenario {
  return {
    seedId: s.seedId,
    seed: s,
    metadata: { relevant },
    script: { steps: [{ op: 'save' }, { op: 'save' }, { op: 'touch' }] },
    groundTruth: { a: 3 },
    world: {
      halfLifeDays: 12.345,
      reliabilities: { importance: 0.456, recency: 0.2, outcome: 0.875, links: 1 },
      records: [
        record('a', {}),
        record('b', { valid: false }),
        record('c', { onTopic: false, topic: 1 }),
        record('n1', { noise: true, onTopic: false, topic: -1 }),
        record('n2', { noise: true, onTopic: false, topic: -1 }),
      ],
    },
    procedures: { reliability: 0.875, procedures: [{ trials: 0 }, { trials: 3 }, { trials: 5 }] },
    facts: { facts: [{ valid: true }, { valid: false }] },
    routines: { routines: [{ weekly: true }, { weekly: false }, { weekly: true }, { weekly: true }] },
    ...(degenerate ? { degenerate } : {}),
  } as unknown as GeneratedScenario;
}

describe('seeds rendering', () => {
  it('lists each scored seed with its role read from its id, the counts per role, and the replaced draws', () => {
    const listing: BankListing = {
      bank: 1,
      scenarios: [
        scenario(seed(10_000_003), 4),
        scenario(seed(11_000_012, { importanceShape: 'bimodal', noiseRatio: 0.333, recordCount: 100 }), 17),
        scenario(
          seed(3_000_001, { accessPattern: 'interleaved', outcomeFrequency: 1, linkDensity: 0.005 }),
          2,
        ),
      ],
      replaced: [
        { seedId: 10_000_001, role: 'train', reason: 'no relevant record' },
        { seedId: 11_000_000, role: 'validation', reason: 'all on one topic' },
      ],
    };
    expect(seedsText(listing)).toBe(
      [
        'seed bank 1: 3 scored scenarios, 1 train, 1 validation',
        '  seed      role        records  importance  access       outcomes  noise  links  age days  scenario',
        '  10000003  train       20       uniform     all_recent   0.50      0.13   0.30   30        4 relevant',
        '  11000012  validation  100      bimodal     all_recent   0.50      0.33   0.30   30        17 relevant',
        '  3000001   explicit    20       uniform     interleaved  1.00      0.13   0.01   30        2 relevant',
        '',
        'degenerate draws replaced (2):',
        '  10000001 (train): no relevant record',
        '  11000000 (validation): all on one topic',
        '',
      ].join('\n'),
    );
    const none = seedsText({ ...listing, replaced: [] });
    expect(none).not.toContain('degenerate');
    expect(none.endsWith('2 relevant\n')).toBe(true);
  });

  it('gives the seeds as JSON with their role and the replaced draws', () => {
    const listing: BankListing = {
      bank: 0,
      scenarios: [scenario(seed(1_000_002), 1), scenario(seed(2_000_000), 1)],
      replaced: [{ seedId: 7, role: 'train', reason: 'r' }],
    };
    const text = seedsJson(listing);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "bank": 0,');
    expect(JSON.parse(text)).toEqual({
      bank: 0,
      seeds: [
        { ...seed(1_000_002), role: 'validation' },
        { ...seed(2_000_000), role: 'confirmation' },
      ],
      degenerate: [{ seedId: 7, role: 'train', reason: 'r' }],
    });
  });
});

describe('scenario rendering', () => {
  const metrics = { 'ndcg@5': 0.5, 'ndcg@10': 0.25, 'p@5': 0.4, 'p@10': 0.2, mrr: 1 };
  const report = (degenerate?: string): ScenarioReport => ({
    scenario: scenario(seed(42), 2, degenerate),
    ranking: [{ id: 'a', score: 0.5 }],
    metrics,
    queries: [
      {
        label: 'current',
        topic: 0,
        context: ['c', 'd'],
        groundTruth: { a: 3, b: 1 },
        ranking: [
          { id: 'a', score: 0.123456789 },
          { id: 'zz', score: 2 },
        ],
        metrics,
      },
      { label: 'topic 1', topic: 1, context: [], groundTruth: {}, ranking: [], metrics: null },
      { label: 'policies', context: [], groundTruth: {}, ranking: [], metrics: null },
    ],
  });

  it('shows the seed, the hidden world, and each query with its ranking, grades and metrics', () => {
    expect(scenarioText(report())).toBe(
      [
        'seed 42: 20 records, uniform importance, all_recent, outcomes 0.5, noise 0.125, links 0.3, 30 days',
        'hidden world: 2 on-topic records (1 later shown wrong), 2 noise; episodic half-life 12.3 days; reliabilities importance 0.46, recency 0.20, outcomes 0.88, links 1.00',
        "script: 3 steps; 3 rankings (proactive, one query per topic with topic 0 the current work, the policies, the job's procedures, the reference facts, the routines due now, the agent's turns)",
        'procedures: 3 candidates (1 never tried), labels right 0.88; facts: 2 (1 wrong); routines: 4 (3 weekly)',
        '',
        'query current: context c, d; 2 relevant records',
        '  1.  a   0.12345679  grade 3',
        '  2.  zz  2.0000000   grade 0',
        '  nDCG@5 0.5000  nDCG@10 0.2500  P@5 0.40  P@10 0.20  MRR 1.0000',
        '',
        'query topic 1: context (none); 0 relevant records',
        '',
        'query policies: context (none); 0 relevant records',
        '',
      ].join('\n'),
    );
  });

  it('says a degenerate scenario was not run and shows no query', () => {
    const text = scenarioText(report('no relevant record'));
    expect(text.split('\n').slice(4)).toEqual(['degenerate: no relevant record; not run', '']);
  });

  it('gives the scenario as JSON with every query, and the degenerate reason only when there is one', () => {
    const json = JSON.parse(scenarioJson(report()));
    expect(Object.keys(json)).toEqual(['seed', 'script', 'groundTruth', 'ranking', 'metrics', 'queries']);
    expect(json.seed).toEqual(seed(42));
    expect(json.script).toEqual({ steps: [{ op: 'save' }, { op: 'save' }, { op: 'touch' }] });
    expect(json.groundTruth).toEqual({ a: 3 });
    expect(json.ranking).toEqual([{ id: 'a', score: 0.5 }]);
    expect(json.metrics).toEqual(metrics);
    expect(json.queries[1]).toEqual({
      label: 'topic 1',
      topic: 1,
      context: [],
      groundTruth: {},
      ranking: [],
      metrics: null,
    });
    expect(json.queries[0].context).toEqual(['c', 'd']);
    // A ranking without a topic (the policy query) has no topic field.
    expect(json.queries[2]).toEqual({
      label: 'policies',
      context: [],
      groundTruth: {},
      ranking: [],
      metrics: null,
    });
    const degenerate = scenarioJson(report('why'));
    expect(JSON.parse(degenerate).degenerate).toBe('why');
    expect(degenerate.endsWith('}\n')).toBe(true);
    expect(degenerate).toContain('\n  "seed": {');
  });
});

const summary = (over: Partial<ConstantSummary>): ConstantSummary =>
  ({
    constant: 'DECAY_RATE',
    current: 0.1,
    metric: 'ndcg@5',
    values: [],
    scenarios: { common: ['s1'], degenerate: [], excluded: [] },
    best: { value: 0.2, mean: 0.61234 },
    worst: { value: 0.05, mean: 0.4 },
    currentMean: 0.5,
    range: { value: 0.21234, interval: [0.1, 0.3] },
    bestVsWorst: null,
    cliffs: [],
    degenerateValues: [],
    errors: 0,
    skipped: 0,
    effect: 'changes-metric',
    edgeOfGrid: false,
    ...over,
  }) as ConstantSummary;

const pair: PairSummary = {
  constantA: 'A',
  constantB: 'B',
  metric: 'ndcg@5',
  valuesA: [1, 2],
  valuesB: [0.5, 10],
  means: [
    [0.1, 0.25],
    [null, 0.5],
  ],
  scenarios: { common: [], degenerate: [], excluded: [] },
  best: { valueA: 2, valueB: 10, mean: 0.5 },
  interaction: 0.0125,
  errors: 0,
  skipped: 0,
};

function results(over: Partial<SweepResults> = {}): SweepResults {
  return {
    schema: 'memory-ratchet/sweep@1',
    tool: { name: 'memory-ratchet', version: '0' },
    ndcgDefinition: 'nDCG is defined here.',
    run: {
      startedAt: '',
      finishedAt: '',
      wallSeconds: 12.345,
      redis: 'server',
      scenarioSource: 'generated',
      scenarios: ['s1', 's2', 's3'],
      seeds: null,
      tiers: [1],
      only: null,
      interactions: true,
      cliffThreshold: 0.1,
      bootstrap: { resamples: 1000, seed: 'x' },
      constantsFile: null,
    },
    constants: {},
    evaluations: { total: 10, ok: 7, skipped: 2, errors: 1 },
    summaries: [],
    notSwept: [],
    pairs: [],
    pairsNotRun: [],
    points: [],
    pairPoints: [],
    ...over,
  } as SweepResults;
}

describe('sweep rendering', () => {
  it('tabulates each constant with its best value, range, cliffs and every flag, then what was not swept and the pairs', () => {
    const text = sweepText(
      results({
        summaries: [
          summary({
            scenarios: { common: ['s1'], degenerate: ['s9', 's8'], excluded: ['s2', 's3'] },
            cliffs: [
              { from: 0.1, to: 0.2, delta: 0.15, direction: 'rise' },
              { from: 0.2, to: 0.4, delta: -0.125, direction: 'drop' },
            ],
            edgeOfGrid: true,
            degenerateValues: [0, 1],
            errors: 2,
          }),
          summary({
            constant: 'FLAT',
            best: null,
            currentMean: null,
            range: null,
            effect: 'never-changes-a-ranking',
          }),
          summary({ constant: 'SHUFFLE', effect: 'changes-rankings-not-metric', cliffs: [] }),
        ],
        notSwept: [{ constant: 'X', reason: 'not-modelled', detail: 'no engine' } as never],
        pairs: [pair],
        pairsNotRun: [{ pair: ['C', 'D'], detail: 'C: not modelled' }],
      }),
    );
    expect(text).toBe(
      [
        'OPTIMAL VALUES (mean nDCG@5 over 3 generated scenarios; 95% bootstrap intervals; redis: server)',
        '  2 degenerate scenarios skipped (not scored): s9, s8',
        '  constant    current  best  nDCG@5 current  nDCG@5 best  range [95% CI]        cliffs                                        notes',
        '  DECAY_RATE  0.1      0.2   0.5000          0.6123       0.212 [0.100, 0.300]  rise 0.1→0.2 (+0.150), drop 0.2→0.4 (-0.125)  best at the edge of the grid; degenerate: 0 1; 2 errors; excluded scenarios: s2, s3',
        '  FLAT        0.1      —     —               —            —                     —                                             never changes a ranking',
        '  SHUFFLE     0.1      0.2   0.5000          0.6123       0.212 [0.100, 0.300]  —                                             changes rankings, not the metric',
        '',
        'Not swept:',
        '  X  not-modelled: no engine',
        '',
        'INTERACTIONS (mean nDCG@5 on 5×5 grids)',
        '  A (rows) × B (columns): best A=2, B=10 (0.5000); interaction 0.013',
        '         0.5    10',
        '      1  0.100  0.250',
        '      2  —      0.500',
        '  C × D: not run (C: not modelled)',
        '',
        'nDCG is defined here.',
        '',
      ].join('\n'),
    );
  });

  it('adds the ranking each constant moves most when the scenarios ask several', () => {
    const effect = (ranking: string, range: number) => ({
      ranking,
      scenarios: 3,
      best: { value: 0.8, mean: 0.9 },
      worst: { value: 0.01, mean: 0.9 - range },
      range,
      interval: [range / 2, range * 1.5] as const,
    });
    const text = sweepText(
      results({
        summaries: [
          summary({ constant: 'TD_ALPHA', byRanking: [effect('policies', 0.1), effect('topic', 0)] }),
          summary({ constant: 'DECAY_RATE' }),
        ],
        pairs: [],
      }),
    );
    const [, header, tdAlpha, decay] = text.split('\n');
    expect(header).toContain(
      'range [95% CI]        moves most: one ranking’s best − worst [95% CI, all rankings]',
    );
    expect(tdAlpha).toContain(
      '0.212 [0.100, 0.300]  policies +0.100 [+0.050, +0.150] (0.8 vs 0.01, 3 scenarios)',
    );
    expect(decay).toMatch(/0\.212 \[0\.100, 0\.300\] {2}—\s+—/);
  });

  it('names hand-crafted scenarios, says when nothing in scope is modelled, and leaves out empty sections', () => {
    const text = sweepText(
      results({
        run: { ...results().run, scenarioSource: 'hand-crafted', scenarios: ['one'], redis: 'embedded' },
        pairs: [],
      }),
    );
    expect(text).toBe(
      [
        'OPTIMAL VALUES (mean nDCG@5 over 1 hand-crafted scenarios; 95% bootstrap intervals; redis: embedded)',
        '  (no constant in scope is modelled)',
        '',
        'nDCG is defined here.',
        '',
      ].join('\n'),
    );
    const onlySkipped = sweepText(results({ pairsNotRun: [{ pair: ['C', 'D'], detail: 'why' }] }));
    expect(onlySkipped).toContain('\nINTERACTIONS (mean nDCG@5 on 5×5 grids)\n  C × D: not run (why)\n');
    const noBest = sweepText(results({ pairs: [{ ...pair, best: null, interaction: null }] }));
    expect(noBest).toContain('\n  A (rows) × B (columns): no result; interaction —\n');
  });

  it('sums up the run in one line, with the results path when there is one', () => {
    const r = results({ summaries: [summary({}), summary({})], pairs: [pair] });
    expect(sweepSummaryLine(r, 'out/s.json')).toBe(
      'swept 2 constants and 1 pairs on 3 scenarios: 10 evaluations (7 ok, 2 skipped, 1 errors) in 12.3 s; results in out/s.json\n',
    );
    expect(sweepSummaryLine(r, null)).toBe(
      'swept 2 constants and 1 pairs on 3 scenarios: 10 evaluations (7 ok, 2 skipped, 1 errors) in 12.3 s\n',
    );
  });
});

describe('code defaults in a sweep', () => {
  it('marks delta as a code default and says where it lives', () => {
    const text = sweepText(results({ summaries: [summary({ constant: 'delta', current: 0.05 })] }));
    expect(text).toContain('\n  delta (code default)  0.05 ');
    expect(text).toContain(
      '\ndelta is a code default, not a constants-file value: the `delta=0.05` default argument of `CoOccurrenceField.strengthen()` in src/popoto/fields/co_occurrence_field.py.\n',
    );
    expect(sweepText(results({ summaries: [summary({})] }))).not.toContain('code default');
  });
});
