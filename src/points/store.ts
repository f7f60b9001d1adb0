/**
 * PointsStore: points by content key. A run reads what exists and adds what it computes; a points document
 * carries a store across processes (a shard's output, a merge's input). Pure: files are the CLI's job.
 */
import { InputError } from '../errors.js';
import type { PointScore } from '../sweep/runner.js';
import { ENGINE_VERSION } from './key.js';

export const POINTS_SCHEMA = 'memory-ratchet/points@1';

/** What a shard computed, and for which run: merge checks that every shard belongs to the same run. */
export interface PointsDocument {
  readonly schema: typeof POINTS_SCHEMA;
  readonly engine: string;
  /** The run's parameters, as the job that made the points recorded them. */
  readonly run: Readonly<Record<string, unknown>>;
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** [key, point] pairs, sorted by key. */
  readonly points: readonly (readonly [string, PointScore])[];
}

export class PointsStore {
  private readonly points = new Map<string, PointScore>();

  get size(): number {
    return this.points.size;
  }

  get(key: string): PointScore | undefined {
    return this.points.get(key);
  }

  has(key: string): boolean {
    return this.points.has(key);
  }

  set(key: string, point: PointScore): void {
    this.points.set(key, point);
  }

  /** Adds another store's points; a key present in both must hold the same scores. */
  merge(points: Iterable<readonly [string, PointScore]>, source: string): void {
    for (const [key, point] of points) {
      const existing = this.points.get(key);
      if (existing && !samePoint(existing, point)) {
        throw new InputError(
          `${source}: point ${key} differs from the one already loaded (${existing.status} vs ${point.status}); the files come from different engines or runs`,
        );
      }
      if (!existing) this.points.set(key, point);
    }
  }

  toDocument(run: Readonly<Record<string, unknown>>, shard: PointsDocument['shard']): PointsDocument {
    const points = [...this.points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { schema: POINTS_SCHEMA, engine: ENGINE_VERSION, run, shard, points };
  }
}

/** The same scores (durations are timings, not results; a points file from before per-ranking scores matches on the rest). */
export function samePoint(a: PointScore, b: PointScore): boolean {
  return (
    a.status === b.status &&
    a.rankingHash === b.rankingHash &&
    JSON.stringify(a.metrics) === JSON.stringify(b.metrics) &&
    (a.rankings === undefined ||
      b.rankings === undefined ||
      JSON.stringify(a.rankings) === JSON.stringify(b.rankings)) &&
    a.calibrationError === b.calibrationError
  );
}

/** Checks a parsed points document; errors name the source and what to do. */
export function readPointsDocument(value: unknown, source: string): PointsDocument {
  const doc = value as Partial<PointsDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.schema !== POINTS_SCHEMA || !Array.isArray(doc.points)) {
    throw new InputError(`${source}: not a points file (expected "schema": "${POINTS_SCHEMA}")`);
  }
  if (doc.engine !== ENGINE_VERSION) {
    throw new InputError(
      `${source}: points from engine ${doc.engine}, but this is engine ${ENGINE_VERSION}; recompute them with this version`,
    );
  }
  return doc as PointsDocument;
}
