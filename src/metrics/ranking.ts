/**
 * Ranking metrics over a ranked list of ids and graded ground truth (id → grade ≥ 0; absent = 0).
 *
 * nDCG@k: graded, linear gain, discount log2(rank + 1), ideal DCG over the top k of all ground-truth
 * grades (so relevant records the ranking never retrieved still count against it). A ground truth with
 * no positive grade gives 0. The ranking is taken as given: ties were already broken by the engine.
 */
export type Grades = Readonly<Record<string, number>>;

export interface RankingMetrics {
  readonly 'ndcg@5': number;
  readonly 'ndcg@10': number;
  readonly 'p@5': number;
  readonly 'p@10': number;
  readonly mrr: number;
}

/** The nDCG definition, stated in every report. */
export const NDCG_DEFINITION =
  'nDCG@k: graded linear gain, discount log2(rank+1), ideal DCG over the top k of all ground-truth grades; ties in the ranking broken by the engine (composite: descending id)';

function dcg(gains: readonly number[], k: number): number {
  let total = 0;
  for (let i = 0; i < Math.min(k, gains.length); i++) total += (gains[i] ?? 0) / Math.log2(i + 2);
  return total;
}

export function ndcgAt(ranking: readonly string[], grades: Grades, k: number): number {
  const ideal = dcg(
    Object.values(grades)
      .filter((g) => g > 0)
      .sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return 0;
  return (
    dcg(
      ranking.map((id) => grades[id] ?? 0),
      k,
    ) / ideal
  );
}

/** Precision@k, dividing by k even when fewer than k items were retrieved. */
export function precisionAt(ranking: readonly string[], grades: Grades, k: number): number {
  return ranking.slice(0, k).filter((id) => (grades[id] ?? 0) > 0).length / k;
}

/** Reciprocal rank of the first item with a grade above 0; 0 when there is none. */
export function reciprocalRank(ranking: readonly string[], grades: Grades): number {
  const index = ranking.findIndex((id) => (grades[id] ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

export function rankingMetrics(ranking: readonly string[], grades: Grades): RankingMetrics {
  return {
    'ndcg@5': ndcgAt(ranking, grades, 5),
    'ndcg@10': ndcgAt(ranking, grades, 10),
    'p@5': precisionAt(ranking, grades, 5),
    'p@10': precisionAt(ranking, grades, 10),
    mrr: reciprocalRank(ranking, grades),
  };
}

/** The mean of each metric over several rankings (a scenario's score over its evaluated queries). */
export function meanMetrics(all: readonly RankingMetrics[]): RankingMetrics {
  const mean = (key: keyof RankingMetrics) => all.reduce((sum, m) => sum + m[key], 0) / all.length;
  return {
    'ndcg@5': mean('ndcg@5'),
    'ndcg@10': mean('ndcg@10'),
    'p@5': mean('p@5'),
    'p@10': mean('p@10'),
    mrr: mean('mrr'),
  };
}

/**
 * The ranking a query belongs to: its label without a trailing index ("topic-2" → "topic"), so the queries
 * a scenario asks of one kind (one per topic) count together.
 */
export function rankingOf(label: string): string {
  return label.replace(/-\d+$/, '');
}

/**
 * Each ranking's mean nDCG@5 (the ratchet's metric) over the queries that belong to it, by ranking name in
 * sorted order.
 */
export function ndcgByRanking(
  queries: readonly { readonly label: string; readonly metrics: RankingMetrics }[],
): Record<string, number> {
  const sums = new Map<string, { total: number; count: number }>();
  for (const query of queries) {
    const name = rankingOf(query.label);
    const sum = sums.get(name) ?? { total: 0, count: 0 };
    sum.total += query.metrics['ndcg@5'];
    sum.count++;
    sums.set(name, sum);
  }
  const byRanking: Record<string, number> = {};
  for (const name of [...sums.keys()].sort()) {
    const { total, count } = sums.get(name)!;
    byRanking[name] = total / count;
  }
  return byRanking;
}
