/**
 * Scenario scripts: a scenario declared as data (records, simulated time, outcomes, links and graded
 * queries). The JSON Schema below is the contract; `docs/scenario-format.md` explains it.
 */
import type { ArmName, Outcome, RecordModel } from '../engine/engine.js';

export interface SaveStep {
  readonly op: 'save';
  readonly id: string;
  readonly importance: number;
  /** `[period_s, amplitude, phase_s?]` cycles of the cyclic decay score. */
  readonly cycles?: readonly (readonly [number, number] | readonly [number, number, number])[];
  /**
   * `[period_s, phase_s?]` weekly cycles found by temporal discovery: their amplitude is INITIAL_CYCLE_AMPLITUDE
   * (declared after `cycles`).
   */
  readonly discoveredCycles?: readonly (readonly [number] | readonly [number, number])[];
  readonly pressureRate?: number;
  /** A re-save of a record saved earlier (it resets the decay clock); without it a second save is an error. */
  readonly update?: boolean;
  /**
   * The partition (popoto's `partition_by` value, such as a project) its decay and confidence indexes file it
   * under; queries filtered to it read only its records in those arms (the priority set and the co-occurrence
   * graph are not partitioned).
   */
  readonly partition?: string;
}
export interface AdvanceStep {
  readonly op: 'advance';
  readonly seconds: number;
}
export interface TouchStep {
  readonly op: 'touch';
  readonly id: string;
}
export interface OutcomeStep {
  readonly op: 'outcome';
  readonly id: string;
  readonly outcome: Outcome;
}
/** PredictionLedger record_prediction: the record's next outcome resolves it (and may lower confidence). */
export interface PredictStep {
  readonly op: 'predict';
  readonly id: string;
}
/**
 * PolicyCache crystallization_handler for one (fingerprint, action) group of one event batch: saves the
 * PolicyEntry `id` when the group passes the evidence gates (see docs/scenario-format.md).
 */
export interface CrystallizeStep {
  readonly op: 'crystallize';
  readonly id: string;
  readonly fingerprint: string;
  readonly successes: number;
  readonly total: number;
}
/** TDValueField.td_update on a PolicyEntry's q (its decay base score). */
export interface TdStep {
  readonly op: 'td';
  readonly id: string;
  readonly reward: number;
  /** The next state's best Q the application passes (0: terminal). */
  readonly maxFutureQ?: number;
}
export interface LinkStep {
  readonly op: 'link';
  readonly a: string;
  readonly b: string;
  readonly weight?: number;
}
export interface StrengthenStep {
  readonly op: 'strengthen';
  readonly a: string;
  readonly b: string;
  readonly delta?: number;
}
export interface WeakenAllStep {
  readonly op: 'weakenAll';
  readonly id: string;
  readonly factor?: number;
}
export interface QueryStep {
  readonly op: 'query';
  readonly label: string;
  /** `composite` (default): Σ weight·arm + co-occurrence boost; `topByDecay`: the cyclic decay score alone. */
  readonly method?: 'composite' | 'topByDecay';
  /**
   * The records ranked: `memory` (default) or `policy`, the PolicyEntry instances `crystallize` created
   * (popoto keeps each model's indexes apart, so a query ranks one model).
   */
  readonly model?: RecordModel;
  /** The partition filter: the decay and confidence arms read only that partition's records. */
  readonly partition?: string;
  readonly weights?: Readonly<Partial<Record<ArmName, number>>>;
  readonly limit: number;
  readonly boostFrom?: readonly string[];
  /** Ids left out of the ranking (already in the caller's context), e.g. the `boostFrom` records. */
  readonly exclude?: readonly string[];
  readonly relevance?: Readonly<Record<string, number>>;
}

/**
 * ContextAssembler.assemble() in composite mode: its selected records are a ranking (graded like a query's),
 * and its competitive suppression lowers (or, at a signal ≥ 0.5, raises) the confidence of the pull
 * candidates it left out, at once, so later steps see it.
 */
export interface AssembleStep {
  readonly op: 'assemble';
  readonly label: string;
  /** score_weights (at least one arm). */
  readonly weights: Readonly<Partial<Record<ArmName, number>>>;
  /** max_items (default 10). */
  readonly maxItems?: number;
  /** False: called without query cues (push path only, no suppression). Default true. */
  readonly cues?: boolean;
  /** exclude_keys: records already in the caller's context. */
  readonly exclude?: readonly string[];
  /** partition_filters: the decay and confidence arms read only that partition's records. */
  readonly partition?: string;
  /** max_tokens, with each record's token count in `tokens` (records not listed count 0). */
  readonly maxTokens?: number;
  readonly tokens?: Readonly<Record<string, number>>;
  readonly relevance?: Readonly<Record<string, number>>;
}

/** The steps that rank records: queries, and assembler calls. */
export type RankingStep = QueryStep | AssembleStep;

export type Step =
  | SaveStep
  | AdvanceStep
  | TouchStep
  | OutcomeStep
  | PredictStep
  | CrystallizeStep
  | TdStep
  | LinkStep
  | StrengthenStep
  | WeakenAllStep
  | QueryStep
  | AssembleStep;

export interface ScenarioScript {
  readonly name: string;
  readonly description?: string;
  /** Simulated epoch seconds at the first step. */
  readonly clock: number;
  readonly steps: readonly Step[];
}

export const STEP_OPS = [
  'save',
  'advance',
  'touch',
  'outcome',
  'predict',
  'crystallize',
  'td',
  'link',
  'strengthen',
  'weakenAll',
  'query',
  'assemble',
] as const;

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const finite = { type: 'number' } as const;
const armWeights = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { decay: finite, confidence: finite, priority: finite },
} as const;

function op(name: string, properties: Record<string, unknown>, required: readonly string[]) {
  return {
    if: { properties: { op: { const: name } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
    then: {
      properties: { op: { const: name }, ...properties },
      required: ['op', ...required],
      additionalProperties: false,
    },
  };
}

export const SCENARIO_SCRIPT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://memory-ratchet.dev/schemas/scenario-script.schema.json',
  title: 'memory-ratchet scenario script',
  type: 'object',
  required: ['name', 'clock', 'steps'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    clock: { ...finite, minimum: 0, description: 'simulated epoch seconds at the first step' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op'],
        properties: { op: { enum: [...STEP_OPS] } },
        allOf: [
          op(
            'save',
            {
              id,
              importance: finite,
              cycles: {
                type: 'array',
                items: {
                  type: 'array',
                  minItems: 2,
                  maxItems: 3,
                  items: [
                    { ...finite, exclusiveMinimum: 0, description: 'period in seconds' },
                    { ...finite, minimum: 0, description: 'amplitude' },
                    { ...finite, description: 'phase in epoch seconds' },
                  ],
                },
              },
              discoveredCycles: {
                type: 'array',
                items: {
                  type: 'array',
                  minItems: 1,
                  maxItems: 2,
                  items: [
                    { ...finite, exclusiveMinimum: 0, description: 'period in seconds' },
                    { ...finite, description: 'phase in epoch seconds' },
                  ],
                },
              },
              pressureRate: { ...finite, minimum: 0 },
              update: { type: 'boolean' },
              partition: id,
            },
            ['id', 'importance'],
          ),
          op('advance', { seconds: { ...finite, minimum: 0 } }, ['seconds']),
          op('touch', { id }, ['id']),
          op(
            'outcome',
            { id, outcome: { enum: ['acted', 'dismissed', 'deferred', 'contradicted', 'used'] } },
            ['id', 'outcome'],
          ),
          op('predict', { id }, ['id']),
          op(
            'crystallize',
            {
              id,
              fingerprint: id,
              successes: { type: 'integer', minimum: 0 },
              total: { type: 'integer', minimum: 0 },
            },
            ['id', 'fingerprint', 'successes', 'total'],
          ),
          op('td', { id, reward: finite, maxFutureQ: finite }, ['id', 'reward']),
          op('link', { a: id, b: id, weight: { ...finite, exclusiveMinimum: 0 } }, ['a', 'b']),
          op('strengthen', { a: id, b: id, delta: { ...finite, exclusiveMinimum: 0 } }, ['a', 'b']),
          op('weakenAll', { id, factor: { ...finite, minimum: 0, maximum: 1 } }, ['id']),
          op(
            'query',
            {
              label: { type: 'string', minLength: 1 },
              method: { enum: ['composite', 'topByDecay'] },
              model: { enum: ['memory', 'policy'] },
              partition: id,
              weights: armWeights,
              limit: { type: 'integer', minimum: 1, maximum: 10000 },
              boostFrom: { type: 'array', items: id },
              exclude: { type: 'array', items: id },
              relevance: { type: 'object', additionalProperties: { ...finite, minimum: 0 } },
            },
            ['label', 'limit'],
          ),
          op(
            'assemble',
            {
              label: { type: 'string', minLength: 1 },
              weights: armWeights,
              maxItems: { type: 'integer', minimum: 1, maximum: 10000 },
              cues: { type: 'boolean' },
              exclude: { type: 'array', items: id },
              partition: id,
              maxTokens: { type: 'integer', minimum: 0 },
              tokens: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
              relevance: { type: 'object', additionalProperties: { ...finite, minimum: 0 } },
            },
            ['label', 'weights'],
          ),
        ],
      },
    },
  },
} as const;
