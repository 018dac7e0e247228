import { ParleyError } from './errors.js';

/** Failures after which the request may or may not have been applied: only idempotent requests retry them. */
const UNCERTAIN = new Set(['network_error', 'timeout', 'service_unavailable']);

const DELAYS_MS = [500, 1500];

/**
 * Runs an idempotent request (a send with a `clientMessageId`, a thread creation
 * with an `idempotencyKey`) up to three times when the answer was lost or the
 * server was briefly unavailable; the server turns a repeat into the original
 * result. Any other error is the caller's to see at once.
 */
export async function retryIdempotent<T>(
  run: () => Promise<T>,
  delaysMs: readonly number[] = DELAYS_MS,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const delay = delaysMs[attempt];
      if (delay === undefined || !(err instanceof ParleyError) || !UNCERTAIN.has(err.code)) throw err;
      const wait = err.retryAfter !== undefined ? Math.max(delay, err.retryAfter * 1000) : delay;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
