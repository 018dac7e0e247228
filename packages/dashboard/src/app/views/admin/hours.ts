/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BusinessHours, Department } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import type { SectionProps } from './admin.js';
import { errorText, Loaded, Message, Section, useAction, useLoad, type AdminApi } from './common.js';
import { HoursForm, WEEK } from './hours-form.js';

/** The organization's departments and, for each, the ids of the business hours attached to it. */
interface Attachments {
  departments: Department[];
  attached: Record<string, string[]>;
}

async function loadAttachments(api: AdminApi): Promise<Attachments> {
  const departments = await api.departments();
  const lists = await Promise.all(departments.map((d) => api.attachedHours(d.id)));
  return {
    departments,
    attached: Object.fromEntries(departments.map((d, i) => [d.id, lists[i]!.map((x) => x.id)])),
  };
}

/** Business hours: each schedule (edited in place, attached to departments), then a new one. */
export function HoursSection({ api, t }: SectionProps): ComponentChild {
  const list = useLoad(() => api.businessHours());
  const links = useLoad(() => loadAttachments(api));
  const create = useAction(t);
  const [editing, setEditing] = useState<string | null>(null);
  const setAttached = (departmentId: string, change: (ids: string[]) => string[]) =>
    links.setData(
      (data) =>
        data && {
          ...data,
          attached: { ...data.attached, [departmentId]: change(data.attached[departmentId] ?? []) },
        },
    );
  const followingAll = links.data?.departments.filter((d) => !links.data!.attached[d.id]?.length) ?? [];

  return h(
    'div',
    null,
    h('p', { class: 'hint' }, t.hoursIntro),
    links.error !== null &&
      h(
        'div',
        { class: 'alert error', role: 'alert' },
        errorText(t, links.error),
        ' ',
        h('button', { type: 'button', class: 'link', onClick: links.reload }, t.retry),
      ),
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
                h(HoursCard, {
                  key: bh.id,
                  t,
                  api,
                  bh,
                  editing: editing === bh.id,
                  setEditing: (on: boolean) => setEditing(on ? bh.id : null),
                  links: links.data,
                  setAttached,
                  replace: (updated: BusinessHours) =>
                    list.setData((all) => all && all.map((x) => (x.id === updated.id ? updated : x))),
                  changed: () => {
                    list.reload();
                    links.reload();
                  },
                }),
              ),
            ),
    }),
    links.data &&
      links.data.departments.length > 0 &&
      (list.data?.length ?? 0) > 0 &&
      h(
        'p',
        { class: 'hint', 'data-testid': 'following-all' },
        followingAll.length
          ? t.followingAll(followingAll.map((d) => d.name).join(', '))
          : t.everyDepartmentAttached,
      ),
    h(
      Section,
      { title: t.newHours, id: 'new-hours-title' },
      h(HoursForm, {
        t,
        prefix: 'hours',
        initial: null,
        busy: create.busy,
        submitLabel: t.create,
        submit: (name, schedule) =>
          create
            .run(() => api.createBusinessHours(name, schedule), t.saved)
            .then((ok) => {
              if (ok) list.reload();
              return ok;
            }),
      }),
      h(Message, { message: create.message }),
    ),
  );
}

function summary(t: AdminStrings, bh: BusinessHours): string {
  return WEEK.map((d) => {
    const slots = bh.schedule.weekly.filter((w) => w.day === d);
    return `${t.days[d]!.slice(0, 3)} ${slots.length ? slots.map((w) => `${w.open}–${w.close}`).join(', ') : t.closed}`;
  }).join(' · ');
}

function HoursCard({
  t,
  api,
  bh,
  editing,
  setEditing,
  links,
  setAttached,
  replace,
  changed,
}: {
  t: AdminStrings;
  api: AdminApi;
  bh: BusinessHours;
  editing: boolean;
  setEditing: (on: boolean) => void;
  links: Attachments | null;
  setAttached: (departmentId: string, change: (ids: string[]) => string[]) => void;
  replace: (updated: BusinessHours) => void;
  changed: () => void;
}): ComponentChild {
  const action = useAction(t);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const titleId = `bh-${bh.id}-title`;
  // Into the form when it opens, back to its button when it closes.
  useEffect(() => {
    if (editing) document.getElementById('hours-edit-name')?.focus();
    else if (wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  // The box follows the click at once; a refusal puts it back.
  const toggle = (department: Department, on: boolean) => {
    const without = (ids: string[]) => ids.filter((x) => x !== bh.id);
    const apply = (attach: boolean) =>
      setAttached(department.id, (ids) => (attach ? [...without(ids), bh.id] : without(ids)));
    apply(on);
    void action
      .run(
        () => (on ? api.attachHours(department.id, bh.id) : api.detachHours(department.id, bh.id)),
        on ? t.attached(bh.name, department.name) : t.detached(bh.name, department.name),
      )
      .then((ok) => ok || apply(!on));
  };

  return h(
    'li',
    { class: 'admin-card hours-item', 'data-hours-id': bh.id, 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { id: titleId }, bh.name),
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            type: 'button',
            ref: editButton,
            'aria-expanded': editing ? 'true' : 'false',
            'aria-label': `${t.edit}: ${bh.name}`,
            onClick: () => setEditing(!editing),
          },
          t.edit,
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'aria-label': `${t.delete}: ${bh.name}`,
            onClick: () =>
              confirm(t.confirmDelete(bh.name)) &&
              void action.run(() => api.deleteBusinessHours(bh.id)).then((ok) => ok && changed()),
          },
          t.delete,
        ),
      ),
    ),
    editing
      ? h(HoursForm, {
          t,
          prefix: 'hours-edit',
          initial: bh,
          busy: action.busy,
          submitLabel: t.save,
          cancel: () => setEditing(false),
          submit: (name, schedule) =>
            action
              .run(async () => replace(await api.updateBusinessHours(bh.id, { name, schedule })), t.saved)
              .then((ok) => {
                if (ok) setEditing(false);
                return ok;
              }),
        })
      : h(
          'div',
          null,
          h('p', { class: 'hint' }, `${t.timeZone}: ${bh.schedule.timeZone}`),
          h('p', { class: 'week-summary' }, summary(t, bh)),
          h(
            'p',
            { class: 'holiday-summary' },
            bh.schedule.holidays.length
              ? `${t.holidays}: ${bh.schedule.holidays.map((x) => (x.name ? `${x.date} (${x.name})` : x.date)).join(', ')}`
              : t.noHolidays,
          ),
        ),
    h(
      'fieldset',
      { class: 'attach', 'data-testid': 'attach' },
      h('legend', null, t.attachedTo),
      !links
        ? h('p', { class: 'muted' }, t.loading)
        : links.departments.length === 0
          ? h('p', { class: 'muted' }, t.noDepartmentsYet)
          : h(
              'ul',
              { class: 'plain-list attach-list' },
              links.departments.map((d) =>
                h(
                  'li',
                  { key: d.id },
                  h(
                    'label',
                    { class: 'check' },
                    h('input', {
                      type: 'checkbox',
                      'data-department': d.id,
                      checked: links.attached[d.id]?.includes(bh.id) ?? false,
                      onChange: (e: Event) => toggle(d, (e.target as HTMLInputElement).checked),
                    }),
                    d.name,
                  ),
                ),
              ),
            ),
    ),
    h(Message, { message: action.message }),
  );
}
