/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { AdminStrings } from '../../i18n-admin.js';
import { Modal } from '../modal.js';
import { Message, useAction } from './common.js';

/**
 * Replaces the public widget key, after a confirmation saying what it costs:
 * the old key stops working at once, so every site needs the new snippet.
 * `rotate` stores the server's answer, and the snippet follows.
 */
export function RotateKey({ t, rotate }: { t: AdminStrings; rotate: () => Promise<void> }): ComponentChild {
  const [asking, setAsking] = useState(false);
  const action = useAction(t);
  const opener = useRef<HTMLButtonElement>(null);

  return h(
    'div',
    { class: 'rotate-key' },
    h(
      'button',
      { type: 'button', class: 'danger', ref: opener, onClick: () => setAsking(true) },
      t.rotateKey,
    ),
    h(Message, { message: action.message }),
    asking &&
      h(RotateDialog, {
        t,
        busy: action.busy,
        confirm: () => void action.run(rotate, t.rotated).then(() => setAsking(false)),
        cancel: () => setAsking(false),
        // Safari does not focus a clicked button: the opener is then named rather than remembered.
        returnTo: () => opener.current,
      }),
  );
}

/** The confirmation: Escape cancels, as the focused-by-default Cancel button does. */
function RotateDialog({
  t,
  busy,
  confirm,
  cancel,
  returnTo,
}: {
  t: AdminStrings;
  busy: boolean;
  confirm: () => void;
  cancel: () => void;
  returnTo: () => HTMLElement | null;
}): ComponentChild {
  return h(
    Modal,
    {
      role: 'alertdialog',
      labelledBy: 'rotate-title',
      describedBy: 'rotate-warning',
      onEscape: cancel,
      returnTo,
    },
    h('h2', { id: 'rotate-title' }, t.rotateTitle),
    h('p', { class: 'alert error', id: 'rotate-warning' }, t.rotateWarning),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', class: 'danger', disabled: busy, onClick: confirm }, t.rotateConfirm),
      h('button', { type: 'button', autoFocus: true, onClick: cancel }, t.cancel),
    ),
  );
}
