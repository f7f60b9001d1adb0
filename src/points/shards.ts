/** A sharded run's points files, checked before a merge trusts them. Pure. */
import { ConfigError, InputError } from '../errors.js';
import type { PointsDocument } from './store.js';

/** Shard i of N (1-based): every N-th scenario in seed order, starting at the i-th. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Every file must come from the same run, and the shards must be complete: 1..N, each once. */
export function checkShards(documents: readonly { path: string; doc: PointsDocument }[]): void {
  const [first, ...rest] = documents;
  if (!first) throw new InputError('merge: give at least one points file');
  const run = JSON.stringify(first.doc.run);
  for (const { path, doc } of rest) {
    if (JSON.stringify(doc.run) !== run) {
      throw new InputError(
        `merge: ${path} comes from a different run than ${first.path} (options, constants or seeds differ); merge only the shards of one run`,
      );
    }
  }
  const shards = documents.filter((d) => d.doc.shard);
  if (shards.length === 0) return;
  const count = shards[0]!.doc.shard!.count;
  const seen = new Map<number, string>();
  for (const { path, doc } of shards) {
    if (doc.shard!.count !== count) {
      throw new InputError(
        `merge: ${path} is shard ${doc.shard!.index}/${doc.shard!.count}, others are of ${count}`,
      );
    }
    const again = seen.get(doc.shard!.index);
    if (again)
      throw new InputError(`merge: ${path} and ${again} are both shard ${doc.shard!.index}/${count}`);
    seen.set(doc.shard!.index, path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new InputError(
      `merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; give every shard's points file`,
    );
  }
}

/** "i/N" with 1 ≤ i ≤ N. */
export function parseShard(text: string, source = '--shard'): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!(index >= 1 && count >= 1 && index <= count && count <= 1000)) {
    throw new ConfigError(`${source} '${text}': give i/N with 1 ≤ i ≤ N ≤ 1000, e.g. 2/4`);
  }
  return { index, count };
}
