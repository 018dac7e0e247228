/// <reference lib="dom" />
import { h, type ComponentChild, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Department, DepartmentWidget, WidgetSettings, WidgetSettingsOverride } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import { inputValue, Loaded, Message, Section, useAction, useLoad, type AdminApi } from './common.js';
import { ColorInput, lines, PreChatEditor, WidgetPreview } from './widget-parts.js';
import { WIDGET_LIMITS } from '@parley/protocol/field-limits';

type Overridable = Required<WidgetSettingsOverride>;
type Key = keyof Overridable;

/** The fields a department may set (all but `allowedOrigins`, see the protocol's `WidgetSettingsOverride`). */
const KEYS: Key[] = [
  'title',
  'subtitle',
  'color',
  'position',
  'launcherText',
  'welcomeMessages',
  'language',
  'preChatForm',
  'offlineForm',
  'fallbackContact',
];

const pick = (settings: WidgetSettings): Overridable =>
  Object.fromEntries(KEYS.map((k) => [k, structuredClone(settings[k])])) as Overridable;

/**
 * A department's widget overrides: choose a department, then per field either
 * the organization's value (the default) or the department's own. Saving
 * replaces the department's overrides as a whole; dropping them makes it
 * inherit everything again.
 */
export function DepartmentOverrides({
  api,
  t,
  organization,
}: {
  api: AdminApi;
  t: AdminStrings;
  organization: WidgetSettings;
}): ComponentChild {
  const departments = useLoad(() => api.departments());
  const [departmentId, setDepartmentId] = useState('');
  return h(
    Section,
    { title: t.overridesTitle, id: 'overrides-title' },
    h('p', { class: 'hint' }, t.overridesIntro),
    h(Loaded<Department[]>, {
      t,
      state: departments,
      children: (items) => {
        if (items.length === 0) return h('p', { class: 'muted' }, t.noDepartmentsYet);
        const department = items.find((d) => d.id === departmentId);
        return [
          h(
            'div',
            { class: 'admin-form', key: 'choose' },
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'o-department' }, t.department),
              h(
                'select',
                {
                  id: 'o-department',
                  value: departmentId,
                  onChange: (e: Event) => setDepartmentId(inputValue(e)),
                },
                h('option', { value: '' }, t.chooseDepartment),
                items.map((d) => h('option', { key: d.id, value: d.id }, d.name)),
              ),
            ),
          ),
          department && h(OverrideLoader, { key: department.id, api, t, department, organization }),
        ];
      },
    }),
  );
}

function OverrideLoader({
  api,
  t,
  department,
  organization,
}: {
  api: AdminApi;
  t: AdminStrings;
  department: Department;
  organization: WidgetSettings;
}): ComponentChild {
  const state = useLoad(() => api.departmentWidget(department.id));
  return h(Loaded<DepartmentWidget>, {
    t,
    state,
    children: (loaded) => h(OverrideForm, { api, t, department, organization, initial: loaded.override }),
  });
}

function OverrideForm({
  api,
  t,
  department,
  organization,
  initial,
}: {
  api: AdminApi;
  t: AdminStrings;
  department: Department;
  organization: WidgetSettings;
  initial: WidgetSettingsOverride;
}): ComponentChild {
  const inherited = pick(organization);
  const [saved, setSaved] = useState<WidgetSettingsOverride>(initial);
  const [values, setValues] = useState<Overridable>(() => ({ ...inherited, ...structuredClone(initial) }));
  const [own, setOwn] = useState<Record<Key, boolean>>(
    () => Object.fromEntries(KEYS.map((k) => [k, initial[k] !== undefined])) as Record<Key, boolean>,
  );
  const [welcome, setWelcome] = useState(values.welcomeMessages.join('\n'));
  const action = useAction(t);
  const set = (change: Partial<Overridable>) => setValues((v) => ({ ...v, ...change }));
  // What the department's widget shows: its own values where set, the organization's elsewhere.
  const shown = { ...values, welcomeMessages: lines(welcome) };
  const value = <K extends Key>(k: K): Overridable[K] => (own[k] ? shown[k] : inherited[k]);
  const override = Object.fromEntries(
    KEYS.filter((k) => own[k]).map((k) => [k, shown[k]]),
  ) as WidgetSettingsOverride;
  const resolved: WidgetSettings = { ...organization, ...override };
  const hasSaved = KEYS.some((k) => saved[k] !== undefined);

  const field = (k: Key, label: string, control: ComponentChildren, compound = false) => {
    const inherit = h(
      'label',
      { class: 'check inherit' },
      h('input', {
        type: 'checkbox',
        'data-inherit': k,
        'aria-label': t.inheritFor(label),
        checked: !own[k],
        onChange: (e: Event) => setOwn((o) => ({ ...o, [k]: !(e.target as HTMLInputElement).checked })),
      }),
      t.inherit,
    );
    return compound
      ? h(
          'fieldset',
          { key: k, class: 'override-field', 'data-field': k },
          h('legend', null, label),
          inherit,
          control,
        )
      : h(
          'div',
          { key: k, class: 'field override-field', 'data-field': k },
          h('label', { for: `o-${k}` }, label),
          inherit,
          control,
        );
  };
  const text = (k: 'title' | 'subtitle' | 'launcherText' | 'fallbackContact', label: string, max: number) =>
    field(
      k,
      label,
      h('input', {
        id: `o-${k}`,
        disabled: !own[k],
        required: own[k] && (k === 'title' || k === 'launcherText'),
        maxLength: max,
        value: value(k),
        onInput: (e: Event) => set({ [k]: inputValue(e) }),
      }),
    );
  const select = (k: 'position' | 'language', label: string, options: Record<string, string>) =>
    field(
      k,
      label,
      h(
        'select',
        {
          id: `o-${k}`,
          disabled: !own[k],
          value: value(k),
          onChange: (e: Event) => set({ [k]: inputValue(e) }),
        },
        Object.entries(options).map(([v, name]) => h('option', { key: v, value: v }, name)),
      ),
    );
  const offline = value('offlineForm');

  return h(
    'div',
    { class: 'override-editor', 'data-department': department.id },
    h(
      'form',
      {
        class: 'admin-form override-form',
        'aria-label': t.overridesFor(department.name),
        onSubmit: (e: Event) => {
          e.preventDefault();
          void action.run(
            async () => setSaved((await api.saveDepartmentWidget(department.id, override)).override),
            t.saved,
          );
        },
      },
      h(
        'p',
        { class: 'hint', role: 'status' },
        hasSaved ? t.overridesSaved(KEYS.filter((k) => saved[k] !== undefined).length) : t.noOverrides,
      ),
      text('title', t.widgetTitle, WIDGET_LIMITS.titleLength),
      text('subtitle', t.widgetSubtitle, WIDGET_LIMITS.subtitleLength),
      field(
        'color',
        t.widgetColor,
        h(ColorInput, {
          t,
          id: 'o-color',
          value: value('color'),
          disabled: !own.color,
          onChange: (color) => set({ color }),
        }),
      ),
      select('position', t.widgetPosition, t.positions),
      select('language', t.widgetLanguage, t.languages),
      text('launcherText', t.launcherText, WIDGET_LIMITS.launcherTextLength),
      field('welcomeMessages', t.welcomeMessages, [
        h('textarea', {
          id: 'o-welcomeMessages',
          rows: 3,
          disabled: !own.welcomeMessages,
          value: own.welcomeMessages ? welcome : inherited.welcomeMessages.join('\n'),
          'aria-describedby': 'o-welcome-hint',
          onInput: (e: Event) => setWelcome(inputValue(e)),
        }),
        h('span', { class: 'hint', id: 'o-welcome-hint' }, t.overrideListHint),
      ]),
      field(
        'preChatForm',
        t.preChatForm,
        h(PreChatEditor, {
          t,
          fields: value('preChatForm'),
          disabled: !own.preChatForm,
          onChange: (preChatForm) => set({ preChatForm }),
        }),
        true,
      ),
      field(
        'offlineForm',
        t.offlineForm,
        h(
          'div',
          null,
          h(
            'label',
            { class: 'check' },
            h('input', {
              type: 'checkbox',
              id: 'o-offline-enabled',
              disabled: !own.offlineForm,
              checked: offline.enabled,
              onChange: (e: Event) =>
                set({ offlineForm: { ...offline, enabled: (e.target as HTMLInputElement).checked } }),
            }),
            t.offlineEnabled,
          ),
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'o-offline-email' }, t.offlineEmail),
            h('input', {
              id: 'o-offline-email',
              type: 'email',
              disabled: !own.offlineForm,
              value: offline.email ?? '',
              onInput: (e: Event) => {
                const v = inputValue(e).trim();
                set({ offlineForm: { ...offline, email: v ? v : null } });
              },
            }),
          ),
        ),
        true,
      ),
      text('fallbackContact', t.fallbackContact, WIDGET_LIMITS.fallbackContactLength),
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          { type: 'submit', class: 'primary', disabled: action.busy },
          action.busy ? t.saving : t.saveOverrides,
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            disabled: action.busy || !hasSaved,
            onClick: () =>
              confirm(t.confirmDrop(department.name)) &&
              void action.run(async () => {
                await api.dropDepartmentWidget(department.id);
                setSaved({});
                setOwn(Object.fromEntries(KEYS.map((k) => [k, false])) as Record<Key, boolean>);
                setValues(inherited);
                setWelcome(inherited.welcomeMessages.join('\n'));
              }, t.dropped),
          },
          t.dropOverrides,
        ),
      ),
      h(Message, { message: action.message }),
    ),
    h(
      'div',
      { class: 'override-preview' },
      h('h3', null, t.previewFor(department.name)),
      h(WidgetPreview, { t, settings: resolved, testId: 'override-preview' }),
    ),
  );
}
