import { describe, expect, it } from 'vitest';
import { workWhileIdle } from '../../src/jobs/idle-work.js';
import { ScenarioBank } from '../../src/scenarios/factory/scenario-bank.js';
import { DeferredWork } from '../../src/util/deferred.js';

const ticks = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workWhileIdle', () => {
  it('computes deferred values first, then draws the planned positions, while the event loop is free', async () => {
    const bank = new ScenarioBank(0);
    const deferred = new DeferredWork();
    let computed = 0;
    const value = deferred.lazy(() => ++computed);
    const idle = workWhileIdle(bank, [{ role: 'confirmation', count: 3 }], deferred);
    await ticks(200);
    expect(computed).toBe(1);
    // Drawn ahead: a position already drafted is not drafted again.
    for (const index of [0, 1, 2]) expect(bank.draft('confirmation', index)).toBe(false);
    expect(bank.draft('confirmation', 3)).toBe(true);
    // Deferred work added later is picked up too.
    const later = deferred.lazy(() => 'late');
    await ticks(50);
    expect(deferred.settleOne()).toBe(false);
    expect([value(), later()]).toEqual([1, 'late']);
    idle.stop();
  });

  it('holds at most maxHeld scenarios drawn ahead, and draws on once a slice takes some', async () => {
    const bank = new ScenarioBank(0);
    const idle = workWhileIdle(bank, [{ role: 'confirmation', count: 6 }], new DeferredWork(), 2);
    await ticks(100);
    expect(bank.draftsHeld).toBe(2);
    expect(bank.draft('confirmation', 2)).toBe(true);
    bank.slice({ role: 'confirmation', from: 0, to: 3 });
    expect(bank.draftsHeld).toBe(0);
    await ticks(100);
    // Positions 0–2 were taken; the next two are drawn ahead.
    expect(bank.draftsHeld).toBe(2);
    expect([3, 4, 5].map((index) => bank.draft('confirmation', index))).toEqual([false, false, true]);
    idle.stop();
  });

  it('does nothing after stop, and stops (without throwing) when a piece fails', async () => {
    const bank = new ScenarioBank(0);
    const deferred = new DeferredWork();
    let calls = 0;
    const failing = deferred.lazy(() => {
      calls++;
      throw new Error('boom');
    });
    const idle = workWhileIdle(bank, [{ role: 'confirmation', count: 2 }], deferred);
    await ticks(50);
    expect(calls).toBe(1);
    // It stopped at the failure: nothing was drawn; the run meets the failure again when it reads the value.
    expect(bank.draft('confirmation', 0)).toBe(true);
    expect(() => failing()).toThrow('boom');
    idle.stop();
    const stopped = new DeferredWork();
    let ran = false;
    stopped.lazy(() => {
      ran = true;
    });
    workWhileIdle(bank, [], stopped).stop();
    await ticks(20);
    expect(ran).toBe(false);
  });
});
