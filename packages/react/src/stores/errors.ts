import { ParleyError } from '@parley/sdk';

/** Hooks expose `ParleyError` only: anything else a call threw is wrapped, its cause kept. */
export function toParleyError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ParleyError('network_error', message, { cause: err });
}
