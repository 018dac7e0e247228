/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { BusinessHours } from '@parley/protocol';
import type { SectionProps } from './admin.js';
import { inputValue, Loaded, Message, Section, useAction, useLoad } from './common.js';

/** Monday first, as people read a week; `day` is the server's 0 = Sunday. */
const WEEK = [1, 2, 3, 4, 5, 6, 0];

interface DayRow {
  open: boolean;
  from: string;
  to: string;
}

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

export function HoursSection({ api, t }: SectionProps): ComponentChild {
  const list = useLoad(() => api.businessHours());
  const action = useAction(t);
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [days, setDays] = useState<Record<number, DayRow>>(() =>
    Object.fromEntries(WEEK.map((d) => [d, { open: d >= 1 && d <= 5, from: '09:00', to: '18:00' }])),
  );
  const setDay = (day: number, change: Partial<DayRow>) =>
    setDays((all) => ({ ...all, [day]: { ...all[day]!, ...change } }));
  const zones = timeZones();

  const summary = (bh: BusinessHours) =>
    WEEK.map((d) => {
      const slots = bh.schedule.weekly.filter((w) => w.day === d);
      return `${t.days[d]!.slice(0, 3)} ${slots.length ? slots.map((w) => `${w.open}–${w.close}`).join(', ') : t.closed}`;
    }).join(' · ');

  return h(
    'div',
    null,
    h('p', { class: 'hint' }, t.hoursIntro),
    h(Loaded<BusinessHours[]>, {
      t,
      state: list,
      children: (items) =>
        items.length === 0
          ? h('p', { class: 'muted' }, t.none)
          : h(
              'ul',
              { class: 'plain-list' },
              items.map((bh) =>
                h(
                  'li',
                  { key: bh.id, class: 'admin-card hours-item' },
                  h(
                    'div',
                    { class: 'card-head' },
                    h('h2', null, bh.name),
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'danger',
                        'aria-label': `${t.delete}: ${bh.name}`,
                        onClick: () =>
                          confirm(t.confirmDelete(bh.name)) &&
                          void action
                            .run(() => api.deleteBusinessHours(bh.id))
                            .then((ok) => ok && list.reload()),
                      },
                      t.delete,
                    ),
                  ),
                  h('p', { class: 'hint' }, `${t.timeZone}: ${bh.schedule.timeZone}`),
                  h('p', null, summary(bh)),
                ),
              ),
            ),
    }),
    h(
      Section,
      { title: t.newHours, id: 'new-hours-title' },
      h(
        'form',
        {
          class: 'admin-form',
          onSubmit: (e: Event) => {
            e.preventDefault();
            const weekly = WEEK.filter((d) => days[d]!.open).map((d) => ({
              day: d,
              open: days[d]!.from,
              close: days[d]!.to,
            }));
            void action
              .run(() => api.createBusinessHours(name.trim(), { timeZone, weekly, holidays: [] }), t.saved)
              .then((ok) => {
                if (!ok) return;
                setName('');
                list.reload();
              });
          },
        },
        h(
          'div',
          { class: 'field-row' },
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'hours-name' }, t.hoursName),
            h('input', {
              id: 'hours-name',
              required: true,
              maxLength: 200,
              value: name,
              onInput: (e: Event) => setName(inputValue(e)),
            }),
          ),
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'hours-tz' }, t.timeZone),
            h('input', {
              id: 'hours-tz',
              required: true,
              list: 'time-zones',
              value: timeZone,
              onInput: (e: Event) => setTimeZone(inputValue(e)),
            }),
            h(
              'datalist',
              { id: 'time-zones' },
              zones.map((z) => h('option', { key: z, value: z })),
            ),
          ),
        ),
        h(
          'table',
          { class: 'admin-table week' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, h('span', { class: 'sr' }, t.hoursName)),
              h('th', { scope: 'col' }, t.dayOpen),
              h('th', { scope: 'col' }, t.opensAt),
              h('th', { scope: 'col' }, t.closesAt),
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
                { key: d },
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
                  null,
                  h('input', {
                    type: 'time',
                    'aria-label': `${t.opensAt}: ${dayName}`,
                    disabled: !row.open,
                    required: row.open,
                    value: row.from,
                    onInput: (e: Event) => setDay(d, { from: inputValue(e) }),
                  }),
                ),
                h(
                  'td',
                  null,
                  h('input', {
                    type: 'time',
                    'aria-label': `${t.closesAt}: ${dayName}`,
                    disabled: !row.open,
                    required: row.open,
                    value: row.to,
                    onInput: (e: Event) => setDay(d, { to: inputValue(e) }),
                  }),
                ),
              );
            }),
          ),
        ),
        h('button', { type: 'submit', class: 'primary', disabled: action.busy }, t.create),
      ),
      h(Message, { message: action.message }),
    ),
  );
}
