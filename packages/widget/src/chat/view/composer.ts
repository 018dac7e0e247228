/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import type { ChatModel } from '../model.js';

const EMOJI = [
  '😀',
  '😂',
  '😊',
  '😍',
  '🙂',
  '😉',
  '😢',
  '😮',
  '👍',
  '👎',
  '🙏',
  '👏',
  '🎉',
  '❤️',
  '🔥',
  '✅',
];

/** The message box: Enter sends, Shift+Enter breaks the line; typing is announced (throttled). */
export function Composer({ model }: { model: ChatModel }): ComponentChild {
  const t = model.t;
  const send = () => {
    void model.send(model.draft);
    model.ui({ draft: '' });
  };
  const insert = (emoji: string, button: HTMLElement) => {
    const input = button.closest('form')!.querySelector('textarea')!;
    const text = model.draft;
    const at = input.selectionStart ?? text.length;
    model.ui({ draft: text.slice(0, at) + emoji + text.slice(input.selectionEnd ?? at), picker: false });
    // The value was just rendered (which puts the caret at the end): back after the emoji.
    input.focus();
    input.setSelectionRange(at + emoji.length, at + emoji.length);
  };
  // The picker takes the focus when it opens and gives it back to its button when it closes.
  const toggle = (button: HTMLElement, open: boolean) => {
    const form = button.closest('form')!;
    model.ui({ picker: open });
    (open
      ? form.querySelector<HTMLElement>('.emojis button')
      : form.querySelector<HTMLElement>('.pick')
    )?.focus();
  };
  return h(
    'form',
    {
      class: 'composer',
      onSubmit: (e: Event) => {
        e.preventDefault();
        send();
      },
    },
    model.picker &&
      h(
        'div',
        {
          class: 'emojis',
          role: 'group',
          'aria-label': t.emoji,
          onKeyDown: (e: KeyboardEvent) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            toggle(e.currentTarget as HTMLElement, false);
          },
        },
        EMOJI.map((emoji) =>
          h(
            'button',
            {
              type: 'button',
              key: emoji,
              'aria-label': emoji,
              onClick: (e: MouseEvent) => insert(emoji, e.currentTarget as HTMLElement),
            },
            emoji,
          ),
        ),
      ),
    h('label', { for: 'pw-input', class: 'sr' }, t.messageLabel),
    h('textarea', {
      id: 'pw-input',
      rows: 1,
      value: model.draft,
      placeholder: t.placeholder,
      onInput: (e: Event) => {
        model.ui({ draft: (e.target as HTMLTextAreaElement).value });
        model.typed();
      },
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          send();
        }
      },
    }),
    h(
      'button',
      {
        type: 'button',
        class: 'icon pick',
        'aria-label': t.emoji,
        'aria-expanded': model.picker,
        onClick: (e: MouseEvent) => toggle(e.currentTarget as HTMLElement, !model.picker),
      },
      // A text-font smiley: shown even where no emoji font is installed.
      '☺',
    ),
    h('button', { type: 'submit', class: 'send', 'aria-label': t.send }, '➤'),
  );
}
