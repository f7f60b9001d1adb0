/**
 * A fused run: one scenario evaluated under many constants variants at once, in one namespace. Each
 * distinct record-stage setting gets one record state and each distinct graph-stage setting one graph; the
 * writes of a segment are shipped once and applied to every state, then every variant's queries are
 * answered in the same script call (see EVALUATE_VARIANTS). Scores are computed by the same Lua functions as
 * the single-run engine, so every ranking is the one a replay of that variant alone gives.
 */
import { EngineError } from '../errors.js';
import {
  type ArmName,
  type AssembleCall,
  armOrder,
  armWeightArgs,
  assembleArgs,
  encodeCycles,
  FIXED,
  newNamespace,
  num,
  type RecordModel,
  type RedisClient,
  type RegistryScriptName,
  registerScripts,
  scriptFailure,
  type WriteOp,
} from './engine.js';
import type { GraphSettings, QuerySettings, RecordSettings } from './stages.js';

export interface FusedQuery {
  /** `assemble`: a ContextAssembler call (its competitive suppression changes the variant's confidences). */
  readonly method: 'composite' | 'topByDecay' | 'assemble';
  /** The model whose records are ranked: memories, or PolicyCache's PolicyEntry instances. */
  readonly model: RecordModel;
  /** The partition filter ('' for none). */
  readonly partition: string;
  /** How many to rank (the caller's limit plus its exclusions). */
  readonly limit: number;
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  /** Simulated epoch seconds. */
  readonly now: number;
  /** The records whose co-occurrence neighbours are boosted (composite only). */
  readonly boostFrom: readonly string[];
  /** The assembler's call (assemble only; `limit` is its max items). */
  readonly assemble?: Omit<AssembleCall, 'now' | 'weights' | 'maxItems' | 'partition'>;
}

export interface FusedVariant {
  /** Index into the record states. */
  readonly records: number;
  /** Index into the policy states, when PolicyEntry records are split off (see FusedPolicies). */
  readonly policies?: number;
  /** Index into the graphs. */
  readonly graph: number;
  readonly query: QuerySettings;
}

/**
 * PolicyEntry records built apart from the memories: a policy state per distinct setting of what policy
 * operations read, so variants that differ only in memory constants share one (and the reverse).
 */
export interface FusedPolicies {
  /** Every policy id of the script: steps on them are policy operations. */
  readonly ids: readonly string[];
  /** One entry per policy state (each a full record-stage setting; its policy operations read part of it). */
  readonly states: readonly RecordSettings[];
}

export interface FusedSegment {
  readonly writes: readonly WriteOp[];
  readonly queries: readonly FusedQuery[];
}

type ScriptFn = (...args: string[]) => Promise<unknown>;

/** Writes per script call: bounds the argument list and how long one call holds Redis. */
export const MAX_WRITES_PER_CALL = 100_000;

function opFields(op: WriteOp): string[] {
  switch (op.op) {
    case 'save':
      return [
        'save',
        op.record.id,
        num(op.record.importance),
        num(op.now),
        encodeCycles(op.record.cycles, op.record.discoveredCycles),
        num(op.record.pressureRate ?? 0),
        op.record.partition ?? '',
      ];
    case 'touch':
      return ['touch', op.id, num(op.now)];
    case 'outcome':
      return ['outcome', op.id, op.outcome, num(op.now)];
    case 'predict':
      return ['predict', op.id];
    case 'crystallize':
      return ['crystallize', op.id, op.fingerprint, num(op.successes), num(op.total), num(op.now)];
    case 'td':
      return ['td', op.id, num(op.reward), num(op.maxFutureQ)];
    case 'link':
      return ['link', op.a, op.b, op.weight === undefined ? '' : num(op.weight)];
    case 'strengthen':
      return ['strengthen', op.a, op.b, op.delta === undefined ? '' : num(op.delta)];
    case 'weakenAll':
      return ['weakenAll', op.id, op.factor === undefined ? '' : num(op.factor)];
  }
}

const recordFields = (k: RecordSettings): string[] =>
  [
    k.wfMin,
    k.wfPriority,
    k.c0,
    k.cap,
    k.eps,
    k.actedSignal,
    k.contradictedSignal,
    k.actedFactor,
    k.dismissedFactor,
    k.contradictedFactor,
    k.discharge,
    k.plThreshold,
    k.plLowSignal,
    k.plActed,
    k.plDismissed,
    k.plContradicted,
    k.plUsed,
    k.minEvents,
    k.wilson,
    k.tdAlpha,
    k.tdGamma,
    k.cycleAmplitude,
  ].map(num);

const graphFields = (g: GraphSettings): string[] =>
  [g.initialWeight, g.weightCap, g.delta, g.decayFactor, FIXED.maxEdges].map(num);

function queryFields(query: FusedQuery): string[] {
  const order = query.method === 'topByDecay' ? '' : armOrder(query.weights).join(',');
  const seeds = query.method === 'composite' ? query.boostFrom : [];

  return [
    query.method,
    query.model,
    query.partition,
    num(query.limit),
    ...armWeightArgs(query.weights),
    order,
    num(query.now),
    num(seeds.length),
    ...seeds,
    ...(query.method === 'assemble' && query.assemble ? assembleFields(query.assemble) : []),
  ];
}

/** An assembler call's own fields: headroom, cues, token budget, exclusions and token counts. */
function assembleFields(call: NonNullable<FusedQuery['assemble']>): string[] {
  const { exclude, headroom, tokens } = assembleArgs(call);
  return [
    headroom,
    call.cues === false ? '0' : '1',
    call.maxTokens === undefined ? '' : num(call.maxTokens),
    num(exclude.length),
    ...exclude,
    num(tokens.length / 2),
    ...tokens,
  ];
}

const variantFields = (v: FusedVariant): string[] => [
  num(v.records),
  num(v.graph),
  num(v.query.rate),
  v.query.modulation ? '1' : '0',
  num(v.query.strength),
  num(v.query.c0),
  num(v.query.decayPerHop),
  num(v.query.weightCap),
  num(FIXED.propagateDepth),
  num(FIXED.propagateThreshold),
  num(FIXED.maxEdges),
  num(v.query.surfacingThreshold),
  num(v.query.suppressionSignal),
  num(v.query.confidenceCap),
  v.policies === undefined ? '' : num(v.policies),
];

/** Reads the script's reply: for each variant, for each query, `<n>|` then n ids as `<len>:<id>`. */
export function parseFusedReply(reply: string, variants: number, queries: number): string[][][] {
  const out: string[][][] = [];
  let at = 0;
  const until = (char: string) => {
    const end = reply.indexOf(char, at);
    if (end < 0) throw new EngineError(`malformed fused reply near offset ${at}`);
    const text = reply.slice(at, end);
    at = end + 1;
    return text;
  };
  for (let v = 0; v < variants; v++) {
    const perQuery: string[][] = [];
    for (let q = 0; q < queries; q++) {
      const n = Number(until('|'));
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const length = Number(until(':'));
        ids.push(reply.slice(at, at + length));
        at += length;
      }
      perQuery.push(ids);
    }
    out.push(perQuery);
  }
  if (at !== reply.length) throw new EngineError('fused reply is longer than its variants and queries');
  return out;
}

export class FusedRun {
  private readonly registry: string;
  private closing: Promise<void> | undefined;
  /** Calls made so far: after the first, the states exist and each call continues them. */
  private calls = 0;
  /**
   * Whether some call may have kept state in Redis. A run whose only call ranks and keeps nothing writes no
   * key, so it needs neither the namespace check nor a cleanup call.
   */
  private persisted = false;

  private constructor(
    private readonly redis: RedisClient,
    readonly namespace: string,
    private readonly maxWrites: number,
  ) {
    this.registry = `${namespace}:registry`;
  }

  /** `maxWritesPerCall`: writes per script call (smaller values are for tests of the slicing). */
  static async open(
    redis: RedisClient,
    { namespace = newNamespace(), maxWritesPerCall = MAX_WRITES_PER_CALL } = {},
  ): Promise<FusedRun> {
    await registerScripts(redis);
    return new FusedRun(redis, namespace, maxWritesPerCall);
  }

  /** Before the first call that keeps state: the namespace must be free (keys are never shared). */
  private async claim(): Promise<void> {
    if (this.persisted) return;
    if ((await this.redis.exists(this.registry)) > 0) {
      throw new EngineError(`namespace ${this.namespace} is already in use on this Redis; choose another`);
    }
    this.persisted = true;
  }

  private async call(name: RegistryScriptName, args: readonly string[]): Promise<unknown> {
    if (this.closing) throw new EngineError(`fused run ${this.namespace} is closed`);
    const fn = (this.redis as unknown as Record<RegistryScriptName, ScriptFn>)[name];
    try {
      // One array argument: ioredis flattens it, and no spread of a long list reaches the call stack.
      return await (fn as unknown as (key: string, args: readonly string[]) => Promise<unknown>).call(
        this.redis,
        this.registry,
        args,
      );
    } catch (error) {
      throw scriptFailure(name, error);
    }
  }

  /**
   * Applies the segment's writes to every record state and graph (created on first use, continued by later
   * segments), then ranks every query under every variant: the ranked ids, result[variant][query]. `final`: no segment
   * follows, so the states need not be kept.
   */
  async segment(
    segment: FusedSegment,
    records: readonly RecordSettings[],
    graphs: readonly GraphSettings[],
    variants: readonly FusedVariant[],
    final: boolean,
    policies?: FusedPolicies,
  ): Promise<string[][][]> {
    // Long segments are sent in slices of writes (each call continues the states), so no call carries an
    // unbounded argument list or blocks Redis for long; the last slice asks the queries.
    const writes = segment.writes;
    const max = this.maxWrites;
    for (let start = 0; start + max < writes.length; start += max) {
      await this.send(writes.slice(start, start + max), records, graphs, [], [], true, policies);
    }
    const last = writes.length === 0 ? [] : writes.slice(Math.floor((writes.length - 1) / max) * max);
    const queryCount = segment.queries.length;
    // Nothing of the segment is read after this call is sent, so its operations need not outlive the encoding.
    const reply = await this.send(last, records, graphs, segment.queries, variants, !final, policies);
    return parseFusedReply(reply, variants.length, queryCount);
  }

  private async send(
    writes: readonly WriteOp[],
    records: readonly RecordSettings[],
    graphs: readonly GraphSettings[],
    queries: readonly FusedQuery[],
    variants: readonly FusedVariant[],
    persist: boolean,
    policies: FusedPolicies | undefined,
  ): Promise<string> {
    if (persist) await this.claim();
    const args: string[] = [
      this.namespace,
      this.calls > 0 ? '1' : '0',
      persist ? '1' : '0',
      num(writes.length),
    ];
    for (const op of writes) args.push(...opFields(op));
    args.push(num(queries.length));
    for (const query of queries) args.push(...queryFields(query));
    args.push(num(variants.length));
    for (const variant of variants) args.push(...variantFields(variant));
    args.push(num(graphs.length));
    for (const [i, g] of graphs.entries()) args.push(num(i), ...graphFields(g));
    args.push(num(policies?.ids.length ?? 0), ...(policies?.ids ?? []));
    args.push(num(policies?.states.length ?? 0));
    for (const [i, k] of (policies?.states ?? []).entries()) args.push(num(i), ...recordFields(k));
    args.push(num(records.length));
    for (const [i, k] of records.entries()) args.push(num(i), ...recordFields(k));
    const reply = await this.call('mrEvaluateVariants', args);
    this.calls++;
    if (typeof reply !== 'string') throw new EngineError(`unexpected fused reply: ${typeof reply}`);
    return reply;
  }

  /** Removes exactly the keys this run created (one script call). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.persisted) return;
      const fn = (this.redis as unknown as Record<RegistryScriptName, ScriptFn>).mrDropRegistered;
      await fn.call(this.redis, this.registry);
    })();
    return this.closing;
  }
}
