import { InvalidArgumentError } from 'commander';

/**
 * Option value parsers. They throw commander's InvalidArgumentError, which
 * commander reports naming the option, and main.ts turns into exit code 2.
 */

/** An ISO 8601 time (`2024-05-01`, `2024-05-01T10:00:00Z`...), normalised to UTC as the server expects. */
export function isoTime(value: string): string {
  // Date.parse accepts odd forms ("1"), so insist on an ISO-looking date first.
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new InvalidArgumentError('Expected an ISO 8601 time, e.g. 2024-05-01T10:00:00Z.');
  return new Date(time).toISOString();
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('Expected a whole number ≥ 0.');
  }
  return n;
}

export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n === 0) throw new InvalidArgumentError('Expected a whole number ≥ 1.');
  return n;
}

/** For repeatable options (`--scope chat --scope admin`): collects the values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A repeatable option limited to `choices`: validates each value, then collects them. */
export function collectChoices(choices: readonly string[]) {
  return (value: string, previous: string[] | undefined): string[] => {
    if (!choices.includes(value))
      throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return collect(value, previous);
  };
}
