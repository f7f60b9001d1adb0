/**
 * The constants the engine reads, split by the stage that reads them: the record state (saves, touches,
 * outcomes), the co-occurrence graph (link, strengthen, weakenAll) and the query (decay scoring,
 * propagation, and the ContextAssembler, whose competitive suppression writes confidence at query time). The two states live in disjoint keys, so a scenario needs one record state per distinct
 * record-stage setting and one graph per distinct graph-stage setting, whatever the query-time constants.
 * Derived from the same reads the engine makes, so no constant can be put in the wrong stage. Pure.
 */
import { type Constants, numberConstant } from '../constants/values.js';

export interface RecordSettings {
  readonly wfMin: number;
  readonly wfPriority: number;
  readonly c0: number;
  readonly cap: number;
  readonly eps: number;
  readonly actedSignal: number;
  readonly contradictedSignal: number;
  readonly actedFactor: number;
  readonly dismissedFactor: number;
  readonly contradictedFactor: number;
  readonly discharge: number;
  readonly plThreshold: number;
  readonly plLowSignal: number;
  readonly plActed: number;
  readonly plDismissed: number;
  readonly plContradicted: number;
  readonly plUsed: number;
  readonly minEvents: number;
  readonly wilson: number;
  readonly tdAlpha: number;
  readonly tdGamma: number;
  readonly cycleAmplitude: number;
}

export interface GraphSettings {
  readonly initialWeight: number;
  readonly weightCap: number;
  readonly delta: number;
  readonly decayFactor: number;
}

export interface QuerySettings {
  readonly rate: number;
  readonly modulation: boolean;
  readonly strength: number;
  readonly c0: number;
  readonly decayPerHop: number;
  readonly weightCap: number;
  /** ContextAssembler: the push path's min_score, and the suppression signal with the cap its update reads. */
  readonly surfacingThreshold: number;
  readonly suppressionSignal: number;
  readonly confidenceCap: number;
}

export interface StageSettings {
  readonly records: RecordSettings;
  readonly graph: GraphSettings;
  readonly query: QuerySettings;
}

export function stageSettings(constants: Constants): StageSettings {
  const n = (name: string) => numberConstant(constants, name);
  const strength = n('DECAY_CONFIDENCE_MODULATION_STRENGTH');
  return {
    records: {
      wfMin: n('WF_MIN_THRESHOLD'),
      wfPriority: n('WF_PRIORITY_THRESHOLD'),
      c0: n('INITIAL_CONFIDENCE'),
      cap: n('CONFIDENCE_EVIDENCE_CAP'),
      eps: n('CONFIDENCE_EPSILON'),
      actedSignal: n('ACTED_CONFIDENCE_SIGNAL'),
      contradictedSignal: n('CONTRADICTED_CONFIDENCE_SIGNAL'),
      actedFactor: n('ACTED_CYCLE_STRENGTHEN_FACTOR'),
      dismissedFactor: n('DISMISSED_CYCLE_WEAKEN_FACTOR'),
      contradictedFactor: n('CONTRADICTED_CYCLE_WEAKEN_FACTOR'),
      discharge: n('AUTO_DISCHARGE_CONFIDENCE_THRESHOLD'),
      plThreshold: n('PL_CONFIDENCE_ERROR_THRESHOLD'),
      plLowSignal: n('PL_CONFIDENCE_LOW_SIGNAL'),
      plActed: n('PL_AUTO_RESOLVE_ACTED'),
      plDismissed: n('PL_AUTO_RESOLVE_DISMISSED'),
      plContradicted: n('PL_AUTO_RESOLVE_CONTRADICTED'),
      plUsed: n('PL_AUTO_RESOLVE_USED'),
      minEvents: n('MIN_EVENTS_FOR_CRYSTALLIZATION'),
      wilson: n('WILSON_CI_THRESHOLD'),
      tdAlpha: n('TD_ALPHA'),
      tdGamma: n('TD_GAMMA'),
      cycleAmplitude: n('INITIAL_CYCLE_AMPLITUDE'),
    },
    graph: {
      initialWeight: n('CO_OCCURRENCE_INITIAL_WEIGHT'),
      weightCap: n('CO_OCCURRENCE_WEIGHT_CAP'),
      delta: n('delta'),
      decayFactor: n('CO_OCCURRENCE_DECAY_FACTOR'),
    },
    query: {
      rate: n('DECAY_RATE'),
      // Modulation with strength 0 is the identity; the engine switches it off rather than computing it.
      modulation: constants.DECAY_CONFIDENCE_MODULATION_ENABLED === true && strength !== 0,
      strength,
      c0: n('INITIAL_CONFIDENCE'),
      decayPerHop: n('CO_OCCURRENCE_DECAY_PER_HOP'),
      weightCap: n('CO_OCCURRENCE_WEIGHT_CAP'),
      surfacingThreshold: n('DEFAULT_SURFACING_THRESHOLD'),
      suppressionSignal: n('COMPETITIVE_SUPPRESSION_SIGNAL'),
      confidenceCap: n('CONFIDENCE_EVIDENCE_CAP'),
    },
  };
}

/** The record-stage constants only PolicyEntry operations read (crystallisation and TD updates). */
const POLICY_FIELDS = ['minEvents', 'wilson', 'tdAlpha', 'tdGamma'] as const;

/** The record settings split into what memory operations read and what policy operations read. */
export function splitRecordSettings(records: RecordSettings): { memory: string; policy: string } {
  const entries = Object.entries(records);
  const isPolicy = ([name]: [string, unknown]) => (POLICY_FIELDS as readonly string[]).includes(name);
  return {
    memory: entries
      .filter((e) => !isPolicy(e))
      .map(([, v]) => String(v))
      .join(','),
    policy: entries
      .filter(isPolicy)
      .map(([, v]) => String(v))
      .join(','),
  };
}

/** A stage's settings as a stable text key (values in declaration order, shortest round-trip form). */
export const settingsKey = (settings: RecordSettings | GraphSettings | QuerySettings): string =>
  Object.values(settings).map(String).join(',');

/** Everything the engine reads of `constants`: two constants objects with the same key score the same. */
export function engineKey(settings: StageSettings): string {
  return `${settingsKey(settings.records)}/${settingsKey(settings.graph)}/${settingsKey(settings.query)}`;
}
