/**
 * The agent's working sessions: the moments at which it tries procedures, consults facts and is shown its
 * routines. Events of those kinds fall on a session, so a scenario holds a few dozen distinct moments for
 * them rather than one per event. Pure.
 */
import { Stream } from './random.js';

export interface Sessions {
  /** Epoch seconds, ascending, all at least an hour before the query. */
  readonly times: readonly number[];
}

export function workSessions(seedId: number, historyStart: number, now: number): Sessions {
  const s = new Stream(`${seedId}:sessions`);
  const last = Math.max(historyStart, now - 3600);
  const count = s.integer(24, 40);
  const times = Array.from(
    { length: count },
    () => historyStart + Math.round(s.uniform() * (last - historyStart)),
  );
  return { times: [...new Set(times)].sort((a, b) => a - b) };
}

/** A session at or after `from`, drawn uniformly among them; `from` itself when no session is that late. */
export function sessionAfter(sessions: Sessions, from: number, s: Stream): number {
  const { times } = sessions;
  const first = times.findIndex((t) => t >= from);
  const draw = s.uniform();
  return first < 0 ? from : times[first + Math.floor(draw * (times.length - first))]!;
}
