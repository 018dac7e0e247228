import { AppError } from '../errors.js';

/**
 * Business hours: when a live-chat organization (or a department) takes conversations.
 *
 * A schedule is wall-clock time in one IANA time zone: weekly slots plus holidays. The rules,
 * exact and relied on by routing and the widget's offline form:
 *
 * - A slot `{ day, open, close }` starts on local weekday `day` (0 = Sunday) at `open` and ends at
 *   `close` the same day, or the next day when `close <= open` (22:00–02:00 ends at 02:00 on
 *   `day + 1`; 09:00–09:00 lasts a full day). `'24:00'` is allowed as a close and means the next
 *   day's midnight. Saturday's crossing slot ends on Sunday.
 * - Opening is inclusive, closing exclusive: open at 09:00:00.000, closed at 17:00:00.000.
 * - A boundary is the first instant at which the local clock shows that time or later. When the
 *   clock springs forward past it (02:30 on the March switch in Paris), the slot opens or closes
 *   at the switch (03:00); a slot wholly inside the skipped hour never opens. When the clock falls
 *   back and shows it twice, the first time counts, and the repeated hour does not reopen a slot
 *   that already closed. So a slot is always one unbroken span of real time, which may be an hour
 *   shorter or longer than its wall-clock length.
 * - A holiday closes its whole local calendar day, from its midnight to the next, whatever slot
 *   would cover it; and only that day: a slot crossing midnight out of a holiday opens at that
 *   midnight, one crossing into a holiday closes at it.
 * - Adjacent slots join: 18:00–24:00 on Monday and 00:00–06:00 on Tuesday are open through
 *   midnight with no change at 00:00.
 */
export interface Schedule {
  /** An IANA time zone accepted by `Intl.DateTimeFormat`, e.g. `'Europe/Paris'`. */
  timeZone: string;
  weekly: WeeklySlot[];
  holidays: Holiday[];
}

export interface WeeklySlot {
  /** Local weekday the slot starts on, 0 = Sunday … 6 = Saturday. */
  day: number;
  /** `'HH:MM'`, 00:00 to 23:59. */
  open: string;
  /** `'HH:MM'`, 00:00 to 23:59, or `'24:00'`. At or before `open`, the slot ends the next day. */
  close: string;
}

export interface Holiday {
  /** A local calendar date, `'YYYY-MM-DD'`. */
  date: string;
  name?: string;
}

/** The next time a schedule opens (`open: true`) or closes (`open: false`). */
export interface ScheduleChange {
  open: boolean;
  at: Date;
}

/** How far `nextChange` looks ahead. */
export const NEXT_CHANGE_HORIZON_MS = 14 * 86_400_000;
/** Bounds that keep validation and evaluation cheap; far above any real schedule. */
export const MAX_WEEKLY_SLOTS = 200;
export const MAX_HOLIDAYS = 1000;
export const MAX_HOLIDAY_NAME_LENGTH = 200;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_request', message, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Minutes since local midnight, or null when `value` is not a valid time (24:00 only if allowed). */
function parseTime(value: unknown, allow24: boolean): number | null {
  if (typeof value !== 'string') return null;
  if (value === '24:00') return allow24 ? MINUTES_PER_DAY : null;
  const match = TIME.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  // Round-tripping through a UTC date rejects 2025-02-30 and month 13.
  return dayString(dayNumber(Number(match[1]), Number(match[2]), Number(match[3]))) === value;
}

/**
 * Throws `invalid_request`, with the offending field (`timeZone`, `weekly[2].close`,
 * `holidays[0].date`, …), unless `schedule` is a well-formed schedule: a time zone `Intl` knows,
 * valid days and times, no two slots sharing any minute of the week (crossing slots included;
 * touching is fine), and distinct real dates for holidays.
 */
export function validateSchedule(schedule: unknown): asserts schedule is Schedule {
  if (!isRecord(schedule)) throw invalid('schedule', 'A schedule must be an object.');
  const { timeZone, weekly, holidays } = schedule;
  if (typeof timeZone !== 'string' || formatterFor(timeZone) === null) {
    throw invalid('timeZone', 'timeZone must be an IANA time zone such as Europe/Paris.');
  }
  if (!Array.isArray(weekly)) throw invalid('weekly', 'weekly must be an array of slots.');
  if (weekly.length > MAX_WEEKLY_SLOTS) {
    throw invalid('weekly', `A schedule has at most ${MAX_WEEKLY_SLOTS} weekly slots.`);
  }
  const spans: { start: number; end: number }[] = [];
  weekly.forEach((slot: unknown, i) => {
    const at = `weekly[${i}]`;
    if (!isRecord(slot)) throw invalid(at, `${at} must be an object.`);
    if (typeof slot.day !== 'number' || !Number.isInteger(slot.day) || slot.day < 0 || slot.day > 6) {
      throw invalid(`${at}.day`, `${at}.day must be an integer from 0 (Sunday) to 6 (Saturday).`);
    }
    const open = parseTime(slot.open, false);
    if (open === null) throw invalid(`${at}.open`, `${at}.open must be a time from 00:00 to 23:59.`);
    const close = parseTime(slot.close, true);
    if (close === null) throw invalid(`${at}.close`, `${at}.close must be a time from 00:00 to 24:00.`);
    const start = slot.day * MINUTES_PER_DAY + open;
    const span = { start, end: start + slotLength(open, close) };
    const clash = spans.findIndex((other) => overlapsInWeek(span, other));
    if (clash !== -1) throw invalid(at, `${at} overlaps weekly[${clash}].`);
    spans.push(span);
  });
  if (!Array.isArray(holidays)) throw invalid('holidays', 'holidays must be an array.');
  if (holidays.length > MAX_HOLIDAYS) {
    throw invalid('holidays', `A schedule has at most ${MAX_HOLIDAYS} holidays.`);
  }
  const dates = new Set<string>();
  holidays.forEach((holiday: unknown, i) => {
    const at = `holidays[${i}]`;
    if (!isRecord(holiday)) throw invalid(at, `${at} must be an object.`);
    if (!isCalendarDate(holiday.date)) {
      throw invalid(`${at}.date`, `${at}.date must be a real date written YYYY-MM-DD.`);
    }
    if (dates.has(holiday.date)) throw invalid(`${at}.date`, `${at}.date is listed twice.`);
    dates.add(holiday.date);
    const { name } = holiday;
    if (name !== undefined && (typeof name !== 'string' || name.length > MAX_HOLIDAY_NAME_LENGTH)) {
      throw invalid(
        `${at}.name`,
        `${at}.name must be a string of at most ${MAX_HOLIDAY_NAME_LENGTH} characters.`,
      );
    }
  });
}

function slotLength(open: number, close: number): number {
  return close > open ? close - open : close + MINUTES_PER_DAY - open;
}

/** Slots are at most a day long, so comparing against the other slot shifted by a week either way covers the wrap. */
function overlapsInWeek(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK].some(
    (shift) => a.start < b.end + shift && b.start + shift < a.end,
  );
}

/** Whether the schedule is open at `at`. Throws like `validateSchedule` on a bad schedule. */
export function isOpen(schedule: Schedule, at: Date): boolean {
  validateSchedule(schedule);
  const t = instant(at);
  const zone = formatterFor(schedule.timeZone) as Intl.DateTimeFormat;
  const today = localDay(zone, t);
  // Yesterday for slots crossing midnight; tomorrow only matters around odd midnight transitions.
  return openSpans(schedule, zone, today - 1, today + 1).some((span) => span.start <= t && t < span.end);
}

/**
 * When the schedule next changes after `at`: the instant it opens if it is closed at `at`, the
 * instant it closes if open. Null when that is more than `NEXT_CHANGE_HORIZON_MS` (14 days) away:
 * a schedule that never opens, one open around the clock, or one closed by holidays for weeks.
 * Adjacent slots count as one opening, so the change is always a real one.
 */
export function nextChange(schedule: Schedule, at: Date): ScheduleChange | null {
  validateSchedule(schedule);
  const t = instant(at);
  const zone = formatterFor(schedule.timeZone) as Intl.DateTimeFormat;
  const today = localDay(zone, t);
  // Two days past the horizon: a run of joined slots cut short by the end of this window ends
  // after the horizon, so it can never be mistaken for a real closing.
  const spans = openSpans(schedule, zone, today - 1, today + 16);
  const horizon = t + NEXT_CHANGE_HORIZON_MS;
  const current = spans.find((span) => span.start <= t && t < span.end);
  if (current) return current.end <= horizon ? { open: false, at: new Date(current.end) } : null;
  const next = spans.find((span) => span.start > t);
  return next && next.start <= horizon ? { open: true, at: new Date(next.start) } : null;
}

/**
 * Whether any of `schedules` is open at `at`. An organization keeps several schedules and a
 * department attaches some of them; the department is open when at least one attached schedule
 * is. An empty list is never open: whether a department with no hours attached is unrestricted
 * is the caller's decision, made before asking.
 */
export function anyOpen(schedules: readonly Schedule[], at: Date): boolean {
  schedules.forEach((schedule) => validateSchedule(schedule));
  return schedules.some((schedule) => isOpen(schedule, at));
}

function instant(at: Date): number {
  const t = at instanceof Date ? at.getTime() : NaN;
  if (!Number.isFinite(t)) throw invalid('at', 'The instant must be a valid Date.');
  return t;
}

interface Span {
  start: number;
  end: number;
}

/**
 * The open spans, in epoch milliseconds, of the slots starting on local days `from` to `to`
 * (days since 1970-01-01), sorted, joined where they touch, with holidays cut out.
 */
function openSpans(schedule: Schedule, zone: Intl.DateTimeFormat, from: number, to: number): Span[] {
  const slots: Span[] = [];
  for (let day = from; day <= to; day++) {
    const weekday = mod(day + 4, 7); // 1970-01-01 was a Thursday.
    for (const slot of schedule.weekly) {
      if (slot.day !== weekday) continue;
      const open = parseTime(slot.open, false) as number;
      const close = parseTime(slot.close, true) as number;
      const start = toInstant(zone, day * DAY_MS + open * MINUTE_MS);
      const end = toInstant(zone, (close > open ? day : day + 1) * DAY_MS + close * MINUTE_MS);
      if (end > start) slots.push({ start, end }); // empty when inside a skipped hour
    }
  }
  const holidayDates = new Set(schedule.holidays.map((holiday) => holiday.date));
  const closed: Span[] = [];
  // Slots starting on `to` may run into `to + 1`.
  for (let day = from; day <= to + 1; day++) {
    if (holidayDates.has(dayString(day))) {
      closed.push({ start: toInstant(zone, day * DAY_MS), end: toInstant(zone, (day + 1) * DAY_MS) });
    }
  }
  return subtract(join(slots), closed);
}

function join(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** `spans` minus `holes`; both sorted and disjoint. */
function subtract(spans: Span[], holes: Span[]): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    let start = span.start;
    for (const hole of holes) {
      if (hole.end <= start || hole.start >= span.end) continue;
      if (hole.start > start) out.push({ start, end: hole.start });
      start = Math.max(start, hole.end);
    }
    if (start < span.end) out.push({ start, end: span.end });
  }
  return out;
}

// ---- Wall-clock arithmetic with Intl only ----------------------------------------------------
//
// A "wall" value is the local date and time read as if it were UTC, in milliseconds; local days
// are `floor(wall / DAY_MS)`. Converting back (`toInstant`) is where DST is decided.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The cached formatter for a time zone, or null when `Intl` does not know it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

function wall(zone: Intl.DateTimeFormat, t: number): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of zone.formatToParts(t)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour % 24, fields.minute, fields.second, mod(t, 1000));
  return date.getTime();
}

function localDay(zone: Intl.DateTimeFormat, t: number): number {
  return Math.floor(wall(zone, t) / DAY_MS);
}

/**
 * The first instant at which the local clock shows `target` (a wall value) or later. Offsets a
 * day either side bound the answer: a single candidate matches normally, two in a repeated hour
 * (take the earlier), none in a skipped hour, where a binary search finds the switch itself.
 */
function toInstant(zone: Intl.DateTimeFormat, target: number): number {
  const before = target - offset(zone, target - DAY_MS);
  const after = target - offset(zone, target + DAY_MS);
  const matches = [before, after].filter((t) => wall(zone, t) === target);
  if (matches.length > 0) return Math.min(...matches);
  let lo = Math.min(before, after); // the clock still shows less than the target here
  let hi = Math.max(before, after); // and already more here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wall(zone, mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

function offset(zone: Intl.DateTimeFormat, t: number): number {
  return wall(zone, t) - t;
}

function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.floor(date.getTime() / DAY_MS);
}

function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
