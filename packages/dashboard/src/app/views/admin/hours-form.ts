/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { BusinessHours, BusinessHoursSchedule } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import { inputValue, scrollRegion } from './common.js';

/** Monday first, as people read a week; `day` is the server's 0 = Sunday. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0];

interface Slot {
  from: string;
  to: string;
}

interface DayRow {
  open: boolean;
  slots: Slot[];
}

type Holiday = { date: string; name?: string };

const DEFAULT_SLOT: Slot = { from: '09:00', to: '18:00' };

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** The form's week: a schedule's slots grouped by day (several a day are kept), or weekdays 9–18. */
function weekOf(initial: BusinessHours | null): Record<number, DayRow> {
  return Object.fromEntries(
    WEEK.map((d) => {
      if (!initial) return [d, { open: d >= 1 && d <= 5, slots: [{ ...DEFAULT_SLOT }] }];
      const slots = initial.schedule.weekly
        .filter((w) => w.day === d)
        .map((w) => ({ from: w.open, to: w.close }));
      return [d, { open: slots.length > 0, slots: slots.length ? slots : [{ ...DEFAULT_SLOT }] }];
    }),
  );
}

const byDate = (a: Holiday, b: Holiday) => a.date.localeCompare(b.date);

/**
 * A schedule's name, time zone, week (one or more ranges a day) and holidays:
 * new business hours (`initial` null) or an edit of existing ones. `prefix`
 * keeps the ids of two forms on one page apart. `submit` resolves true when
 * saved; a new form then empties itself for the next.
 */
export function HoursForm({
  t,
  prefix,
  initial,
  busy,
  submitLabel,
  submit,
  cancel,
}: {
  t: AdminStrings;
  prefix: string;
  initial: BusinessHours | null;
  busy: boolean;
  submitLabel: string;
  submit: (name: string, schedule: BusinessHoursSchedule) => Promise<boolean>;
  cancel?: () => void;
}): ComponentChild {
  const [name, setName] = useState(initial?.name ?? '');
  const [timeZone, setTimeZone] = useState(() => initial?.schedule.timeZone ?? browserTimeZone());
  const [days, setDays] = useState(() => weekOf(initial));
  const [holidays, setHolidays] = useState<Holiday[]>(() => [...(initial?.schedule.holidays ?? [])]);
  const [holidayDate, setHolidayDate] = useState('');
  const [holidayName, setHolidayName] = useState('');
  const zones = timeZones();
  const id = (x: string) => `${prefix}-${x}`;

  const setDay = (day: number, change: Partial<DayRow>) =>
    setDays((all) => ({ ...all, [day]: { ...all[day]!, ...change } }));
  const setSlot = (day: number, i: number, change: Partial<Slot>) =>
    setDays((all) => ({
      ...all,
      [day]: { ...all[day]!, slots: all[day]!.slots.map((s, j) => (j === i ? { ...s, ...change } : s)) },
    }));

  const addHoliday = () => {
    if (!holidayDate) return;
    const label = holidayName.trim();
    const holiday: Holiday = label ? { date: holidayDate, name: label } : { date: holidayDate };
    setHolidays((all) => [...all.filter((x) => x.date !== holidayDate), holiday].sort(byDate));
    setHolidayDate('');
    setHolidayName('');
  };
  // Enter in the holiday's inputs adds it, rather than submitting the whole schedule.
  const onHolidayKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    addHoliday();
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const weekly = WEEK.filter((d) => days[d]!.open).flatMap((d) =>
      days[d]!.slots.map((s) => ({ day: d, open: s.from, close: s.to })),
    );
    void submit(name.trim(), { timeZone: timeZone.trim(), weekly, holidays }).then((ok) => {
      if (!ok || initial) return;
      setName('');
      setHolidays([]);
    });
  };

  const timeInput = (d: number, i: number, which: 'from' | 'to', label: string) =>
    h('input', {
      type: 'time',
      'aria-label': `${label}: ${t.days[d]!}${i > 0 ? ` (${i + 1})` : ''}`,
      disabled: !days[d]!.open,
      required: days[d]!.open,
      value: days[d]!.slots[i]![which],
      onInput: (e: Event) => setSlot(d, i, { [which]: inputValue(e) }),
    });

  return h(
    'form',
    { class: 'admin-form hours-form', onSubmit, 'data-testid': `${prefix}-form` },
    h(
      'div',
      { class: 'field-row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: id('name') }, t.hoursName),
        h('input', {
          id: id('name'),
          required: true,
          maxLength: 200,
          value: name,
          onInput: (e: Event) => setName(inputValue(e)),
        }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: id('tz') }, t.timeZone),
        h('input', {
          id: id('tz'),
          required: true,
          list: id('zones'),
          value: timeZone,
          onInput: (e: Event) => setTimeZone(inputValue(e)),
        }),
        h(
          'datalist',
          { id: id('zones') },
          zones.map((z) => h('option', { key: z, value: z })),
        ),
      ),
    ),
    h(
      'div',
      scrollRegion(t.weekTable),
      h(
        'table',
        { class: 'admin-table week' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, t.day),
            h('th', { scope: 'col' }, t.dayOpen),
            h('th', { scope: 'col' }, t.hoursRanges),
          ),
        ),
        h(
          'tbody',
          null,
          WEEK.map((d) => {
            const row = days[d]!;
            const dayName = t.days[d]!;
            return h(
              'tr',
              { key: d, 'data-day': d },
              h('th', { scope: 'row' }, dayName),
              h(
                'td',
                null,
                h('input', {
                  type: 'checkbox',
                  'aria-label': `${t.dayOpen}: ${dayName}`,
                  checked: row.open,
                  onChange: (e: Event) => setDay(d, { open: (e.target as HTMLInputElement).checked }),
                }),
              ),
              h(
                'td',
                { class: 'slots' },
                row.slots.map((_, i) =>
                  h(
                    'span',
                    { class: 'slot', key: i },
                    timeInput(d, i, 'from', t.opensAt),
                    h('span', { 'aria-hidden': 'true' }, '–'),
                    timeInput(d, i, 'to', t.closesAt),
                    row.slots.length > 1 &&
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'link',
                          disabled: !row.open,
                          'aria-label': t.removeRange(dayName, i + 1),
                          onClick: () => setDay(d, { slots: row.slots.filter((__, j) => j !== i) }),
                        },
                        t.remove,
                      ),
                  ),
                ),
                row.open &&
                  row.slots.length < 4 &&
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      'aria-label': t.addRangeTo(dayName),
                      onClick: () => setDay(d, { slots: [...row.slots, { from: '14:00', to: '18:00' }] }),
                    },
                    t.addRange,
                  ),
              ),
            );
          }),
        ),
      ),
    ),
    h(
      'fieldset',
      { class: 'holidays' },
      h('legend', null, t.holidays),
      h('p', { class: 'hint' }, t.holidaysHint),
      holidays.length === 0
        ? h('p', { class: 'muted' }, t.noHolidays)
        : h(
            'ul',
            { class: 'plain-list holiday-list' },
            holidays.map((x) =>
              h(
                'li',
                { key: x.date, 'data-date': x.date },
                h('time', { dateTime: x.date }, x.date),
                x.name && h('span', { class: 'holiday-name' }, x.name),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    'aria-label': t.removeHoliday(x.name ? `${x.date} ${x.name}` : x.date),
                    onClick: () => setHolidays((all) => all.filter((y) => y.date !== x.date)),
                  },
                  t.remove,
                ),
              ),
            ),
          ),
      h(
        'div',
        { class: 'inline-form' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: id('hol-date') }, t.holidayDate),
          h('input', {
            id: id('hol-date'),
            type: 'date',
            value: holidayDate,
            onInput: (e: Event) => setHolidayDate(inputValue(e)),
            onKeyDown: onHolidayKey,
          }),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: id('hol-name') }, t.holidayName),
          h('input', {
            id: id('hol-name'),
            maxLength: 200,
            value: holidayName,
            onInput: (e: Event) => setHolidayName(inputValue(e)),
            onKeyDown: onHolidayKey,
          }),
        ),
        h(
          'button',
          { type: 'button', class: 'add-holiday', disabled: !holidayDate, onClick: addHoliday },
          t.addHoliday,
        ),
      ),
    ),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', disabled: busy }, busy ? t.saving : submitLabel),
      cancel && h('button', { type: 'button', onClick: cancel }, t.cancel),
    ),
  );
}
