import { expect } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import {
  isOpen,
  nextChange,
  validateSchedule,
  type Schedule,
} from '../../src/core/livechat/business-hours.js';

// Shared by the business-hours test files: day numbers, schedule builders and short readers.

export const SUN = 0;
export const MON = 1;
export const TUE = 2;
export const WED = 3;
export const THU = 4;
export const FRI = 5;
export const SAT = 6;
export const WEEKDAYS = [MON, TUE, WED, THU, FRI];
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A schedule from `[day, open, close]` triples and holiday dates. */
export function schedule(
  timeZone: string,
  slots: [number, string, string][],
  holidays: string[] = [],
): Schedule {
  return {
    timeZone,
    weekly: slots.map(([day, open, close]) => ({ day, open, close })),
    holidays: holidays.map((date) => ({ date })),
  };
}

export function officeHours(timeZone: string, holidays: string[] = []): Schedule {
  return schedule(
    timeZone,
    WEEKDAYS.map((day) => [day, '09:00', '17:00']),
    holidays,
  );
}

export const open = (s: Schedule, iso: string) => isOpen(s, new Date(iso));
export const next = (s: Schedule, iso: string) => {
  const change = nextChange(s, new Date(iso));
  return change && { open: change.open, at: change.at.toISOString() };
};

export function expectInvalid(value: unknown, field: string): void {
  try {
    validateSchedule(value);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_request');
    expect((err as AppError).details.field).toBe(field);
    return;
  }
  throw new Error(`expected ${field} to be rejected`);
}
