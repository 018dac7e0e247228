/// <reference lib="dom" />
import type { IdentityProof, WidgetEventName, WidgetOptions } from '../shared/contract.js';
import { createWidget, type WidgetInstance } from './widget.js';

/*
 * widget.js: the loader every visitor downloads. It reads its own script tag
 * (or waits for `Parley.init`), draws the launcher and loads the chat on demand.
 * The module is evaluated once per page, so `window.Parley` and the exports of
 * `import('https://HOST/widget.js')` are the same object.
 */

const origin = new URL(import.meta.url).origin;
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let current: WidgetInstance | null = null;

function emit(event: WidgetEventName, payload?: unknown): void {
  for (const handler of [...(listeners.get(event) ?? [])]) {
    try {
      handler(payload);
    } catch (err) {
      // A site's handler must not break the widget, nor hide its own error.
      console.error(err);
    }
  }
}

/** Starts the widget (SPAs); a running one is replaced. */
export function init(options: WidgetOptions): void {
  current?.destroy();
  current = createWidget(options, origin, emit);
}

export function open(): Promise<void> {
  return current?.open() ?? Promise.resolve();
}

export function close(): void {
  current?.close();
}

/** Links the visitor to the site's logged-in customer (proof signed by the site's backend). */
export function identify(proof: IdentityProof): Promise<void> {
  return current ? current.identify(proof) : Promise.reject(new Error('Parley: call init() first.'));
}

/** Subscribes to 'message', 'open', 'close', 'unread' or 'ready'; returns the unsubscribe function. */
export function on(event: WidgetEventName, handler: (payload: unknown) => void): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(handler);
  return () => void set.delete(handler);
}

/** Removes the widget: its element, WebSocket, timers and listeners. `init` may follow. */
export function destroy(): void {
  current?.destroy();
  current = null;
  listeners.clear();
}

const api = { init, open, close, identify, on, destroy };
(window as unknown as { Parley: typeof api }).Parley = api;

// The embedding tag: a module script has no `document.currentScript`, so find ours by URL.
const tag = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find(
  (s) => s.src === import.meta.url,
);
const data = tag?.dataset;
const token = tag?.getAttribute('token') ?? data?.token;
if (data && (data.key || token)) {
  init({
    key: data.key,
    token,
    thread: data.thread,
    department: data.department,
    location: data.location,
    lang: data.lang === 'fr' || data.lang === 'en' ? data.lang : undefined,
    sound: data.sound !== 'off',
    open: data.open === 'true',
  });
}
