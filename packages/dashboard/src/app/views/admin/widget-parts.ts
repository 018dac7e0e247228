/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { PreChatField, WidgetSettings } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import { inputValue } from './common.js';
import { WIDGET_LIMITS } from '@parley/protocol/field-limits';

/** Pieces shared by the organization's widget form and a department's overrides. */

export const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

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

/** A colour picker with its `#rrggbb` text twin; `id` names the picker (the label's target). */
export function ColorInput({
  t,
  id,
  value,
  disabled,
  onChange,
}: {
  t: AdminStrings;
  id: string;
  value: string;
  disabled?: boolean;
  onChange: (color: string) => void;
}): ComponentChild {
  return h(
    'div',
    { class: 'color-pair' },
    h('input', { id, type: 'color', value, disabled, onInput: (e: Event) => onChange(inputValue(e)) }),
    h('input', {
      id: `${id}-text`,
      'aria-label': `${t.widgetColor} (#rrggbb)`,
      class: 'narrow',
      pattern: '#[0-9A-Fa-f]{6}',
      value,
      disabled,
      onInput: (e: Event) => {
        const v = inputValue(e);
        if (/^#[0-9a-f]{6}$/i.test(v)) onChange(v);
      },
    }),
  );
}

/** The pre-chat form's fields: key, label, type, required; up to ten. */
export function PreChatEditor({
  t,
  fields,
  disabled,
  onChange,
}: {
  t: AdminStrings;
  fields: PreChatField[];
  disabled?: boolean;
  onChange: (fields: PreChatField[]) => void;
}): ComponentChild {
  const setField = (i: number, change: Partial<PreChatField>) =>
    onChange(fields.map((f, j) => (j === i ? { ...f, ...change } : f)));
  return h(
    'div',
    null,
    fields.map((f, i) =>
      h(
        'div',
        { class: 'prechat-row', key: i },
        h('input', {
          'aria-label': `${t.fieldKey} ${i + 1}`,
          placeholder: t.fieldKey,
          class: 'narrow',
          required: true,
          disabled,
          pattern: '[a-z][A-Za-z0-9_]{0,31}',
          value: f.key,
          onInput: (e: Event) => setField(i, { key: inputValue(e) }),
        }),
        h('input', {
          'aria-label': `${t.fieldLabel} ${i + 1}`,
          placeholder: t.fieldLabel,
          required: true,
          disabled,
          maxLength: WIDGET_LIMITS.preChatLabelLength,
          value: f.label,
          onInput: (e: Event) => setField(i, { label: inputValue(e) }),
        }),
        h(
          'select',
          {
            'aria-label': `${t.fieldType} ${i + 1}`,
            value: f.type,
            disabled,
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
            disabled,
            onChange: (e: Event) => setField(i, { required: (e.target as HTMLInputElement).checked }),
          }),
          t.fieldRequired,
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            disabled,
            'aria-label': t.removeField(f.label || String(i + 1)),
            onClick: () => onChange(fields.filter((_, j) => j !== i)),
          },
          t.remove,
        ),
      ),
    ),
    fields.length < 10 &&
      h(
        'button',
        {
          type: 'button',
          disabled,
          onClick: () =>
            onChange([
              ...fields,
              { key: `field${fields.length + 1}`, label: '', type: 'text', required: false },
            ]),
        },
        t.addField,
      ),
  );
}

/** A static look-alike of the widget: launcher and open panel, in the settings' colour and words. */
export function WidgetPreview({
  t,
  settings,
  testId = 'widget-preview',
}: {
  t: AdminStrings;
  settings: WidgetSettings;
  testId?: string;
}): ComponentChild {
  const fg = textOn(settings.color);
  const accent = { background: settings.color, color: fg };
  return h(
    'div',
    {
      class: `widget-preview ${settings.position}`,
      'data-testid': testId,
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
