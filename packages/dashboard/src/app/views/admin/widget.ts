/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { PreChatField, WidgetSettings } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import type { SectionProps } from './admin.js';
import {
  CopyButton,
  inputValue,
  Loaded,
  Message,
  Section,
  useAction,
  useLoad,
  type WidgetSettingsResponse,
} from './common.js';

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The tag a site pastes; the widget takes the server's address from its own URL. */
export function embedSnippet(origin: string, widgetKey: string): string {
  return `<script type="module" src="${origin}/widget.js" data-key="${widgetKey}"></script>`;
}

/** Black or white, whichever reads better on `hex`. */
function textOn(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#ffffff';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((x) => {
    const c = parseInt(x, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return luminance > 0.179 ? '#111111' : '#ffffff';
}

export function WidgetSection({ api, t }: SectionProps): ComponentChild {
  const state = useLoad(() => api.widgetSettings());
  return h(Loaded<WidgetSettingsResponse>, {
    t,
    state,
    children: (loaded) =>
      h(WidgetEditor, {
        t,
        loaded,
        key: loaded.widgetKey,
        save: async (settings: WidgetSettings) => state.setData(await api.saveWidgetSettings(settings)),
      }),
  });
}

function WidgetEditor({
  t,
  loaded,
  save,
}: {
  t: AdminStrings;
  loaded: WidgetSettingsResponse;
  save: (settings: WidgetSettings) => Promise<void>;
}): ComponentChild {
  const [draft, setDraft] = useState<WidgetSettings>(loaded.settings);
  const [welcome, setWelcome] = useState(loaded.settings.welcomeMessages.join('\n'));
  const [origins, setOrigins] = useState(loaded.settings.allowedOrigins.join('\n'));
  const action = useAction(t);
  const set = (change: Partial<WidgetSettings>) => setDraft((d) => ({ ...d, ...change }));
  const setField = (i: number, change: Partial<PreChatField>) =>
    set({ preChatForm: draft.preChatForm.map((f, j) => (j === i ? { ...f, ...change } : f)) });
  const settings: WidgetSettings = {
    ...draft,
    welcomeMessages: lines(welcome),
    allowedOrigins: lines(origins),
  };
  const snippet = embedSnippet(location.origin, loaded.widgetKey);

  const text = (
    id: string,
    label: string,
    value: string,
    onInput: (v: string) => void,
    extra: Record<string, unknown> = {},
  ) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, value, onInput: (e: Event) => onInput(inputValue(e)), ...extra }),
    );

  return h(
    'div',
    { class: 'widget-admin' },
    h(
      'form',
      {
        class: 'admin-form admin-card widget-form',
        onSubmit: (e: Event) => {
          e.preventDefault();
          void action.run(() => save(settings), t.saved);
        },
      },
      text('w-title', t.widgetTitle, draft.title, (title) => set({ title }), {
        required: true,
        maxLength: 80,
      }),
      text('w-subtitle', t.widgetSubtitle, draft.subtitle, (subtitle) => set({ subtitle }), {
        maxLength: 160,
      }),
      h(
        'div',
        { class: 'field-row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'w-color' }, t.widgetColor),
          h(
            'div',
            { class: 'color-pair' },
            h('input', {
              id: 'w-color',
              type: 'color',
              value: draft.color,
              onInput: (e: Event) => set({ color: inputValue(e) }),
            }),
            h('input', {
              id: 'w-color-text',
              'aria-label': `${t.widgetColor} (#rrggbb)`,
              class: 'narrow',
              pattern: '#[0-9A-Fa-f]{6}',
              value: draft.color,
              onInput: (e: Event) => {
                const v = inputValue(e);
                if (/^#[0-9a-f]{6}$/i.test(v)) set({ color: v });
              },
            }),
          ),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'w-position' }, t.widgetPosition),
          h(
            'select',
            {
              id: 'w-position',
              value: draft.position,
              onChange: (e: Event) => set({ position: inputValue(e) as WidgetSettings['position'] }),
            },
            ['bottom-right', 'bottom-left'].map((p) => h('option', { key: p, value: p }, t.positions[p])),
          ),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'w-language' }, t.widgetLanguage),
          h(
            'select',
            {
              id: 'w-language',
              value: draft.language,
              onChange: (e: Event) => set({ language: inputValue(e) as WidgetSettings['language'] }),
            },
            ['auto', 'en', 'fr'].map((l) => h('option', { key: l, value: l }, t.languages[l])),
          ),
        ),
      ),
      text('w-launcher', t.launcherText, draft.launcherText, (launcherText) => set({ launcherText }), {
        required: true,
        maxLength: 40,
      }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'w-welcome' }, t.welcomeMessages),
        h('textarea', {
          id: 'w-welcome',
          rows: 3,
          value: welcome,
          'aria-describedby': 'w-welcome-hint',
          onInput: (e: Event) => setWelcome(inputValue(e)),
        }),
        h('span', { class: 'hint', id: 'w-welcome-hint' }, t.oneLine),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, t.preChatForm),
        draft.preChatForm.map((f, i) =>
          h(
            'div',
            { class: 'prechat-row', key: i },
            h('input', {
              'aria-label': `${t.fieldKey} ${i + 1}`,
              placeholder: t.fieldKey,
              class: 'narrow',
              required: true,
              pattern: '[a-z][A-Za-z0-9_]{0,31}',
              value: f.key,
              onInput: (e: Event) => setField(i, { key: inputValue(e) }),
            }),
            h('input', {
              'aria-label': `${t.fieldLabel} ${i + 1}`,
              placeholder: t.fieldLabel,
              required: true,
              maxLength: 80,
              value: f.label,
              onInput: (e: Event) => setField(i, { label: inputValue(e) }),
            }),
            h(
              'select',
              {
                'aria-label': `${t.fieldType} ${i + 1}`,
                value: f.type,
                onChange: (e: Event) => setField(i, { type: inputValue(e) as PreChatField['type'] }),
              },
              ['name', 'email', 'text'].map((x) => h('option', { key: x, value: x }, t.fieldTypes[x])),
            ),
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                checked: f.required,
                onChange: (e: Event) => setField(i, { required: (e.target as HTMLInputElement).checked }),
              }),
              t.fieldRequired,
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': t.removeField(f.label || String(i + 1)),
                onClick: () => set({ preChatForm: draft.preChatForm.filter((_, j) => j !== i) }),
              },
              t.remove,
            ),
          ),
        ),
        draft.preChatForm.length < 10 &&
          h(
            'button',
            {
              type: 'button',
              onClick: () =>
                set({
                  preChatForm: [
                    ...draft.preChatForm,
                    { key: `field${draft.preChatForm.length + 1}`, label: '', type: 'text', required: false },
                  ],
                }),
            },
            t.addField,
          ),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, t.offlineForm),
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            id: 'w-offline',
            checked: draft.offlineForm.enabled,
            onChange: (e: Event) =>
              set({ offlineForm: { ...draft.offlineForm, enabled: (e.target as HTMLInputElement).checked } }),
          }),
          t.offlineEnabled,
        ),
        text(
          'w-offline-email',
          t.offlineEmail,
          draft.offlineForm.email ?? '',
          (v) => set({ offlineForm: { ...draft.offlineForm, email: v.trim() ? v.trim() : null } }),
          { type: 'email', required: draft.offlineForm.enabled },
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'w-fallback' }, t.fallbackContact),
        h('input', {
          id: 'w-fallback',
          maxLength: 500,
          value: draft.fallbackContact,
          'aria-describedby': 'w-fallback-hint',
          onInput: (e: Event) => set({ fallbackContact: inputValue(e) }),
        }),
        h('span', { class: 'hint', id: 'w-fallback-hint' }, t.fallbackHint),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'w-origins' }, t.allowedOrigins),
        h('textarea', {
          id: 'w-origins',
          rows: 3,
          value: origins,
          spellcheck: false,
          'aria-describedby': 'w-origins-hint',
          onInput: (e: Event) => setOrigins(inputValue(e)),
        }),
        h('span', { class: 'hint', id: 'w-origins-hint' }, t.originsHint),
      ),
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: action.busy },
        action.busy ? t.saving : t.save,
      ),
      h(Message, { message: action.message }),
    ),
    h(
      'div',
      { class: 'widget-side' },
      h(
        Section,
        { title: t.preview, id: 'preview-title' },
        h('p', { class: 'hint' }, t.previewNote),
        h(WidgetPreview, { t, settings }),
      ),
      h(
        Section,
        { title: t.snippet, id: 'snippet-title' },
        h('p', { class: 'hint' }, t.snippetHint),
        h('pre', { class: 'snippet', 'data-testid': 'snippet' }, h('code', null, snippet)),
        h(CopyButton, { t, text: snippet, label: `${t.copy}: ${t.snippet}` }),
        h('p', { class: 'hint' }, `${t.widgetKey}: `, h('code', null, loaded.widgetKey)),
      ),
    ),
  );
}

/** A static look-alike of the widget: launcher and open panel, in the settings' colour and words. */
function WidgetPreview({ t, settings }: { t: AdminStrings; settings: WidgetSettings }): ComponentChild {
  const fg = textOn(settings.color);
  const accent = { background: settings.color, color: fg };
  return h(
    'div',
    {
      class: `widget-preview ${settings.position}`,
      'data-testid': 'widget-preview',
      'aria-label': t.preview,
    },
    h(
      'div',
      { class: 'wp-panel' },
      h(
        'div',
        { class: 'wp-header', style: accent },
        h('div', { class: 'wp-title' }, settings.title),
        settings.subtitle && h('div', { class: 'wp-subtitle' }, settings.subtitle),
      ),
      h(
        'div',
        { class: 'wp-body' },
        settings.welcomeMessages.map((m, i) => h('div', { class: 'wp-bubble', key: i }, m)),
      ),
      h('div', { class: 'wp-input', 'aria-hidden': 'true' }, t.previewInput),
    ),
    h('div', { class: 'wp-launcher', style: accent }, settings.launcherText),
  );
}
