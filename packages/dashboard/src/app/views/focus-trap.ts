/// <reference lib="dom" />
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type=hidden])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The dialog's tabbable elements in document order, the hidden ones left out. */
function tabbables(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * Makes the element in `ref` behave as a modal dialog for the keyboard, for
 * as long as the calling component is mounted (render it only while open):
 *
 * - on mount, focus moves inside (to the `autoFocus` element, else the first
 *   tabbable one) unless it is already there;
 * - Tab and Shift+Tab wrap around inside, and focus that lands outside (a
 *   click on the backdrop, a script) is brought back;
 * - Escape calls `onEscape`, and the page's own shortcuts do not see it;
 *   without `onEscape` Escape is left alone;
 * - on unmount, focus returns to the element that had it when the dialog
 *   first rendered (the opener), if it is still in the page and enabled.
 *   `returnTo` names the element to use instead when the opener may be gone
 *   or disabled by then (a submit button that was busy).
 */
export function useFocusTrap(
  ref: RefObject<HTMLElement>,
  onEscape?: () => void,
  returnTo?: () => HTMLElement | null | undefined,
): void {
  // Read during the first render, before the dialog (and its autoFocus) is in the page.
  const opener = useRef(document.activeElement);
  const escape = useRef(onEscape);
  escape.current = onEscape;
  const fallback = useRef(returnTo);
  fallback.current = returnTo;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const first = () => dialog.querySelector<HTMLElement>('[autofocus]') ?? tabbables(dialog)[0] ?? dialog;
    if (!dialog.contains(document.activeElement)) first().focus();

    // Capture phase on the document: seen before anything in the page, wherever focus is.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && escape.current) {
        e.preventDefault();
        e.stopPropagation();
        escape.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = tabbables(dialog);
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      const at = items.indexOf(document.activeElement as HTMLElement);
      const last = items.length - 1;
      // Past either end, or from outside the list: Tab goes to the first, Shift+Tab to the last.
      if (at === -1 || (e.shiftKey && at === 0) || (!e.shiftKey && at === last)) {
        e.preventDefault();
        items[e.shiftKey ? last : 0]!.focus();
      }
    };
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !dialog.contains(e.target)) first().focus();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('focusin', onFocusIn);
      const candidates = [opener.current, fallback.current?.()];
      const target = candidates.find(
        (el): el is HTMLElement =>
          el instanceof HTMLElement &&
          el !== document.body &&
          el.isConnected &&
          !(el as HTMLButtonElement).disabled,
      );
      target?.focus();
    };
  }, [ref]);
}
