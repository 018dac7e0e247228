/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ApiKey, CreatedApiKey } from '@parley/protocol';
import type { AdminStrings } from '../../i18n-admin.js';
import { Modal } from '../modal.js';
import type { SectionProps } from './admin.js';
import {
  CopyButton,
  formatDateTime,
  inputValue,
  Loaded,
  Message,
  Section,
  useAction,
  useLoad,
  scrollRegion,
} from './common.js';

/** The tenant's API keys (tenant admins only): create (the secret shown once), list, revoke. */
export function ApiKeysSection({ api, t, model }: SectionProps): ComponentChild {
  const list = useLoad(() => api.apiKeys());
  const action = useAction(t);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);

  return h(
    'div',
    null,
    h('p', { class: 'hint' }, t.keysIntro),
    h(
      Section,
      { title: t.newKey, id: 'new-key-title' },
      h(
        'form',
        {
          class: 'admin-form inline-form',
          onSubmit: (e: Event) => {
            e.preventDefault();
            void action
              .run(async () => setCreated(await api.createApiKey(name.trim())))
              .then((ok) => {
                if (!ok) return;
                setName('');
                list.reload();
              });
          },
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'key-name' }, t.keyName),
          h('input', {
            id: 'key-name',
            required: true,
            maxLength: 128,
            value: name,
            onInput: (e: Event) => setName(inputValue(e)),
          }),
        ),
        h('button', { type: 'submit', class: 'primary', disabled: action.busy, ref: createButton }, t.create),
      ),
      h(Message, { message: action.message }),
    ),
    created &&
      h(SecretDialog, {
        t,
        secret: created.secret,
        done: () => setCreated(null),
        returnTo: () => createButton.current,
      }),
    h(
      Section,
      { title: t.sections['api-keys']!, id: 'keys-title' },
      h(Loaded<ApiKey[]>, {
        t,
        state: list,
        children: (items) =>
          items.length === 0
            ? h('p', { class: 'muted' }, t.none)
            : h(
                'div',
                scrollRegion(t.sections['api-keys']!),
                h(
                  'table',
                  { class: 'admin-table' },
                  h(
                    'thead',
                    null,
                    h(
                      'tr',
                      null,
                      h('th', { scope: 'col' }, t.keyName),
                      h('th', { scope: 'col' }, t.keyPrefix),
                      h('th', { scope: 'col' }, t.keyCreated),
                      h('th', { scope: 'col' }, t.keyLastUsed),
                      h('th', { scope: 'col' }, h('span', { class: 'sr' }, t.revoke)),
                    ),
                  ),
                  h(
                    'tbody',
                    null,
                    items.map((k) =>
                      h(
                        'tr',
                        { key: k.id, 'data-key-id': k.id },
                        h('th', { scope: 'row' }, k.name),
                        h('td', null, h('code', null, `${k.prefix}…`)),
                        h('td', null, formatDateTime(k.createdAt, model.language)),
                        h('td', null, k.lastUsedAt ? formatDateTime(k.lastUsedAt, model.language) : t.never),
                        h(
                          'td',
                          null,
                          h(
                            'button',
                            {
                              type: 'button',
                              class: 'danger',
                              'aria-label': `${t.revoke}: ${k.name}`,
                              onClick: () =>
                                confirm(t.confirmRevoke(k.name)) &&
                                void action
                                  .run(() => api.revokeApiKey(k.id))
                                  .then((ok) => ok && list.reload()),
                            },
                            t.revoke,
                          ),
                        ),
                      ),
                    ),
                  ),
                ),
              ),
      }),
    ),
  );
}

/**
 * The new key's secret, shown once: the server keeps only its hash. Escape
 * does not close it, since that would throw the secret away on a stray key
 * press; it moves focus to the "done" button instead, so closing stays one
 * deliberate Enter away.
 */
function SecretDialog({
  t,
  secret,
  done,
  returnTo,
}: {
  t: AdminStrings;
  secret: string;
  done: () => void;
  returnTo: () => HTMLElement | null;
}): ComponentChild {
  const doneButton = useRef<HTMLButtonElement>(null);
  return h(
    Modal,
    {
      labelledBy: 'secret-title',
      describedBy: 'secret-warning',
      onEscape: () => doneButton.current?.focus(),
      returnTo,
    },
    h('h2', { id: 'secret-title' }, t.secretTitle),
    h('p', { class: 'alert error', id: 'secret-warning' }, t.secretWarning),
    h('label', { for: 'key-secret', class: 'sr' }, t.secretTitle),
    h('input', {
      id: 'key-secret',
      class: 'secret',
      readOnly: true,
      value: secret,
      onFocus: (e: Event) => (e.target as HTMLInputElement).select(),
    }),
    h(
      'div',
      { class: 'buttons' },
      h(CopyButton, { t, text: secret }),
      h(
        'button',
        { type: 'button', class: 'primary', autoFocus: true, ref: doneButton, onClick: done },
        t.secretDone,
      ),
    ),
  );
}
