/** Renders a replay for the terminal and as the `--json` document. Pure. */
import type { Constants } from '../constants/values.js';
import type { RedisKind } from '../redis/acquire.js';
import type { ReplayResult } from '../scenarios/replay.js';

export interface ReplayReport extends ReplayResult {
  readonly redis: RedisKind;
  readonly constants: Constants;
}

export function replayJson(report: ReplayReport): string {
  const { name, redis, constants, filtered, queries } = report;
  return `${JSON.stringify({ name, redis, constants, filtered, queries }, null, 2)}\n`;
}

const fixed = (x: number, digits = 4): string => x.toFixed(digits);

export function replayText(report: ReplayReport, overrides: Readonly<Record<string, unknown>>): string {
  const lines: string[] = [];
  lines.push(`scenario ${report.name} (redis: ${report.redis})`);
  const changed = Object.entries(overrides).map(([name, value]) => `${name}=${String(value)}`);
  lines.push(`constants: ${changed.length > 0 ? changed.join(', ') : 'registry defaults'}`);
  if (report.filtered.length > 0) lines.push(`rejected by the write filter: ${report.filtered.join(', ')}`);
  for (const query of report.queries) {
    lines.push('');
    lines.push(`query ${query.label} at ${new Date(query.at * 1000).toISOString()} (${query.at})`);
    if (query.ranking.length === 0) lines.push('  (no records)');
    const width = Math.max(2, ...query.ranking.map((item) => item.id.length));
    query.ranking.forEach((item, i) => {
      lines.push(`  ${String(i + 1).padStart(2)}. ${item.id.padEnd(width)}  ${item.score.toPrecision(10)}`);
    });
    const m = query.metrics;
    if (m) {
      lines.push(
        `  nDCG@5 ${fixed(m['ndcg@5'])}  nDCG@10 ${fixed(m['ndcg@10'])}  P@5 ${fixed(m['p@5'], 2)}  P@10 ${fixed(m['p@10'], 2)}  MRR ${fixed(m.mrr)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
