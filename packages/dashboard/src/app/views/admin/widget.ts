/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { WidgetSettings } from '@parley/protocol';
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
import { RotateKey } from './widget-key.js';
import { DepartmentOverrides } from './widget-overrides.js';
import { ColorInput, lines, PreChatEditor, WidgetPreview } from './widget-parts.js';
import { WIDGET_LIMITS } from '@parley/protocol/field-limits';

/** The tag a site pastes; the widget takes the server's address from its own URL. */
export function embedSnippet(origin: string, widgetKey: string): string {
  return `<script type="module" src="${origin}/widget.js" data-key="${widgetKey}"></script>`;
}

export function WidgetSection({ api, t }: SectionProps): ComponentChild {
  const state = useLoad(() => api.widgetSettings());
  return h(Loaded<WidgetSettingsResponse>, {
    t,
    state,
    children: (loaded) => [
      h(WidgetEditor, {
        t,
        loaded,
        // Not the widget key: a rotation must keep the form's unsaved changes.
        key: loaded.organizationId,
        save: async (settings: WidgetSettings) => state.setData(await api.saveWidgetSettings(settings)),
        rotate: async () => state.setData(await api.rotateWidgetKey()),
      }),
      h(DepartmentOverrides, { key: 'overrides', api, t, organization: loaded.settings }),
    ],
  });
}

function WidgetEditor({
  t,
  loaded,
  save,
  rotate,
}: {
  t: AdminStrings;
  loaded: WidgetSettingsResponse;
  save: (settings: WidgetSettings) => Promise<void>;
  rotate: () => Promise<void>;
}): ComponentChild {
  const [draft, setDraft] = useState<WidgetSettings>(loaded.settings);
  const [welcome, setWelcome] = useState(loaded.settings.welcomeMessages.join('\n'));
  const [origins, setOrigins] = useState(loaded.settings.allowedOrigins.join('\n'));
  const action = useAction(t);
  const set = (change: Partial<WidgetSettings>) => setDraft((d) => ({ ...d, ...change }));
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
        maxLength: WIDGET_LIMITS.titleLength,
      }),
      text('w-subtitle', t.widgetSubtitle, draft.subtitle, (subtitle) => set({ subtitle }), {
        maxLength: WIDGET_LIMITS.subtitleLength,
      }),
      h(
        'div',
        { class: 'field-row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'w-color' }, t.widgetColor),
          h(ColorInput, { t, id: 'w-color', value: draft.color, onChange: (color) => set({ color }) }),
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
        maxLength: WIDGET_LIMITS.launcherTextLength,
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
        h(PreChatEditor, {
          t,
          fields: draft.preChatForm,
          onChange: (preChatForm) => set({ preChatForm }),
        }),
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
          maxLength: WIDGET_LIMITS.fallbackContactLength,
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
        h(RotateKey, { t, rotate }),
      ),
    ),
  );
}
