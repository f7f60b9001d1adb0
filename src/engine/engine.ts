/**
 * The memory model: popoto's decay, confidence, observation, write-filter and co-occurrence primitives,
 * scored by Lua inside Redis. One engine is one run: its constants are fixed when it opens, its clock
 * is whatever `now` each call is given, and every key it writes lives under its namespace and is
 * removed by `close()`.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Constants } from '../constants/values.js';
import { EngineError, errorMessage } from '../errors.js';
import * as lua from './lua.js';
import { type GraphSettings, type StageSettings, stageSettings } from './stages.js';

/** A cycle of the cyclic decay score: period and phase in seconds, amplitude in score units. */
export type Cycle = readonly [period: number, amplitude: number, phase: number];

export interface RecordInput {
  readonly id: string;
  /** Both the decay base score and the write-filter score. */
  readonly importance: number;
  readonly cycles?: readonly Cycle[];
  /**
   * Weekly cycles the application declares from PolicyCache temporal discovery: their amplitude is
   * INITIAL_CYCLE_AMPLITUDE, resolved by the engine; declared after `cycles`.
   */
  readonly discoveredCycles?: readonly (readonly [period: number, phase: number])[];
  readonly pressureRate?: number;
  /**
   * The partition (popoto's `partition_by` value, e.g. a project) its decay and confidence indexes file it
   * under; a query filtered to a partition reads only those records in these arms.
   */
  readonly partition?: string;
}

export const OUTCOMES = ['acted', 'dismissed', 'deferred', 'contradicted', 'used'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type ArmName = 'decay' | 'confidence' | 'priority';
export const ARM_NAMES: readonly ArmName[] = ['decay', 'confidence', 'priority'];

/** A write, as the replay batches them. */
export type WriteOp =
  | { readonly op: 'save'; readonly record: RecordInput; readonly now: number }
  | { readonly op: 'touch'; readonly id: string; readonly now: number }
  | { readonly op: 'outcome'; readonly id: string; readonly outcome: Outcome; readonly now: number }
  | { readonly op: 'predict'; readonly id: string }
  | {
      readonly op: 'crystallize';
      readonly id: string;
      readonly fingerprint: string;
      readonly successes: number;
      readonly total: number;
      readonly now: number;
    }
  | { readonly op: 'td'; readonly id: string; readonly reward: number; readonly maxFutureQ: number }
  | { readonly op: 'link'; readonly a: string; readonly b: string; readonly weight?: number }
  | { readonly op: 'strengthen'; readonly a: string; readonly b: string; readonly delta?: number }
  | { readonly op: 'weakenAll'; readonly id: string; readonly factor?: number };

export interface RankedItem {
  readonly id: string;
  readonly score: number;
}

/**
 * The model a query ranks: the memory records, or the PolicyEntry records PolicyCache crystallises (popoto
 * keeps each model's indexes apart; one store here, told apart by the Bloom filter's entries).
 */
export type RecordModel = 'memory' | 'policy';

export interface CompositeQuery {
  readonly now: number;
  /** Default 'memory'. */
  readonly model?: RecordModel;
  /** The partition filter (the decay and confidence arms read only its records); none: every record. */
  readonly partition?: string;
  /** Arm weights, summed in the object's key order (as popoto's dict order). */
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  readonly limit: number;
  /** The co-occurrence boost arm, added with weight 1.0. */
  readonly boost?: ReadonlyMap<string, number>;
}

/** One ContextAssembler.assemble() call in composite mode (the assembler built with these arguments). */
export interface AssembleCall {
  readonly now: number;
  /** score_weights, summed in the object's key order. */
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  /** max_items (M). */
  readonly maxItems: number;
  /** False: assemble() without query cues (push path only, no suppression). */
  readonly cues: boolean;
  /** exclude_keys: left out of both paths; min(count, 200) widens the fetch (headroom). */
  readonly exclude: readonly string[];
  /** The partition filter of both paths (none: every record). */
  readonly partition?: string;
  /** max_tokens, with each record's token count (records not listed count 0). */
  readonly maxTokens?: number;
  readonly tokens?: Readonly<Record<string, number>>;
}

/** The cap on the assembler's fetch headroom from exclusions. */
export const MAX_EXCLUDE_HEADROOM = 200;

export interface PropagateOptions {
  readonly depth?: number;
  readonly threshold?: number;
}

/** popoto's hard-coded numbers that shape ranking (not in `Defaults`). */
export const FIXED = {
  maxEdges: 500,
  propagateDepth: 2,
  propagateThreshold: 0.01,
} as const;

/** The subset of an ioredis client the engine uses; ioredis-mock and ioredis's Cluster provide it too. */
export type RedisClient = Pick<Redis, 'defineCommand' | 'script' | 'exists' | 'smembers' | 'del'>;

type ScriptFn = (...args: string[]) => Promise<unknown>;

/** Scripts over one namespace's nine keys (the single-run engine). */
const RUN_SCRIPTS = {
  mrSave: lua.SAVE,
  mrTouch: lua.TOUCH,
  mrOutcome: lua.OUTCOME,
  mrLink: lua.LINK,
  mrStrengthen: lua.STRENGTHEN,
  mrWeakenAll: lua.WEAKEN_ALL,
  mrPropagate: lua.PROPAGATE,
  mrComposite: lua.COMPOSITE,
  mrTopByDecay: lua.TOP_BY_DECAY,
  mrAssemble: lua.ASSEMBLE,
  mrBatch: lua.BATCH,
} as const;
/** Scripts over one registry key (the fused evaluation and its cleanup). */
const REGISTRY_SCRIPTS = {
  mrEvaluateVariants: lua.EVALUATE_VARIANTS,
  mrDropRegistered: lua.DROP_REGISTERED,
} as const;
type ScriptName = keyof typeof RUN_SCRIPTS;
export type RegistryScriptName = keyof typeof REGISTRY_SCRIPTS;

/** Every script's source, for the engine version that points are keyed by. */
export const SCRIPT_SOURCES: readonly string[] = [
  ...Object.values(RUN_SCRIPTS),
  ...Object.values(REGISTRY_SCRIPTS),
];

const registered = new WeakMap<object, Promise<void>>();

interface ClusterLike {
  nodes(role: 'master'): { script(command: 'LOAD', source: string): Promise<unknown> }[];
}
const isCluster = (redis: object): redis is ClusterLike =>
  typeof (redis as { nodes?: unknown }).nodes === 'function';

/**
 * Registers the scripts once per client (EVALSHA, reloaded automatically after a SCRIPT FLUSH) and loads
 * them into the server before first use: on a cluster, into every master. Writes are pipelined, and a
 * NOSCRIPT retry would be sent after commands queued behind it, reordering them; loading first keeps every
 * command in the order sent.
 */
export function registerScripts(redis: RedisClient): Promise<void> {
  let ready = registered.get(redis);
  if (!ready) {
    for (const [name, source] of Object.entries(RUN_SCRIPTS)) {
      redis.defineCommand(name, { numberOfKeys: lua.KEY_NAMES.length, lua: source });
    }
    for (const [name, source] of Object.entries(REGISTRY_SCRIPTS)) {
      redis.defineCommand(name, { numberOfKeys: 1, lua: source });
    }
    const servers = isCluster(redis) ? redis.nodes('master') : [redis];
    ready = Promise.all(
      servers.flatMap((server) => SCRIPT_SOURCES.map(async (source) => server.script('LOAD', source))),
    ).then(
      () => undefined,
      (error: unknown) => {
        // The embedded emulator has no SCRIPT command and no script cache to miss.
        if (!/Unsupported command/.test(errorMessage(error))) throw error;
      },
    );
    registered.set(redis, ready);
  }
  return ready;
}

/**
 * A failed script call: an error Redis replied with names the script; a connection that timed out or closed
 * is the cause itself (no script is to blame), so the message leads with it.
 */
export function scriptFailure(name: string, error: unknown): EngineError {
  const message = errorMessage(error);
  if (/^(Command timed out|Connection is closed|Stream isn't writeable)/.test(message)) {
    return new EngineError(message);
  }
  return new EngineError(`${name} failed: ${message}`);
}

/** Numbers cross into Lua as their shortest round-trip decimal text, so no precision is lost. */
export const num = (x: number): string => String(x);

function parsePairs(reply: unknown): RankedItem[] {
  if (!Array.isArray(reply)) throw new EngineError(`unexpected script reply: ${JSON.stringify(reply)}`);
  const items: RankedItem[] = [];
  for (let i = 0; i < reply.length; i += 2) items.push({ id: String(reply[i]), score: Number(reply[i + 1]) });
  return items;
}

/** A record's cycles as the scripts read them: `period amplitude phase` joined by `;`. */
export const encodeCycles = (
  cycles: readonly Cycle[] | undefined,
  discovered: RecordInput['discoveredCycles'] = [],
): string =>
  [
    ...(cycles ?? []).map(([p, a, ph]) => `${num(p)} ${num(a)} ${num(ph)}`),
    // 'D': the amplitude is INITIAL_CYCLE_AMPLITUDE, which the script resolves per record state.
    ...discovered.map(([p, ph]) => `${num(p)} D ${num(ph)}`),
  ].join(';');

/** The graph writes' own checks, against the graph-stage constants they would use. */
export function checkGraphWrite(
  op: Extract<WriteOp, { op: 'link' | 'strengthen' | 'weakenAll' }>,
  graph: GraphSettings,
): void {
  if (op.op === 'link') {
    const w = op.weight ?? graph.initialWeight;
    if (op.a === op.b) throw new EngineError(`link: a record cannot be linked to itself ('${op.a}')`);
    if (w > graph.weightCap)
      throw new EngineError(`link: weight ${w} exceeds CO_OCCURRENCE_WEIGHT_CAP ${graph.weightCap}`);
  } else if (op.op === 'strengthen') {
    const d = op.delta ?? graph.delta;
    if (!(d > 0)) throw new EngineError(`strengthen: delta must be > 0, got ${d}`);
  } else {
    const f = op.factor ?? graph.decayFactor;
    if (!(f >= 0 && f <= 1)) throw new EngineError(`weakenAll: factor must be in [0, 1], got ${f}`);
  }
}

/** Propagation must contract: each hop multiplies by at most cap × decay per hop. */
export function checkPropagation(query: { readonly decayPerHop: number; readonly weightCap: number }): void {
  if (query.weightCap * query.decayPerHop >= 1) {
    throw new EngineError(
      `propagate: CO_OCCURRENCE_WEIGHT_CAP × CO_OCCURRENCE_DECAY_PER_HOP = ${query.weightCap * query.decayPerHop} must be < 1`,
    );
  }
}

/** The arms of a composite query in the order its weights declare them (popoto's dict order). */
export function armOrder(weights: Readonly<Partial<Record<ArmName, number>>>): ArmName[] {
  const order = Object.keys(weights).filter((arm): arm is ArmName => ARM_NAMES.includes(arm as ArmName));
  if (order.length === 0) throw new EngineError('composite: at least one arm weight is required');
  return order;
}

/** The weights as script arguments, one per arm in the scripts' fixed order ('' for an arm not asked for). */
export function armWeightArgs(weights: Readonly<Partial<Record<ArmName, number>>>): string[] {
  return ARM_NAMES.map((arm) => {
    const w = weights[arm];
    return w === undefined ? '' : num(w);
  });
}

/** An assembler call's exclusions (each once), its fetch headroom and its token counts as script arguments. */
export function assembleArgs(call: Pick<AssembleCall, 'exclude' | 'tokens'>): {
  readonly exclude: string[];
  readonly headroom: string;
  readonly tokens: string[];
} {
  const exclude = [...new Set(call.exclude)];
  return {
    exclude,
    headroom: num(Math.min(exclude.length, MAX_EXCLUDE_HEADROOM)),
    tokens: Object.entries(call.tokens ?? {}).flatMap(([id, n]) => [id, num(n)]),
  };
}

const policyArgs = (k: StageSettings['records']): string[] =>
  [k.minEvents, k.wilson, k.tdAlpha, k.tdGamma].map(num);

export function newNamespace(): string {
  return `mr:{${randomBytes(8).toString('hex')}}`;
}

export class MemoryEngine {
  private readonly keys: readonly string[];
  private readonly coPrefix: string;
  private readonly settings: StageSettings;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly redis: RedisClient,
    readonly namespace: string,
    readonly constants: Constants,
  ) {
    this.keys = lua.KEY_NAMES.map((name) => `${namespace}:${name}`);
    this.coPrefix = `${namespace}:co:`;
    this.settings = stageSettings(constants);
  }

  /** Opens a run under a fresh namespace (or the given one, which must be unused). */
  static async open(
    redis: RedisClient,
    constants: Constants,
    namespace = newNamespace(),
  ): Promise<MemoryEngine> {
    await registerScripts(redis);
    const engine = new MemoryEngine(redis, namespace, constants);
    if ((await redis.exists(...engine.keys)) > 0) {
      throw new EngineError(`namespace ${namespace} is already in use on this Redis; choose another`);
    }
    return engine;
  }

  private async call(name: ScriptName, ...args: string[]): Promise<unknown> {
    if (this.closed) throw new EngineError(`engine ${this.namespace} is closed`);
    const fn = (this.redis as unknown as Record<ScriptName, ScriptFn>)[name];
    try {
      return await fn.call(this.redis, ...this.keys, this.coPrefix, ...args);
    } catch (error) {
      throw scriptFailure(name, error);
    }
  }

  private decayArgs(now: number): string[] {
    const q = this.settings.query;
    return [num(now), num(q.rate), q.modulation ? '1' : '0', num(q.strength), num(q.c0)];
  }

  /** The script arguments of a write: its operation name, then its arguments (validated here). */
  private writeArgs(op: WriteOp): [WriteOp['op'], ...string[]] {
    const { records: k, graph } = this.settings;
    switch (op.op) {
      case 'save': {
        const { record } = op;
        return [
          'save',
          record.id,
          num(record.importance),
          num(op.now),
          num(k.wfMin),
          num(k.wfPriority),
          num(k.c0),
          num(k.cycleAmplitude),
          encodeCycles(record.cycles, record.discoveredCycles),
          num(record.pressureRate ?? 0),
          record.partition ?? '',
        ];
      }
      case 'touch':
        return ['touch', op.id, num(op.now)];
      case 'outcome':
        return [
          'outcome',
          op.id,
          op.outcome,
          num(op.now),
          num(k.c0),
          num(k.cap),
          num(k.eps),
          num(k.actedSignal),
          num(k.contradictedSignal),
          num(k.actedFactor),
          num(k.dismissedFactor),
          num(k.contradictedFactor),
          num(k.discharge),
          num(k.plThreshold),
          num(k.plLowSignal),
          num(k.plActed),
          num(k.plDismissed),
          num(k.plContradicted),
          num(k.plUsed),
        ];
      case 'predict':
        return ['predict', op.id];
      case 'crystallize':
        return [
          'crystallize',
          op.id,
          op.fingerprint,
          num(op.successes),
          num(op.total),
          num(op.now),
          ...policyArgs(k),
        ];
      case 'td':
        return ['td', op.id, num(op.reward), num(op.maxFutureQ), ...policyArgs(k)];
      case 'link':
        checkGraphWrite(op, graph);
        return ['link', op.a, op.b, num(op.weight ?? graph.initialWeight), num(FIXED.maxEdges)];
      case 'strengthen':
        checkGraphWrite(op, graph);
        return ['strengthen', op.a, op.b, num(op.delta ?? graph.delta), num(graph.weightCap)];
      case 'weakenAll':
        checkGraphWrite(op, graph);
        return ['weakenAll', op.id, num(op.factor ?? graph.decayFactor)];
    }
  }

  private async single(op: WriteOp, script: ScriptName): Promise<unknown> {
    const [, ...args] = this.writeArgs(op);
    return this.call(script, ...args);
  }

  /**
   * Runs writes in order inside one script call per chunk; returns, for each save, whether the write
   * filter let it through. The result is the same as calling the single operations one by one.
   */
  async write(ops: readonly WriteOp[], chunk = 1000): Promise<boolean[]> {
    const saved: boolean[] = [];
    const args = ops.map((op) => this.writeArgs(op));
    for (let i = 0; i < args.length; i += chunk) {
      const reply = await this.call('mrBatch', ...args.slice(i, i + chunk).flat());
      if (!Array.isArray(reply)) throw new EngineError(`unexpected batch reply: ${JSON.stringify(reply)}`);
      for (const result of reply) saved.push(result === 'saved');
    }
    return saved;
  }

  /** Saves a record through the write filter; false when the filter rejected it. */
  async save(record: RecordInput, now: number): Promise<boolean> {
    return (await this.single({ op: 'save', record, now }, 'mrSave')) === 'saved';
  }

  /** Re-stamps the decay clock; false for a record that was never saved. */
  async touch(id: string, now: number): Promise<boolean> {
    return (await this.single({ op: 'touch', id, now }, 'mrTouch')) === 'touched';
  }

  /** Applies an observed outcome; false for a record that was never saved (popoto skips it). */
  async outcome(id: string, outcome: Outcome, now: number): Promise<boolean> {
    return (await this.single({ op: 'outcome', id, outcome, now }, 'mrOutcome')) !== 'missing';
  }

  /** Creates a symmetric edge at `weight` (default CO_OCCURRENCE_INITIAL_WEIGHT); existing edges are kept. */
  async link(a: string, b: string, weight?: number): Promise<void> {
    await this.single({ op: 'link', a, b, ...(weight !== undefined ? { weight } : {}) }, 'mrLink');
  }

  /** Adds `delta` (default: the `delta` constant) to the edge both ways, capped; creates missing edges. */
  async strengthen(a: string, b: string, delta?: number): Promise<void> {
    await this.single({ op: 'strengthen', a, b, ...(delta !== undefined ? { delta } : {}) }, 'mrStrengthen');
  }

  /** Maintenance: multiplies the out-edges of `id` by `factor` (default CO_OCCURRENCE_DECAY_FACTOR). */
  async weakenAll(id: string, factor?: number): Promise<void> {
    await this.single({ op: 'weakenAll', id, ...(factor !== undefined ? { factor } : {}) }, 'mrWeakenAll');
  }

  /** Spreading activation from `seeds` with CO_OCCURRENCE_DECAY_PER_HOP; seeds get no score. */
  async propagate(seeds: readonly string[], options: PropagateOptions = {}): Promise<Map<string, number>> {
    const { decayPerHop: dph, weightCap: cap } = this.settings.query;
    checkPropagation(this.settings.query);
    const reply = await this.call(
      'mrPropagate',
      num(options.depth ?? FIXED.propagateDepth),
      num(dph),
      num(options.threshold ?? FIXED.propagateThreshold),
      num(cap),
      num(FIXED.maxEdges),
      ...seeds,
    );
    return new Map(parsePairs(reply).map((item) => [item.id, item.score]));
  }

  /** popoto's composite_score: Σ weight·arm + boost; ties by descending id; missing records dropped. */
  async composite(query: CompositeQuery): Promise<RankedItem[]> {
    const boost = [...(query.boost ?? new Map<string, number>())].flatMap(([id, score]) => [id, num(score)]);
    const reply = await this.call(
      'mrComposite',
      num(query.limit),
      ...this.decayArgs(query.now),
      ...armWeightArgs(query.weights),
      armOrder(query.weights).join(','),
      query.model ?? 'memory',
      query.partition ?? '',
      ...boost,
    );
    return parsePairs(reply);
  }

  /**
   * ContextAssembler.assemble(): pull path (composite score, boosted from its first M by the recipe's fixed
   * propagation), push path (cyclic score ≥ DEFAULT_SURFACING_THRESHOLD), merge, max items and token budget;
   * the pull candidates left out get COMPETITIVE_SUPPRESSION_SIGNAL at once. Returns the selected records.
   */
  async assemble(call: AssembleCall): Promise<RankedItem[]> {
    const q = this.settings.query;
    const { exclude, headroom, tokens } = assembleArgs(call);
    const reply = await this.call(
      'mrAssemble',
      num(call.maxItems),
      ...this.decayArgs(call.now),
      ...armWeightArgs(call.weights),
      armOrder(call.weights).join(','),
      headroom,
      call.cues ? '1' : '0',
      num(q.surfacingThreshold),
      num(q.suppressionSignal),
      num(q.confidenceCap),
      call.maxTokens === undefined ? '' : num(call.maxTokens),
      num(q.weightCap),
      num(FIXED.maxEdges),
      call.partition ?? '',
      num(exclude.length),
      ...exclude,
      ...tokens,
    );
    return parsePairs(reply);
  }

  /** popoto's top_by_decay: the cyclic decay score, ties by ascending id. */
  async topByDecay(
    limit: number,
    now: number,
    model: RecordModel = 'memory',
    partition = '',
  ): Promise<RankedItem[]> {
    return parsePairs(await this.call('mrTopByDecay', num(limit), ...this.decayArgs(now), model, partition));
  }

  /**
   * Removes exactly the keys this run created. Every caller gets the same promise, so a caller that goes
   * on to disconnect waits until the keys are gone.
   */
  close(): Promise<void> {
    this.closing ??= this.removeKeys();
    return this.closing;
  }

  private async removeKeys(): Promise<void> {
    this.closed = true;
    const registry = this.keys[0]!;
    const created = await this.redis.smembers(registry);
    for (let i = 0; i < created.length; i += 500) await this.redis.del(...created.slice(i, i + 500));
    await this.redis.del(registry);
  }
}
