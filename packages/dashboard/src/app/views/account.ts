/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { isParleyError } from '@parley/sdk';
import type { AppModel, SignedIn } from '../app-model.js';
import { Header, HelpOverlay, ReconnectingBanner } from './header.js';
import { Alert, describe, Field } from './auth.js';
import { useInboxKeysOff } from './admin/common.js';
import { ACCOUNT_LIMITS } from '@parley/protocol/field-limits';

/**
 * The signed-in agent's own account: who they are, and a password change.
 * The server ends every session of the account and answers with a new one
 * for this tab, which the app adopts (its live connection starts again).
 */
export function AccountScreen({ model, s }: { model: AppModel; s: SignedIn }): ComponentChild {
  const t = model.t;
  useInboxKeysOff();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await model.changePassword(current, next);
      setCurrent('');
      setNext('');
      setResult({ ok: true, text: t.passwordChanged });
    } catch (err) {
      const refused = isParleyError(err) && (err.code === 'invalid_credentials' || err.status === 400);
      setResult({ ok: false, text: refused ? err.message : describe(err, t) });
    } finally {
      setBusy(false);
    }
  };
  return h(
    'div',
    { class: 'shell' },
    h(Header, { model, s }),
    h(ReconnectingBanner, { model, s }),
    h(
      'main',
      { class: 'reports account' },
      h('h1', { class: 'admin-title' }, t.accountTitle),
      h(
        'section',
        { class: 'admin-card', 'aria-labelledby': 'account-who' },
        h('h2', { id: 'account-who' }, s.account.displayName),
        h('p', { class: 'muted', 'data-testid': 'account-email' }, s.account.email),
      ),
      h(
        'section',
        { class: 'admin-card', 'aria-labelledby': 'password-title' },
        h('h2', { id: 'password-title' }, t.changePassword),
        h('p', { class: 'hint' }, t.changePasswordIntro),
        h(
          'form',
          { class: 'admin-form', onSubmit: (e: Event) => void submit(e) },
          h(Field, {
            id: 'current-password',
            label: t.currentPassword,
            type: 'password',
            value: current,
            onInput: setCurrent,
            autocomplete: 'current-password',
          }),
          h(Field, {
            id: 'new-password',
            label: t.newPassword,
            type: 'password',
            value: next,
            onInput: setNext,
            autocomplete: 'new-password',
            hint: t.passwordHint,
            minLength: ACCOUNT_LIMITS.passwordMinLength,
          }),
          h(Alert, { text: result?.text ?? null, kind: result?.ok ? 'ok' : 'error' }),
          h('button', { type: 'submit', class: 'primary', disabled: busy }, t.changePasswordSubmit),
        ),
      ),
    ),
    model.helpOpen && h(HelpOverlay, { model }),
  );
}
