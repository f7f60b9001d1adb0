/** Renderings of the seed bank and of one generated scenario. Pure. */
import type { RankingMetrics } from '../metrics/ranking.js';
import type { GeneratedQuery, GeneratedScenario } from '../scenarios/factory/factory.js';
import type { ReplacedSeed } from '../scenarios/factory/scenario-bank.js';
import { seedOrigin } from '../scenarios/factory/seed-bank.js';
import { fixed, table } from './format.js';

const roleOf = (seedId: number): string => seedOrigin(seedId)?.role ?? 'explicit';

export interface BankListing {
  readonly bank: number;
  /** The scored scenarios a run of these seeds starts from: train, then the first validation look. */
  readonly scenarios: readonly GeneratedScenario[];
  /** Degenerate draws replaced by the next draw of the same role. */
  readonly replaced: readonly ReplacedSeed[];
}

export function seedsJson(listing: BankListing): string {
  return `${JSON.stringify(
    {
      bank: listing.bank,
      seeds: listing.scenarios.map(({ seed }) => ({ ...seed, role: roleOf(seed.seedId) })),
      degenerate: listing.replaced,
    },
    null,
    2,
  )}\n`;
}

export function seedsText(listing: BankListing): string {
  const rows = listing.scenarios.map(({ seed, metadata }) => [
    String(seed.seedId),
    roleOf(seed.seedId),
    String(seed.recordCount),
    seed.importanceShape,
    seed.accessPattern,
    seed.outcomeFrequency.toFixed(2),
    seed.noiseRatio.toFixed(2),
    seed.linkDensity.toFixed(2),
    String(seed.ageSpreadDays),
    `${String(metadata.relevant)} relevant`,
  ]);
  const count = (role: string) => listing.scenarios.filter((s) => roleOf(s.seedId) === role).length;
  const replaced = listing.replaced.map((r) => `  ${r.seedId} (${r.role}): ${r.reason}`);
  return `${[
    `seed bank ${listing.bank}: ${listing.scenarios.length} scored scenarios, ${count('train')} train, ${count('validation')} validation`,
    ...table([
      [
        'seed',
        'role',
        'records',
        'importance',
        'access',
        'outcomes',
        'noise',
        'links',
        'age days',
        'scenario',
      ],
      ...rows,
    ]),
    ...(replaced.length > 0 ? ['', `degenerate draws replaced (${replaced.length}):`, ...replaced] : []),
  ].join('\n')}\n`;
}

type Ranking = readonly { readonly id: string; readonly score: number }[];

export interface ScenarioReport {
  readonly scenario: GeneratedScenario;
  /** The current topic's query (topic 0). */
  readonly ranking: Ranking;
  readonly metrics: RankingMetrics | null;
  /**
   * Every ranking of the scenario in script order: a proactive call on the current work, one query per topic,
   * the policy, procedures and facts queries and the routines due now (no topic), the agent's two turns on the
   * current work.
   */
  readonly queries: readonly ScenarioRanking[];
}

export interface ScenarioRanking extends Omit<GeneratedQuery, 'topic'> {
  readonly topic?: number;
  readonly ranking: Ranking;
  readonly metrics: RankingMetrics | null;
}

export function scenarioJson({ scenario, ranking, metrics, queries }: ScenarioReport): string {
  return `${JSON.stringify(
    {
      seed: scenario.seed,
      script: scenario.script,
      groundTruth: scenario.groundTruth,
      ranking,
      metrics,
      queries: queries.map((q) => ({
        label: q.label,
        ...(q.topic !== undefined ? { topic: q.topic } : {}),
        context: q.context,
        groundTruth: q.groundTruth,
        ranking: q.ranking,
        metrics: q.metrics,
      })),
      ...(scenario.degenerate ? { degenerate: scenario.degenerate } : {}),
    },
    null,
    2,
  )}\n`;
}

export function scenarioText({ scenario, queries }: ScenarioReport): string {
  const { seed, world } = scenario;
  const lines = [
    `seed ${seed.seedId}: ${seed.recordCount} records, ${seed.importanceShape} importance, ${seed.accessPattern}, outcomes ${seed.outcomeFrequency}, noise ${seed.noiseRatio}, links ${seed.linkDensity}, ${seed.ageSpreadDays} days`,
    `hidden world: ${world.records.filter((r) => r.onTopic).length} on-topic records (${world.records.filter((r) => r.onTopic && !r.valid).length} later shown wrong), ${world.records.filter((r) => r.noise).length} noise; episodic half-life ${world.halfLifeDays.toFixed(1)} days; reliabilities importance ${world.reliabilities.importance.toFixed(2)}, recency ${world.reliabilities.recency.toFixed(2)}, outcomes ${world.reliabilities.outcome.toFixed(2)}, links ${world.reliabilities.links.toFixed(2)}`,
    `script: ${scenario.script.steps.length} steps; ${queries.length} rankings (proactive, one query per topic with topic 0 the current work, the policies, the job's procedures, the reference facts, the routines due now, the agent's turns)`,
    `procedures: ${scenario.procedures.procedures.length} candidates (${scenario.procedures.procedures.filter((p) => p.trials === 0).length} never tried), labels right ${fixed(scenario.procedures.reliability, 2)}; facts: ${scenario.facts.facts.length} (${scenario.facts.facts.filter((f) => !f.valid).length} wrong); routines: ${scenario.routines.routines.length} (${scenario.routines.routines.filter((r) => r.weekly).length} weekly)`,
  ];
  if (scenario.degenerate) lines.push(`degenerate: ${scenario.degenerate}; not run`);
  for (const query of scenario.degenerate ? [] : queries) {
    const relevant = Object.keys(query.groundTruth).length;
    lines.push(
      '',
      `query ${query.label}: context ${query.context.join(', ') || '(none)'}; ${relevant} relevant records`,
    );
    const rows = query.ranking.map((item, i) => [
      `${i + 1}.`,
      item.id,
      item.score.toPrecision(8),
      `grade ${query.groundTruth[item.id] ?? 0}`,
    ]);
    lines.push(...table(rows));
    const m = query.metrics;
    if (m) {
      lines.push(
        `  nDCG@5 ${fixed(m['ndcg@5'])}  nDCG@10 ${fixed(m['ndcg@10'])}  P@5 ${fixed(m['p@5'], 2)}  P@10 ${fixed(m['p@10'], 2)}  MRR ${fixed(m.mrr)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
