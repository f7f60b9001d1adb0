import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import { MemoryEngine } from '../../src/engine/engine.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { parseScenarioScript } from '../../src/scenarios/load-script.js';
import { type ReplayResult, replayScript } from '../../src/scenarios/replay.js';
import type { FidelityCase } from '../fixtures/fidelity-cases.js';

/** Replays a case through the same path as the CLI: JSON text → loader → engine → close. */
export async function runCase(redis: RedisHandle, testCase: FidelityCase): Promise<ReplayResult> {
  const script = parseScenarioScript(JSON.stringify(testCase.script), testCase.script.name);
  const constants = withOverrides(defaultConstants(), testCase.overrides ?? {});
  const engine = await MemoryEngine.open(redis.client, constants);
  try {
    return await replayScript(engine, script);
  } finally {
    await engine.close();
  }
}
