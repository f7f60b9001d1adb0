/** An overall deadline around a piece of work. */
import { DeadlineError } from '../errors.js';

/**
 * `work`, failed with a DeadlineError once `seconds` have passed (null: no limit). The work is not waited
 * for: the caller's cleanup (closing the connection, removing keys) stops it.
 */
export function withDeadline<T>(work: Promise<T>, seconds: number | null, option: string): Promise<T> {
  if (seconds === null) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(seconds, option)), seconds * 1000);
  });
  work.catch(() => undefined); // once the deadline wins, the abandoned work's failure is expected
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
