/**
 * The scored scenarios of a seed bank, drawn lazily per role: a degenerate draw (one that cannot be scored)
 * is replaced by the role's next draw, so "the first n validation scenarios" always means n scored ones.
 * Pure and deterministic: the same bank gives the same scenarios in the same order.
 */
import { createScenario, type GeneratedScenario } from './factory.js';
import { bankSeed, checkBank, ROLE_SPAN, type SeedRole } from './seed-bank.js';

export interface ReplacedSeed {
  readonly seedId: number;
  readonly role: SeedRole;
  readonly reason: string;
}

export interface ScenarioSlice {
  readonly role: SeedRole;
  /** Scored scenarios [from, to) of the role, in draw order. */
  readonly from: number;
  readonly to: number;
}

export class ScenarioBank {
  private readonly scored = new Map<SeedRole, GeneratedScenario[]>();
  private readonly replaced = new Map<SeedRole, ReplacedSeed[]>();
  private readonly drawn = new Map<SeedRole, number>();
  /** Draws made ahead of need (see `draft`), by role and draw position, until a slice takes them. */
  private readonly drafts = new Map<string, GeneratedScenario>();

  constructor(readonly bank: number) {
    checkBank(bank);
  }

  /** Scored scenarios [from, to) of a role. */
  slice({ role, from, to }: ScenarioSlice): readonly GeneratedScenario[] {
    const scored = this.scored.get(role) ?? [];
    let index = this.drawn.get(role) ?? 0;
    while (scored.length < to) {
      if (index >= ROLE_SPAN) throw new Error(`bank ${this.bank} has no more ${role} seeds`);
      const drafted = this.drafts.get(`${role}:${index}`);
      this.drafts.delete(`${role}:${index}`);
      const scenario = drafted ?? createScenario(bankSeed(this.bank, role, index));
      index++;
      if (scenario.degenerate) {
        const replaced = this.replaced.get(role) ?? [];
        replaced.push({ seedId: scenario.seedId, role, reason: scenario.degenerate });
        this.replaced.set(role, replaced);
      } else scored.push(scenario);
    }
    this.scored.set(role, scored);
    this.drawn.set(role, index);
    return scored.slice(from, to);
  }

  /**
   * Draws the scenario at a role's draw position ahead of need, so a later slice finds it ready; what slices
   * return and which draws count as replaced do not change. False when there is nothing to draw there.
   */
  draft(role: SeedRole, index: number): boolean {
    const key = `${role}:${index}`;
    if (index >= ROLE_SPAN || index < (this.drawn.get(role) ?? 0) || this.drafts.has(key)) return false;
    this.drafts.set(key, createScenario(bankSeed(this.bank, role, index)));
    return true;
  }

  /** How many scenarios drawn ahead are waiting for a slice to take them. */
  get draftsHeld(): number {
    return this.drafts.size;
  }

  /** The degenerate draws replaced so far (before the last scored scenario asked for), by role and id. */
  degenerate(): readonly ReplacedSeed[] {
    return [...this.replaced.values()].flat().sort((a, b) => a.seedId - b.seedId);
  }

  /** How many scored scenarios of a role have been asked for. */
  used(role: SeedRole): number {
    return this.scored.get(role)?.length ?? 0;
  }
}
