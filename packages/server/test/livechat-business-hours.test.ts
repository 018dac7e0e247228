import { describe, expect, it } from 'vitest';
import { anyOpen, isOpen, nextChange, type Schedule } from '../src/core/livechat/business-hours.js';
import {
  SUN,
  MON,
  TUE,
  WED,
  THU,
  FRI,
  SAT,
  MINUTE,
  DAY,
  schedule,
  officeHours,
  open,
  next,
} from './support/business-hours.js';

// isOpen, nextChange and anyOpen (validation: livechat-business-hours-validation.test.ts).
describe('isOpen', () => {
  const paris = officeHours('Europe/Paris');

  it('opens inclusively and closes exclusively, in local time (Paris, winter UTC+1)', () => {
    // Monday 6 January 2025: 09:00–17:00 CET is 08:00–16:00 UTC.
    expect(open(paris, '2025-01-06T07:59:59.999Z')).toBe(false);
    expect(open(paris, '2025-01-06T08:00:00.000Z')).toBe(true);
    expect(open(paris, '2025-01-06T15:59:59.999Z')).toBe(true);
    expect(open(paris, '2025-01-06T16:00:00.000Z')).toBe(false);
  });

  it('follows summer time (Paris, UTC+2)', () => {
    expect(open(paris, '2025-07-07T06:59:59.999Z')).toBe(false);
    expect(open(paris, '2025-07-07T07:00:00.000Z')).toBe(true);
    expect(open(paris, '2025-07-07T14:59:59.999Z')).toBe(true);
    expect(open(paris, '2025-07-07T15:00:00.000Z')).toBe(false);
  });

  it('numbers days from Sunday = 0', () => {
    const sundayOnly = schedule('UTC', [[SUN, '10:00', '11:00']]);
    expect(open(sundayOnly, '2025-01-05T10:30:00Z')).toBe(true); // a Sunday
    expect(open(sundayOnly, '2025-01-06T10:30:00Z')).toBe(false);
    expect(open(paris, '2025-01-11T10:00:00Z')).toBe(false); // Saturday
    expect(open(paris, '2025-01-12T10:00:00Z')).toBe(false); // Sunday
  });

  it('handles a half-hour offset (Asia/Kolkata, UTC+05:30)', () => {
    const kolkata = schedule('Asia/Kolkata', [[MON, '09:00', '18:00']]);
    expect(open(kolkata, '2025-01-06T03:29:59.999Z')).toBe(false);
    expect(open(kolkata, '2025-01-06T03:30:00.000Z')).toBe(true);
    expect(open(kolkata, '2025-01-06T12:29:59.999Z')).toBe(true);
    expect(open(kolkata, '2025-01-06T12:30:00.000Z')).toBe(false);
  });

  it('uses the local weekday across the date line (Pacific/Auckland, UTC+13 in January)', () => {
    const auckland = officeHours('Pacific/Auckland');
    // Monday 09:00 in Auckland is still Sunday 20:00 in UTC.
    expect(open(auckland, '2025-01-05T19:59:59.999Z')).toBe(false);
    expect(open(auckland, '2025-01-05T20:00:00.000Z')).toBe(true);
    expect(open(auckland, '2025-01-06T03:59:59.999Z')).toBe(true);
    // Friday 17:00 local is Friday 04:00 UTC; Friday 20:00 UTC is already Saturday there.
    expect(open(auckland, '2025-01-10T04:00:00.000Z')).toBe(false);
    expect(open(auckland, '2025-01-10T20:00:00.000Z')).toBe(false);
  });

  describe('a slot crossing midnight', () => {
    const night = schedule('Europe/Paris', [[FRI, '22:00', '02:00']]);

    it('runs from the evening of its day into the next morning', () => {
      expect(open(night, '2025-01-10T20:59:59.999Z')).toBe(false); // Fri 21:59 CET
      expect(open(night, '2025-01-10T21:00:00.000Z')).toBe(true); // Fri 22:00
      expect(open(night, '2025-01-10T23:00:00.000Z')).toBe(true); // Sat 00:00
      expect(open(night, '2025-01-11T00:59:59.999Z')).toBe(true); // Sat 01:59
      expect(open(night, '2025-01-11T01:00:00.000Z')).toBe(false); // Sat 02:00
      expect(open(night, '2025-01-09T23:30:00.000Z')).toBe(false); // Fri 00:30: belongs to Thursday
    });

    it('wraps from Saturday into Sunday', () => {
      const weekend = schedule('Europe/Paris', [[SAT, '22:00', '02:00']]);
      expect(open(weekend, '2025-01-12T00:30:00Z')).toBe(true); // Sun 01:30
      expect(open(weekend, '2025-01-12T01:00:00Z')).toBe(false); // Sun 02:00
    });

    it('lasts a full day when close equals open', () => {
      const fullDay = schedule('Europe/Paris', [[WED, '09:00', '09:00']]);
      expect(open(fullDay, '2025-01-08T08:00:00Z')).toBe(true); // Wed 09:00
      expect(open(fullDay, '2025-01-09T07:59:59.999Z')).toBe(true); // Thu 08:59
      expect(open(fullDay, '2025-01-09T08:00:00Z')).toBe(false); // Thu 09:00
    });
  });

  it('treats 24:00 as the next midnight', () => {
    const evening = schedule('Europe/Paris', [[MON, '18:00', '24:00']]);
    expect(open(evening, '2025-01-06T22:59:59.999Z')).toBe(true); // Mon 23:59
    expect(open(evening, '2025-01-06T23:00:00.000Z')).toBe(false); // Tue 00:00
  });

  describe('holidays', () => {
    // Christmas 2025 is a Thursday; night slots cross into and out of it.
    const christmas = schedule(
      'Europe/Paris',
      [
        [WED, '20:00', '02:00'],
        [THU, '09:00', '17:00'],
        [THU, '20:00', '02:00'],
      ],
      ['2025-12-25'],
    );

    it('close the whole local day', () => {
      expect(open(christmas, '2025-12-24T23:00:00Z')).toBe(false); // Thu 00:00
      expect(open(christmas, '2025-12-25T09:00:00Z')).toBe(false); // Thu 10:00
      expect(open(christmas, '2025-12-25T20:00:00Z')).toBe(false); // Thu 21:00
      expect(open(christmas, '2026-01-01T09:00:00Z')).toBe(true); // the next Thursday 10:00
    });

    it('cut a slot crossing into the holiday at midnight', () => {
      expect(open(christmas, '2025-12-24T22:59:59.999Z')).toBe(true); // Wed 23:59
      expect(open(christmas, '2025-12-24T23:30:00Z')).toBe(false); // Thu 00:30
    });

    it('do not close the next day: a slot crossing out of the holiday opens at midnight', () => {
      expect(open(christmas, '2025-12-25T22:59:59.999Z')).toBe(false); // Thu 23:59
      expect(open(christmas, '2025-12-25T23:00:00Z')).toBe(true); // Fri 00:00
      expect(open(christmas, '2025-12-26T00:59:59.999Z')).toBe(true); // Fri 01:59
    });

    it('are local dates (Auckland is already on the 25th while UTC is on the 24th)', () => {
      const auckland = schedule('Pacific/Auckland', [[THU, '09:00', '17:00']], ['2025-12-25']);
      expect(open(auckland, '2025-12-24T20:00:00Z')).toBe(false); // Thu 25th 09:00 NZDT
      expect(open(auckland, '2026-01-07T20:00:00Z')).toBe(true); // Thu 8 January 09:00
    });
  });

  describe('Europe/Paris on the March switch (Sunday 30 March 2025, 02:00 CET → 03:00 CEST)', () => {
    it('makes an all-day Sunday 23 hours long', () => {
      const sunday = schedule('Europe/Paris', [[SUN, '00:00', '24:00']]);
      expect(open(sunday, '2025-03-29T22:59:59.999Z')).toBe(false);
      expect(open(sunday, '2025-03-29T23:00:00Z')).toBe(true);
      expect(open(sunday, '2025-03-30T21:59:59.999Z')).toBe(true);
      expect(open(sunday, '2025-03-30T22:00:00Z')).toBe(false);
    });

    it('makes 01:00–04:00 two real hours', () => {
      const early = schedule('Europe/Paris', [[SUN, '01:00', '04:00']]);
      expect(open(early, '2025-03-29T23:59:59.999Z')).toBe(false);
      expect(open(early, '2025-03-30T00:00:00Z')).toBe(true);
      expect(open(early, '2025-03-30T01:59:59.999Z')).toBe(true); // 03:59 CEST
      expect(open(early, '2025-03-30T02:00:00Z')).toBe(false);
    });

    it('opens a slot starting in the skipped hour at the switch, and never opens one inside it', () => {
      const skipped = schedule('Europe/Paris', [[SUN, '02:30', '05:00']]);
      expect(open(skipped, '2025-03-30T00:59:59.999Z')).toBe(false); // 01:59:59 CET
      expect(open(skipped, '2025-03-30T01:00:00Z')).toBe(true); // 03:00 CEST
      const inside = schedule('Europe/Paris', [[SUN, '02:00', '03:00']]);
      expect(open(inside, '2025-03-30T00:59:59.999Z')).toBe(false);
      expect(open(inside, '2025-03-30T01:00:00Z')).toBe(false);
    });
  });

  describe('Europe/Paris on the October switch (Sunday 26 October 2025, 03:00 CEST → 02:00 CET)', () => {
    it('makes an all-day Sunday 25 hours long', () => {
      const sunday = schedule('Europe/Paris', [[SUN, '00:00', '24:00']]);
      expect(open(sunday, '2025-10-25T21:59:59.999Z')).toBe(false);
      expect(open(sunday, '2025-10-25T22:00:00Z')).toBe(true);
      expect(open(sunday, '2025-10-26T22:59:59.999Z')).toBe(true);
      expect(open(sunday, '2025-10-26T23:00:00Z')).toBe(false);
    });

    it('closes at the first 02:30 and does not reopen when the clock shows 02:00–02:30 again', () => {
      const early = schedule('Europe/Paris', [[SUN, '01:00', '02:30']]);
      expect(open(early, '2025-10-25T23:00:00Z')).toBe(true); // 01:00 CEST
      expect(open(early, '2025-10-26T00:29:59.999Z')).toBe(true); // first 02:29
      expect(open(early, '2025-10-26T00:30:00Z')).toBe(false); // first 02:30
      expect(open(early, '2025-10-26T01:15:00Z')).toBe(false); // second 02:15 (CET)
    });

    it('opens at the first 02:30, so 02:30–04:00 lasts two and a half real hours', () => {
      const late = schedule('Europe/Paris', [[SUN, '02:30', '04:00']]);
      expect(open(late, '2025-10-26T00:29:59.999Z')).toBe(false);
      expect(open(late, '2025-10-26T00:30:00Z')).toBe(true); // first 02:30
      expect(open(late, '2025-10-26T01:15:00Z')).toBe(true); // second 02:15
      expect(open(late, '2025-10-26T02:59:59.999Z')).toBe(true); // 03:59 CET
      expect(open(late, '2025-10-26T03:00:00Z')).toBe(false);
    });
  });

  it('follows America/New_York on both switch days', () => {
    // Sunday 9 March 2025: 02:00 EST → 03:00 EDT at 07:00 UTC.
    const spring = schedule('America/New_York', [[SUN, '01:30', '02:30']]);
    expect(open(spring, '2025-03-09T06:29:59.999Z')).toBe(false);
    expect(open(spring, '2025-03-09T06:30:00Z')).toBe(true); // 01:30 EST
    expect(open(spring, '2025-03-09T06:59:59.999Z')).toBe(true);
    expect(open(spring, '2025-03-09T07:00:00Z')).toBe(false); // 03:00 EDT: 02:30 was skipped
    // Sunday 2 November 2025: 02:00 EDT → 01:00 EST at 06:00 UTC.
    const autumn = schedule('America/New_York', [[SUN, '01:00', '02:00']]);
    expect(open(autumn, '2025-11-02T04:59:59.999Z')).toBe(false);
    expect(open(autumn, '2025-11-02T05:00:00Z')).toBe(true); // first 01:00 (EDT)
    expect(open(autumn, '2025-11-02T06:30:00Z')).toBe(true); // second 01:30 (EST)
    expect(open(autumn, '2025-11-02T07:00:00Z')).toBe(false); // 02:00 EST
  });

  it('follows Pacific/Auckland on its April switch (Sunday 6 April 2025, 03:00 NZDT → 02:00 NZST)', () => {
    const sunday = schedule('Pacific/Auckland', [[SUN, '00:00', '24:00']]);
    expect(open(sunday, '2025-04-05T10:59:59.999Z')).toBe(false);
    expect(open(sunday, '2025-04-05T11:00:00Z')).toBe(true); // 00:00 NZDT
    expect(open(sunday, '2025-04-06T11:59:59.999Z')).toBe(true);
    expect(open(sunday, '2025-04-06T12:00:00Z')).toBe(false); // 24:00 NZST, 25 hours later
  });
});

describe('nextChange', () => {
  const paris = officeHours('Europe/Paris');

  it('gives the closing time while open and the opening time while closed', () => {
    expect(next(paris, '2025-01-06T10:00:00Z')).toEqual({ open: false, at: '2025-01-06T16:00:00.000Z' });
    expect(next(paris, '2025-01-06T16:00:00Z')).toEqual({ open: true, at: '2025-01-07T08:00:00.000Z' });
    expect(next(paris, '2025-01-06T07:00:00Z')).toEqual({ open: true, at: '2025-01-06T08:00:00.000Z' });
  });

  it('at the opening instant is already open, and gives the closing', () => {
    expect(next(paris, '2025-01-06T08:00:00Z')).toEqual({ open: false, at: '2025-01-06T16:00:00.000Z' });
  });

  it('skips the weekend and a holiday', () => {
    expect(next(paris, '2025-01-10T16:00:00Z')).toEqual({ open: true, at: '2025-01-13T08:00:00.000Z' });
    const withHoliday = officeHours('Europe/Paris', ['2025-12-29']);
    expect(next(withHoliday, '2025-12-26T16:00:00Z')).toEqual({ open: true, at: '2025-12-30T08:00:00.000Z' });
  });

  it('crosses a DST switch over a weekend (New York, 7 → 10 March 2025)', () => {
    const ny = officeHours('America/New_York');
    expect(next(ny, '2025-03-07T21:00:00Z')).toEqual({ open: false, at: '2025-03-07T22:00:00.000Z' }); // 17:00 EST
    expect(next(ny, '2025-03-07T22:00:00Z')).toEqual({ open: true, at: '2025-03-10T13:00:00.000Z' }); // 09:00 EDT
    expect(next(ny, '2025-10-31T21:00:00Z')).toEqual({ open: true, at: '2025-11-03T14:00:00.000Z' }); // 09:00 EST
  });

  it('lands on the switch for a slot starting in the skipped hour (Paris, March)', () => {
    const skipped = schedule('Europe/Paris', [[SUN, '02:30', '05:00']]);
    expect(next(skipped, '2025-03-29T12:00:00Z')).toEqual({ open: true, at: '2025-03-30T01:00:00.000Z' });
    expect(next(skipped, '2025-03-30T01:00:00Z')).toEqual({ open: false, at: '2025-03-30T03:00:00.000Z' });
    // A slot inside the skipped hour is skipped that week and opens the next Sunday.
    const inside = schedule('Europe/Paris', [[SUN, '02:00', '03:00']]);
    expect(next(inside, '2025-03-29T12:00:00Z')).toEqual({ open: true, at: '2025-04-06T00:00:00.000Z' });
  });

  it('does not report the repeated hour as a reopening (Paris, October)', () => {
    const early = schedule('Europe/Paris', [[SUN, '01:00', '02:30']]);
    expect(next(early, '2025-10-25T23:30:00Z')).toEqual({ open: false, at: '2025-10-26T00:30:00.000Z' });
    expect(next(early, '2025-10-26T00:30:00Z')).toEqual({ open: true, at: '2025-11-02T00:00:00.000Z' });
  });

  it('finds the closing of a slot that started the day before', () => {
    const night = schedule('Europe/Paris', [[FRI, '22:00', '02:00']]);
    expect(next(night, '2025-01-10T23:30:00Z')).toEqual({ open: false, at: '2025-01-11T01:00:00.000Z' });
    expect(next(night, '2025-01-11T01:00:00Z')).toEqual({ open: true, at: '2025-01-17T21:00:00.000Z' });
  });

  it('treats touching slots as one opening, through midnight and 24:00', () => {
    const night = schedule('Europe/Paris', [
      [MON, '18:00', '24:00'],
      [TUE, '00:00', '06:00'],
    ]);
    expect(next(night, '2025-01-06T20:00:00Z')).toEqual({ open: false, at: '2025-01-07T05:00:00.000Z' });
    const split = schedule('UTC', [
      [MON, '09:00', '12:00'],
      [MON, '12:00', '17:00'],
    ]);
    expect(next(split, '2025-01-06T10:00:00Z')).toEqual({ open: false, at: '2025-01-06T17:00:00.000Z' });
  });

  it('cuts a crossing slot at a holiday and reopens after it', () => {
    const christmas = schedule(
      'Europe/Paris',
      [
        [WED, '20:00', '02:00'],
        [THU, '20:00', '02:00'],
      ],
      ['2025-12-25'],
    );
    expect(next(christmas, '2025-12-24T19:30:00Z')).toEqual({ open: false, at: '2025-12-24T23:00:00.000Z' });
    expect(next(christmas, '2025-12-24T23:00:00Z')).toEqual({ open: true, at: '2025-12-25T23:00:00.000Z' });
  });

  it('closes an always-open schedule at a holiday', () => {
    const always = schedule(
      'Asia/Kolkata',
      [0, 1, 2, 3, 4, 5, 6].map((day): [number, string, string] => [day, '00:00', '24:00']),
      ['2025-01-13'],
    );
    // Midnight on the 13th in Kolkata is 18:30 UTC on the 12th.
    expect(next(always, '2025-01-06T00:00:00Z')).toEqual({ open: false, at: '2025-01-12T18:30:00.000Z' });
    expect(next(always, '2025-01-12T18:30:00Z')).toEqual({ open: true, at: '2025-01-13T18:30:00.000Z' });
  });

  it('is null when nothing changes within 14 days', () => {
    expect(next(schedule('Europe/Paris', []), '2025-01-06T10:00:00Z')).toBeNull();
    const always = schedule(
      'Pacific/Auckland',
      [0, 1, 2, 3, 4, 5, 6].map((day): [number, string, string] => [day, '00:00', '24:00']),
    );
    expect(isOpen(always, new Date('2025-04-06T01:00:00Z'))).toBe(true);
    expect(next(always, '2025-04-01T00:00:00Z')).toBeNull();
  });

  it('counts a change exactly 14 days away and not one a millisecond later', () => {
    // Mondays only, the next two closed by holidays: the next opening is on 20 January.
    const mondays = schedule('Europe/Paris', [[MON, '09:00', '17:00']], ['2025-01-06', '2025-01-13']);
    expect(next(mondays, '2025-01-06T08:00:00Z')).toEqual({ open: true, at: '2025-01-20T08:00:00.000Z' });
    expect(next(mondays, '2025-01-06T07:59:59.999Z')).toBeNull();
    const threeHolidays = schedule(
      'Europe/Paris',
      [[MON, '09:00', '17:00']],
      ['2025-01-13', '2025-01-20', '2025-01-27'],
    );
    expect(next(threeHolidays, '2025-01-06T16:00:00Z')).toBeNull();
  });

  describe('agrees with isOpen at every change, for two weeks around each DST switch', () => {
    const cases: [string, Schedule, string][] = [
      ['Paris, March', mixed('Europe/Paris'), '2025-03-24T00:00:00Z'],
      ['Paris, October', mixed('Europe/Paris'), '2025-10-20T00:00:00Z'],
      ['New York, March', mixed('America/New_York'), '2025-03-03T00:00:00Z'],
      ['New York, November', mixed('America/New_York'), '2025-10-27T00:00:00Z'],
      ['Kolkata', mixed('Asia/Kolkata'), '2025-01-01T00:00:00Z'],
      ['Auckland, April', mixed('Pacific/Auckland'), '2025-03-31T00:00:00Z'],
      ['Auckland, September', mixed('Pacific/Auckland'), '2025-09-22T00:00:00Z'],
    ];

    it.each(cases)('%s', (_label, s, startIso) => {
      const end = Date.parse(startIso) + 14 * DAY;
      let t = Date.parse(startIso);
      let changes = 0;
      while (t < end) {
        const change = nextChange(s, new Date(t));
        expect(change).not.toBeNull();
        const at = change!.at.getTime();
        expect(at).toBeGreaterThan(t);
        expect(change!.open).toBe(!isOpen(s, new Date(t)));
        expect(isOpen(s, new Date(at))).toBe(change!.open);
        expect(isOpen(s, new Date(at - 1))).toBe(!change!.open);
        // Nothing changes in between: sample every ten minutes.
        for (let probe = t; probe < at; probe += 10 * MINUTE) {
          expect(isOpen(s, new Date(probe))).toBe(!change!.open);
        }
        t = at;
        changes++;
      }
      expect(changes).toBeGreaterThan(10);
    });

    /** Office hours, a night slot crossing midnight, a slot over the switch hour, and a holiday. */
    function mixed(timeZone: string): Schedule {
      return schedule(
        timeZone,
        [
          [MON, '09:00', '12:00'],
          [MON, '13:00', '17:00'],
          [TUE, '09:00', '17:00'],
          [WED, '09:00', '17:00'],
          [THU, '09:00', '17:00'],
          [FRI, '09:00', '17:00'],
          [FRI, '22:00', '02:00'],
          [SAT, '10:00', '14:00'],
          [SUN, '01:30', '03:30'],
          [SUN, '20:00', '24:00'],
        ],
        ['2025-03-26', '2025-10-22', '2025-03-05', '2025-10-29', '2025-01-08', '2025-04-02', '2025-09-24'],
      );
    }
  });
});

describe('anyOpen', () => {
  // A department attached to a Paris team and an Auckland team: Auckland covers the Paris night.
  const paris = officeHours('Europe/Paris');
  const auckland = officeHours('Pacific/Auckland');

  it('is open when at least one attached schedule is', () => {
    expect(anyOpen([paris, auckland], new Date('2025-01-06T10:00:00Z'))).toBe(true); // Paris Mon 11:00
    expect(anyOpen([paris, auckland], new Date('2025-01-06T21:00:00Z'))).toBe(true); // Auckland Tue 10:00
    expect(anyOpen([paris], new Date('2025-01-06T21:00:00Z'))).toBe(false);
  });

  it('is closed when all are closed', () => {
    // Saturday noon in Paris is Sunday 00:00 in Auckland.
    expect(anyOpen([paris, auckland], new Date('2025-01-11T11:00:00Z'))).toBe(false);
  });

  it('is never open for an empty list', () => {
    expect(anyOpen([], new Date('2025-01-06T10:00:00Z'))).toBe(false);
  });
});
