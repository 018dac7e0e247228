/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { AgentStatus } from '@parley/protocol';
import type { AppModel, SignedIn } from '../app-model.js';
import type { Language } from '../i18n.js';
import { ADMIN_LANGUAGES } from '../i18n-admin.js';
import { href } from '../router.js';
import { canSeeReports, isOrganizationAdmin } from './admin/common.js';
import { Modal } from './modal.js';

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
    h(AppNav, { model, s }),
    h(
      'a',
      {
        class: 'who',
        href: href({ name: 'account' }),
        title: t.accountLink,
        'aria-current': model.route.name === 'account' ? 'page' : undefined,
      },
      s.account.displayName,
    ),
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

/** Inbox, Reports, Administration: shown to those who may see more than the inbox. */
function AppNav({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const reports = canSeeReports(s.account);
  const admin = isOrganizationAdmin(s.account);
  if (!reports && !admin) return null;
  const t = ADMIN_LANGUAGES[model.language];
  const here = model.route.name;
  const link = (name: 'inbox' | 'reports' | 'admin', label: string, target: string) =>
    h(
      'a',
      { href: target, class: 'app-nav-link', 'aria-current': here === name ? 'page' : undefined },
      label,
    );
  return h(
    'nav',
    { class: 'app-nav', 'aria-label': t.navLabel },
    link('inbox', t.navInbox, href({ name: 'inbox', conversationId: null })),
    reports && link('reports', t.navReports, href({ name: 'reports' })),
    admin && link('admin', t.navAdmin, href({ name: 'admin', section: 'organization' })),
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
    Modal,
    { labelledBy: 'help-title', onEscape: close, onBackdrop: close },
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
  );
}
