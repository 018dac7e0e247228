// Several schedules taken together: which apply, whether open, and when that changes.
import { describe, expect, it } from 'vitest';
import { governingSchedules, hoursOpen, nextChangeOfAny } from '../src/core/livechat/availability.js';
import type { Schedule } from '../src/core/livechat/business-hours.js';

const utc = (...weekly: [number, string, string][]): Schedule => ({
  timeZone: 'UTC',
  weekly: weekly.map(([day, open, close]) => ({ day, open, close })),
  holidays: [],
});
const monday = (time: string) => new Date(`2026-11-23T${time}:00.000Z`);

describe('availability over several schedules', () => {
  const day = utc([1, '09:00', '17:00']);
  const evening = utc([1, '17:30', '20:00']);
  const overlapping = utc([1, '16:00', '18:00']);

  it("takes the department's attached schedules, else the organization's", () => {
    expect(governingSchedules([day], [day, evening])).toEqual([day]);
    expect(governingSchedules([], [day, evening])).toEqual([day, evening]);
    expect(governingSchedules([], [])).toEqual([]);
  });

  it('is open when any schedule is, and always with none', () => {
    expect(hoursOpen([], monday('03:00'))).toBe(true);
    expect(hoursOpen([day, evening], monday('18:00'))).toBe(true);
    expect(hoursOpen([day, evening], monday('17:10'))).toBe(false);
  });

  it('finds the next change of the union, skipping changes that do not flip it', () => {
    expect(nextChangeOfAny([], monday('10:00'))).toBeNull();
    expect(nextChangeOfAny([day, evening], monday('10:00'))).toEqual({ open: false, at: monday('17:00') });
    expect(nextChangeOfAny([day, evening], monday('17:10'))).toEqual({ open: true, at: monday('17:30') });
    // Day closes at 17:00 while Overlapping is open: the union stays open until 18:00.
    expect(nextChangeOfAny([day, overlapping], monday('10:00'))).toEqual({
      open: false,
      at: monday('18:00'),
    });
    expect(nextChangeOfAny([day, evening], monday('21:00'))).toEqual({
      open: true,
      at: new Date('2026-11-30T09:00:00.000Z'),
    });
    // Open around the clock: no change within the horizon.
    expect(
      nextChangeOfAny(
        [utc(...[0, 1, 2, 3, 4, 5, 6].map((d): [number, string, string] => [d, '00:00', '24:00']))],
        monday('10:00'),
      ),
    ).toBeNull();
  });
});
