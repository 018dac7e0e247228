/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { AgentStatus } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import type { Language } from '../i18n.js';

export function LanguageSwitch({ model }: { model: AppModel }): ComponentChild {
  return h(
    'select',
    {
      class: 'language',
      'aria-label': model.t.language,
      value: model.language,
      onChange: (e: Event) => model.setLanguage((e.target as HTMLSelectElement).value as Language),
    },
    h('option', { value: 'en', lang: 'en' }, 'English'),
    h('option', { value: 'fr', lang: 'fr' }, 'Français'),
  );
}

/** The signed-in bar: who, their status, language, notifications, help and sign-out. */
export function Header({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  const status = s.account.agent?.status;
  const permission = model.alerts.notificationsAllowed;
  return h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'Parley'),
    h('span', { class: 'who' }, s.account.displayName),
    h('span', { class: 'spacer' }),
    status &&
      h(
        'label',
        { class: `status-switch ${status}` },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('span', { class: 'sr' }, t.status),
        h(
          'select',
          {
            value: status,
            'data-testid': 'agent-status',
            onChange: (e: Event) =>
              void model
                .setStatus((e.target as HTMLSelectElement).value as AgentStatus)
                .catch(() => model.changed()),
          },
          h('option', { value: 'online' }, t.statusOnline),
          h('option', { value: 'away' }, t.statusAway),
          h('option', { value: 'offline' }, t.statusOffline),
        ),
      ),
    permission === 'default' &&
      h(
        'button',
        {
          type: 'button',
          class: 'ghost hide-narrow',
          onClick: () => void model.alerts.askPermission().then(model.changed),
        },
        t.enableNotifications,
      ),
    h(LanguageSwitch, { model }),
    h(
      'button',
      {
        type: 'button',
        class: 'ghost icon',
        'aria-label': t.shortcutsButton,
        title: t.shortcutsButton,
        onClick: () => {
          model.helpOpen = true;
          model.changed();
        },
      },
      '?',
    ),
    h('button', { type: 'button', class: 'ghost', onClick: () => void model.signOut() }, t.signOut),
  );
}

export function ReconnectingBanner({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const show = s.wasConnected && (s.connection === 'reconnecting' || s.connection === 'connecting');
  if (!show) return null;
  return h(
    'div',
    { class: 'banner', role: 'status' },
    model.t.reconnecting,
    ' ',
    h('button', { type: 'button', class: 'link', onClick: () => s.client.reconnect() }, model.t.reconnectNow),
  );
}

export function HelpOverlay({ model }: { model: AppModel }): ComponentChild {
  const t = model.t;
  const close = () => {
    model.helpOpen = false;
    model.changed();
  };
  return h(
    'div',
    { class: 'overlay', onClick: (e: MouseEvent) => e.target === e.currentTarget && close() },
    h(
      'div',
      { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'help-title' },
      h('h2', { id: 'help-title' }, t.shortcutsTitle),
      h(
        'dl',
        { class: 'shortcuts' },
        t.shortcuts.map(([key, what]) => [
          h('dt', { key }, h('kbd', null, key)),
          h('dd', { key: `${key}-d` }, what),
        ]),
      ),
      h('button', { type: 'button', class: 'primary', autoFocus: true, onClick: close }, t.close),
    ),
  );
}
