/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { CannedResponse } from '@parley/protocol';
import type { SectionProps } from './admin.js';
import { inputValue, Loaded, Message, Section, useAction, useLoad } from './common.js';

const SHORTCUT = '[a-z0-9][a-z0-9_\\-]{0,31}';

export function CannedSection({ api, t }: SectionProps): ComponentChild {
  const list = useLoad(() => api.canned());
  const action = useAction(t);
  const [shortcut, setShortcut] = useState('');
  const [content, setContent] = useState('');
  const [editing, setEditing] = useState<{ id: string; shortcut: string; content: string } | null>(null);

  return h(
    'div',
    null,
    h(
      Section,
      { title: t.newCanned, id: 'new-canned-title' },
      h(
        'form',
        {
          class: 'admin-form',
          onSubmit: (e: Event) => {
            e.preventDefault();
            void action
              .run(() => api.createCanned(shortcut.trim(), content.trim()))
              .then((ok) => {
                if (!ok) return;
                setShortcut('');
                setContent('');
                list.reload();
              });
          },
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'canned-shortcut' }, t.shortcut),
          h('input', {
            id: 'canned-shortcut',
            required: true,
            pattern: SHORTCUT,
            maxLength: 32,
            autoComplete: 'off',
            'aria-describedby': 'canned-shortcut-hint',
            value: shortcut,
            onInput: (e: Event) => setShortcut(inputValue(e)),
          }),
          h('span', { class: 'hint', id: 'canned-shortcut-hint' }, t.shortcutHint),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'canned-content' }, t.content),
          h('textarea', {
            id: 'canned-content',
            required: true,
            rows: 3,
            value: content,
            onInput: (e: Event) => setContent(inputValue(e)),
          }),
        ),
        h('button', { type: 'submit', class: 'primary', disabled: action.busy }, t.create),
      ),
      h(Message, { message: action.message }),
    ),
    h(
      Section,
      { title: t.sections.canned!, id: 'canned-title' },
      h(Loaded<CannedResponse[]>, {
        t,
        state: list,
        children: (items) =>
          items.length === 0
            ? h('p', { class: 'muted' }, t.none)
            : h(
                'ul',
                { class: 'plain-list canned-list' },
                items.map((c) =>
                  editing?.id === c.id
                    ? h(
                        'li',
                        { key: c.id, class: 'canned-item' },
                        h(
                          'form',
                          {
                            class: 'admin-form',
                            onSubmit: (e: Event) => {
                              e.preventDefault();
                              void action
                                .run(() =>
                                  api.updateCanned(c.id, {
                                    shortcut: editing.shortcut.trim(),
                                    content: editing.content.trim(),
                                  }),
                                )
                                .then((ok) => {
                                  if (!ok) return;
                                  setEditing(null);
                                  list.reload();
                                });
                            },
                          },
                          h('input', {
                            'aria-label': t.shortcut,
                            required: true,
                            pattern: SHORTCUT,
                            value: editing.shortcut,
                            onInput: (e: Event) => setEditing({ ...editing, shortcut: inputValue(e) }),
                          }),
                          h('textarea', {
                            'aria-label': t.content,
                            required: true,
                            rows: 3,
                            value: editing.content,
                            onInput: (e: Event) => setEditing({ ...editing, content: inputValue(e) }),
                          }),
                          h(
                            'div',
                            { class: 'buttons' },
                            h('button', { type: 'submit', class: 'primary', disabled: action.busy }, t.save),
                            h('button', { type: 'button', onClick: () => setEditing(null) }, t.cancel),
                          ),
                        ),
                      )
                    : h(
                        'li',
                        { key: c.id, class: 'canned-item', 'data-shortcut': c.shortcut },
                        h(
                          'div',
                          { class: 'canned-text' },
                          h('code', null, `/${c.shortcut}`),
                          h('p', null, c.content),
                        ),
                        h(
                          'div',
                          { class: 'buttons' },
                          h(
                            'button',
                            {
                              type: 'button',
                              'aria-label': `${t.edit}: /${c.shortcut}`,
                              onClick: () =>
                                setEditing({ id: c.id, shortcut: c.shortcut, content: c.content }),
                            },
                            t.edit,
                          ),
                          h(
                            'button',
                            {
                              type: 'button',
                              class: 'danger',
                              'aria-label': `${t.delete}: /${c.shortcut}`,
                              onClick: () =>
                                confirm(t.confirmDelete(`/${c.shortcut}`)) &&
                                void action
                                  .run(() => api.deleteCanned(c.id))
                                  .then((ok) => ok && list.reload()),
                            },
                            t.delete,
                          ),
                        ),
                      ),
                ),
              ),
      }),
    ),
  );
}
