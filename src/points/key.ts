/**
 * Points are content-addressed: a point is a pure function of the engine (its scripts and scoring code),
 * the scenario (its full script, which fixes the bank and the seed) and the constants the engine reads.
 * Two runs that need the same point share it, whether they are resumed, sharded or repeated. Pure.
 */
import { createHash } from 'node:crypto';
import { SCRIPT_SOURCES } from '../engine/engine.js';
import { engineKey, type StageSettings } from '../engine/stages.js';
import type { Scenario } from '../scenarios/scenario.js';
import { memoByObject } from '../util/memo.js';

/** Bumped when what a point holds, or how metrics are computed from rankings, changes. */
const POINT_FORMAT = 'points/1 ndcg-linear-gain';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The engine version points are keyed by: its Lua sources and the point format. */
export const ENGINE_VERSION = sha256([POINT_FORMAT, ...SCRIPT_SOURCES].join('\u0000')).slice(0, 16);

/** A scenario's identity: its name and its whole script (which fix the bank and the seed); once per scenario. */
export const scenarioDigest: (scenario: Scenario) => string = memoByObject((scenario: Scenario) =>
  sha256(JSON.stringify({ name: scenario.name, script: scenario.script })).slice(0, 24),
);

/** The key of one point: engine version, scenario and the constants the engine reads. */
export function pointKey(scenario: Scenario, settings: StageSettings): string {
  return pointKeyOf(scenario, engineKey(settings));
}

/** `pointKey` with the settings' engine key already made (one per request, not one per scenario). */
export function pointKeyOf(scenario: Scenario, settingsEngineKey: string): string {
  return `${ENGINE_VERSION}:${scenarioDigest(scenario)}:${settingsEngineKey}`;
}
