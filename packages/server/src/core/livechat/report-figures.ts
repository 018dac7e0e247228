import type { Durations, Report, Satisfaction } from '@parley/protocol';
import { AppError } from '../errors.js';

/*
 * The arithmetic of reports, pure: percentiles, time-zone calendars, and the
 * figures of a set of conversations. `reports.ts` feeds it from the store.
 */

/** What a report needs of a conversation. */
export interface ReportRow {
  createdAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  status: string;
  agentId: string | null;
  departmentId: string | null;
  rating: { score: number } | null;
}

type Figures = Report['totals'];

/** Nearest-rank percentile of sorted values, `p` in (0, 1]; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

export function durations(seconds: number[]): Durations {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

export function satisfaction(scores: number[]): Satisfaction {
  const distribution = [0, 0, 0, 0, 0];
  for (const s of scores) distribution[s - 1]!++;
  const average =
    scores.length === 0 ? null : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100;
  return { count: scores.length, average, distribution };
}

/** Whole seconds: reports need no more precision, and rounding keeps figures stable. */
const seconds = (from: string, to: string) =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

export function figures(rows: readonly ReportRow[]): Figures {
  const resolved = rows.filter((r) => r.status === 'resolved' && r.resolvedAt !== null);
  return {
    conversations: rows.length,
    resolved: resolved.length,
    firstResponse: durations(
      rows.flatMap((r) => (r.firstResponseAt ? [seconds(r.createdAt, r.firstResponseAt)] : [])),
    ),
    resolution: durations(resolved.map((r) => seconds(r.createdAt, r.resolvedAt!))),
    satisfaction: satisfaction(rows.flatMap((r) => (r.rating ? [r.rating.score] : []))),
  };
}

/** The local calendar of a time zone: date (YYYY-MM-DD), weekday (0 = Monday) and hour of an instant. */
export function calendarOf(
  timeZone: string,
): (instant: string) => { date: string; weekday: number; hour: number } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
  } catch {
    throw new AppError('invalid_request', `Unknown time zone ${timeZone}.`, { field: 'timeZone' });
  }
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return (instant) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      weekday: weekdays.indexOf(parts.weekday!),
      hour: Number(parts.hour),
    };
  };
}

/** Every date from `first` to `last` (YYYY-MM-DD), inclusive: calendar days, whatever the zone. */
export function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${first}T00:00:00Z`); day <= Date.parse(`${last}T00:00:00Z`); day += 86_400_000)
    dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

/** Groups rows by a key, keeping first-seen order. */
export function groupBy<K>(rows: readonly ReportRow[], key: (row: ReportRow) => K): Map<K, ReportRow[]> {
  const groups = new Map<K, ReportRow[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
