// The arithmetic of reports: percentiles, satisfaction, calendars in a time zone, CSV fields.
import { describe, expect, it } from 'vitest';
import {
  calendarOf,
  datesBetween,
  durations,
  figures,
  percentile,
  satisfaction,
} from '../src/core/livechat/report-figures.js';
import { csvField } from '../src/core/livechat/reports.js';

describe('report figures', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(durations([30, 10, 20])).toEqual({ count: 3, median: 20, p90: 30 });
  });

  it('averages ratings to two decimals with their distribution', () => {
    expect(satisfaction([])).toEqual({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });
    expect(satisfaction([5, 4, 4])).toEqual({ count: 3, average: 4.33, distribution: [0, 0, 0, 2, 1] });
  });

  it('measures first response and resolution from creation, resolution for resolved ones only', () => {
    const base = { agentId: null, departmentId: null, rating: null };
    expect(
      figures([
        {
          ...base,
          createdAt: '2026-11-23T10:00:00.000Z',
          firstResponseAt: '2026-11-23T10:00:30.000Z',
          resolvedAt: '2026-11-23T10:05:00.000Z',
          status: 'resolved',
        },
        {
          ...base,
          createdAt: '2026-11-23T11:00:00.000Z',
          firstResponseAt: null,
          resolvedAt: null,
          status: 'pending',
        },
        // Reopened: resolvedAt cleared, so not counted as resolved.
        {
          ...base,
          createdAt: '2026-11-23T12:00:00.000Z',
          firstResponseAt: '2026-11-23T12:01:00.000Z',
          resolvedAt: null,
          status: 'open',
        },
      ]),
    ).toMatchObject({
      conversations: 3,
      resolved: 1,
      firstResponse: { count: 2, median: 30, p90: 60 },
      resolution: { count: 1, median: 300, p90: 300 },
    });
  });

  it('reads instants in a time zone, across daylight saving time', () => {
    const paris = calendarOf('Europe/Paris');
    // Monday 23 November 2026, 23:30 UTC is Tuesday 00:30 in Paris (UTC+1).
    expect(paris('2026-11-23T23:30:00.000Z')).toEqual({ date: '2026-11-24', weekday: 1, hour: 0 });
    // Sunday 29 March 2026, 01:30 UTC is 03:30 in Paris (UTC+2 from 01:00 UTC).
    expect(paris('2026-03-29T01:30:00.000Z')).toEqual({ date: '2026-03-29', weekday: 6, hour: 3 });
    expect(() => calendarOf('Mars/Olympus')).toThrow(/time zone/);
    expect(datesBetween('2026-03-28', '2026-03-30')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  it('writes CSV fields that spreadsheets neither split nor run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1 555')).toBe("'+1 555");
    expect(csvField('-2')).toBe("'-2");
  });
});
