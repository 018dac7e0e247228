/// <reference lib="dom" />
import type { WidgetConfig } from '@parley/protocol';
import type {
  ChatContext,
  ChatController,
  IdentityProof,
  MountChat,
  WidgetEventName,
  WidgetOptions,
} from '../shared/contract.js';
import { configKey, conversationKey, readStorage, writeStorage } from '../shared/storage-keys.js';
import { readableOn } from './colors.js';
import { DEFAULT_TEXTS } from '../shared/default-texts.js';
import { LOADER_STRINGS, pickLanguage } from './strings.js';
import { LOADER_CSS } from './styles.js';

/** Set by the build: each language's chat chunk, content-hashed, relative to the loader. */
declare const PARLEY_CHAT_PATHS: Record<'en' | 'fr', string>;

/** One embedded widget: its host element, launcher, and (once loaded) the chat. */
export interface WidgetInstance {
  open(): Promise<void>;
  close(): void;
  identify(proof: IdentityProof): Promise<void>;
  destroy(): void;
}

/**
 * Draws the launcher in a Shadow DOM host and loads the chat chunk when it is
 * first needed: on open, on `identify`, or, for a returning visitor with a
 * conversation, in the background once the page is idle (to receive replies).
 */
export function createWidget(
  options: WidgetOptions,
  origin: string,
  emit: (event: WidgetEventName, payload?: unknown) => void,
): WidgetInstance {
  const host = document.createElement('parley-widget');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = LOADER_CSS;
  const frame = document.createElement('div');
  root.append(style, frame);
  const launcher = document.createElement('button');
  launcher.className = 'l';
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-haspopup', 'dialog');
  const label = document.createElement('span');
  const badge = document.createElement('span');
  badge.className = 'b';
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  launcher.append(label, badge);
  launcher.addEventListener('click', () => void (isOpen ? close() : open()));

  const key = options.key;
  let language = pickLanguage(options.lang);
  let config: WidgetConfig | null = null;
  let unreachable = false;
  let isOpen = false;
  let destroyed = false;
  let unreadCount = 0;
  let chat: Promise<ChatController> | null = null;
  let note: HTMLElement | null = null;
  const aborter = new AbortController();
  let idleHandle = 0;

  function draw(): void {
    const settings = config?.settings;
    const color = settings?.color ?? '#1f6feb';
    frame.className = `p ${settings?.position === 'bottom-left' ? 'left' : 'right'}`;
    frame.style.setProperty('--c', color);
    frame.style.setProperty('--f', readableOn(color));
    const words = LOADER_STRINGS[language];
    const text = settings?.launcherText;
    label.textContent = !text ? words.launcher : text === DEFAULT_TEXTS.launcherText ? words.chat : text;
    badge.textContent = unreadCount ? String(unreadCount) : '';
    badge.hidden = unreadCount === 0;
    // The visible words first (WCAG 2.5.3), so a spoken "click Discuter" finds the button.
    launcher.setAttribute(
      'aria-label',
      unreadCount ? `${label.textContent}, ${unreadCount} ${words.unread}` : label.textContent,
    );
    if (!launcher.isConnected) frame.append(launcher);
  }

  async function loadConfig(): Promise<void> {
    if (!key) return; // token mode: nothing to configure, the defaults apply
    const query = options.department ? `?departmentId=${encodeURIComponent(options.department)}` : '';
    try {
      const response = await fetch(`${origin}/v1/widget/${encodeURIComponent(key)}/config${query}`, {
        signal: aborter.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      config = (await response.json()) as WidgetConfig;
      writeStorage(configKey(origin, key), JSON.stringify(config));
    } catch {
      if (destroyed) return;
      // Unreachable (or refusing): the last configuration that loaded still knows the fallback contact.
      unreachable = true;
      const cached = readStorage(configKey(origin, key));
      config = cached ? (JSON.parse(cached) as WidgetConfig) : null;
    }
    if (!options.lang && config) language = config.language;
  }

  function loadChat(): Promise<ChatController> {
    chat ??= import(/* @vite-ignore */ new URL(PARLEY_CHAT_PATHS[language], import.meta.url).href).then(
      (module: { mount: MountChat }) => {
        const context: ChatContext = {
          root,
          origin,
          options,
          config,
          language,
          emit,
          unread(count) {
            unreadCount = count;
            draw();
            emit('unread', { count });
          },
          requestClose: () => close(true),
        };
        const controller = module.mount(context);
        if (destroyed) controller.destroy();
        return controller;
      },
    );
    return chat;
  }

  async function open(): Promise<void> {
    if (isOpen || destroyed) return;
    isOpen = true;
    launcher.setAttribute('aria-expanded', 'true');
    try {
      if (unreachable) throw new Error('unreachable');
      (await loadChat()).setOpen(true);
    } catch {
      // The chunk did not load either: the server went away after the configuration came.
      chat = null;
      showUnreachable();
    }
    emit('open');
  }

  function close(refocus = false): void {
    if (!isOpen) return;
    isOpen = false;
    launcher.setAttribute('aria-expanded', 'false');
    note?.remove();
    note = null;
    void chat?.then((c) => c.setOpen(false));
    if (refocus) launcher.focus();
    emit('close');
  }

  /** The server cannot be reached: no chat to load, but the fallback contact, if known. */
  function showUnreachable(): void {
    const words = LOADER_STRINGS[language];
    note = document.createElement('div');
    note.className = 'u';
    note.setAttribute('role', 'dialog');
    note.setAttribute('aria-label', config?.settings.title ?? words.launcher);
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.textContent = '×';
    dismiss.setAttribute('aria-label', words.close);
    dismiss.addEventListener('click', () => close(true));
    const text = document.createElement('p');
    text.textContent = words.unreachable;
    const contact = document.createElement('p');
    contact.className = 'fallback';
    contact.textContent = config?.settings.fallbackContact ?? '';
    // No configuration ever loaded (a refused origin, a first visit while down): no empty line.
    note.append(dismiss, text, ...(contact.textContent ? [contact] : []));
    note.addEventListener('keydown', (e) => e.key === 'Escape' && close(true));
    frame.append(note);
    dismiss.focus();
  }

  document.body.append(host);
  void loadConfig().then(() => {
    if (destroyed) return;
    draw();
    emit('ready');
    if (options.open) void open();
    else if (!unreachable && key && readStorage(conversationKey(origin, key))) {
      // A returning visitor with a conversation: connect when the page is idle, to receive replies.
      const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
      idleHandle = idle(() => void loadChat());
    }
  });

  return {
    open,
    close: () => close(),
    async identify(proof) {
      await (await loadChat()).identify(proof);
    },
    destroy() {
      destroyed = true;
      aborter.abort();
      (globalThis.cancelIdleCallback ?? clearTimeout)(idleHandle);
      void chat?.then((c) => c.destroy());
      host.remove();
    },
  };
}
