/// <reference lib="dom" />
import { h, type ComponentChild, type ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { useFocusTrap } from './focus-trap.js';

/**
 * A modal dialog over a dimmed page, with the keyboard kept inside it
 * (`useFocusTrap`: Tab wraps, Escape calls `onEscape`, focus goes back to the
 * opener, or to `returnTo`). Render it only while open. `onBackdrop` closes
 * it on a click outside, for dialogs that lose nothing by closing.
 */
export function Modal(props: {
  role?: 'dialog' | 'alertdialog';
  labelledBy: string;
  describedBy?: string;
  onEscape?: () => void;
  returnTo?: () => HTMLElement | null;
  onBackdrop?: () => void;
  children?: ComponentChildren;
}): ComponentChild {
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog, props.onEscape, props.returnTo);
  const { onBackdrop } = props;
  return h(
    'div',
    {
      class: 'overlay',
      ...(onBackdrop && { onClick: (e: MouseEvent) => e.target === e.currentTarget && onBackdrop() }),
    },
    h(
      'div',
      {
        class: 'dialog',
        role: props.role ?? 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': props.labelledBy,
        ...(props.describedBy && { 'aria-describedby': props.describedBy }),
        ref: dialog,
      },
      props.children,
    ),
  );
}
