import { describe, expect, it } from 'vitest';
import { AppError } from '../src/core/errors.js';
import {
  anyOpen,
  isOpen,
  nextChange,
  validateSchedule,
  type Schedule,
} from '../src/core/livechat/business-hours.js';
import {
  SUN,
  MON,
  TUE,
  WED,
  THU,
  FRI,
  SAT,
  schedule,
  officeHours,
  expectInvalid,
} from './support/business-hours.js';

// validateSchedule: every kind of bad input names its field (the rest: livechat-business-hours.test.ts).
describe('validateSchedule', () => {
  it('accepts ordinary, touching, crossing, 24:00, full-day and empty schedules', () => {
    const good: Schedule[] = [
      officeHours('Europe/Paris', ['2025-12-25', '2024-02-29']),
      schedule('UTC', [
        [MON, '09:00', '12:00'],
        [MON, '12:00', '17:00'],
      ]),
      schedule('Asia/Kolkata', [
        [FRI, '22:00', '02:00'],
        [SAT, '02:00', '06:00'],
      ]),
      schedule('Pacific/Auckland', [
        [SAT, '22:00', '02:00'],
        [SUN, '02:00', '24:00'],
      ]),
      schedule('America/New_York', [[WED, '09:00', '09:00']]),
      schedule('Europe/Paris', [], []),
      { timeZone: 'Europe/Paris', weekly: [], holidays: [{ date: '2025-05-01', name: 'Fête du Travail' }] },
    ];
    for (const s of good) expect(() => validateSchedule(s)).not.toThrow();
  });

  it('rejects a time zone Intl does not know', () => {
    expectInvalid(schedule('Europe/Atlantis', []), 'timeZone');
    expectInvalid(schedule('', []), 'timeZone');
    expectInvalid({ weekly: [], holidays: [] }, 'timeZone');
    expectInvalid({ timeZone: 1, weekly: [], holidays: [] }, 'timeZone');
  });

  it('rejects things that are not schedules', () => {
    expectInvalid(null, 'schedule');
    expectInvalid([], 'schedule');
    expectInvalid({ timeZone: 'UTC', weekly: {}, holidays: [] }, 'weekly');
    expectInvalid({ timeZone: 'UTC', weekly: [], holidays: null }, 'holidays');
    expectInvalid({ timeZone: 'UTC', weekly: [null], holidays: [] }, 'weekly[0]');
    expectInvalid({ timeZone: 'UTC', weekly: [], holidays: ['2025-12-25'] }, 'holidays[0]');
  });

  it.each([7, -1, 1.5, '1', null])('rejects day %j', (day) => {
    expectInvalid(
      { timeZone: 'UTC', weekly: [{ day, open: '09:00', close: '17:00' }], holidays: [] },
      'weekly[0].day',
    );
  });

  it.each(['9:00', '09:0', '24:00', '12:60', '25:00', '09:00:00', ' 09:00', '09h00', '', 900, null])(
    'rejects open %j',
    (value) => {
      expectInvalid(
        { timeZone: 'UTC', weekly: [{ day: MON, open: value, close: '17:00' }], holidays: [] },
        'weekly[0].open',
      );
    },
  );

  it.each(['24:01', '24:30', '23:60', '7:00', '', undefined])('rejects close %j', (value) => {
    expectInvalid(
      { timeZone: 'UTC', weekly: [{ day: MON, open: '09:00', close: value }], holidays: [] },
      'weekly[0].close',
    );
  });

  it.each<[string, [number, string, string][]]>([
    [
      'a duplicate slot',
      [
        [MON, '09:00', '17:00'],
        [MON, '09:00', '17:00'],
      ],
    ],
    [
      'slots sharing one minute',
      [
        [MON, '09:00', '12:01'],
        [MON, '12:00', '17:00'],
      ],
    ],
    [
      'a slot inside another',
      [
        [TUE, '08:00', '20:00'],
        [TUE, '10:00', '11:00'],
      ],
    ],
    [
      'a crossing slot running into the next day’s slot',
      [
        [MON, '22:00', '02:00'],
        [TUE, '01:00', '05:00'],
      ],
    ],
    [
      'Saturday’s crossing slot running into Sunday’s',
      [
        [SUN, '00:00', '08:00'],
        [SAT, '23:00', '00:30'],
      ],
    ],
    [
      'a full-day slot running into the next day’s',
      [
        [WED, '09:00', '09:00'],
        [THU, '08:00', '10:00'],
      ],
    ],
  ])('rejects %s, naming the later slot', (_label, slots) => {
    expectInvalid(schedule('UTC', slots), 'weekly[1]');
  });

  it.each([
    '2025-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '2025-4-01',
    '25-04-01',
    '2025/04/01',
    '',
  ])('rejects holiday date %j', (date) => {
    expectInvalid(schedule('UTC', [], [date]), 'holidays[0].date');
  });

  it('rejects a holiday listed twice and a name that is not a short string', () => {
    expectInvalid(schedule('UTC', [], ['2025-12-25', '2025-12-25']), 'holidays[1].date');
    expectInvalid(
      { timeZone: 'UTC', weekly: [], holidays: [{ date: '2025-12-25', name: 3 }] },
      'holidays[0].name',
    );
    expectInvalid(
      { timeZone: 'UTC', weekly: [], holidays: [{ date: '2025-12-25', name: 'x'.repeat(201) }] },
      'holidays[0].name',
    );
  });

  it('bounds the number of slots and holidays', () => {
    const slots: [number, string, string][] = [];
    for (let i = 0; i < 201; i++) {
      const start = i * 5;
      const hhmm = (m: number) =>
        `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      slots.push([SUN, hhmm(start), hhmm(start + 1)]);
    }
    expectInvalid(schedule('UTC', slots), 'weekly');
    const days = Array.from({ length: 1001 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
    );
    expectInvalid(schedule('UTC', [], days), 'holidays');
  });

  it('is applied by isOpen, nextChange and anyOpen, and they check the instant', () => {
    const bad = schedule('Nowhere/Else', []);
    expect(() => isOpen(bad, new Date())).toThrow(AppError);
    expect(() => nextChange(bad, new Date())).toThrow(AppError);
    expect(() => anyOpen([officeHours('UTC'), bad], new Date())).toThrow(AppError);
    expect(() => isOpen(officeHours('UTC'), new Date(Number.NaN))).toThrow(AppError);
  });
});
