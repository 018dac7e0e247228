/// <reference lib="dom" />
import type { WidgetConfig } from '@parley/protocol';

/*
 * The contract between the loader (`widget.js`, always downloaded) and the chat
 * chunk (downloaded on first open). Types only: nothing here reaches a bundle.
 */

/** What an embedding page chooses, from the script tag's attributes or `Parley.init(...)`. */
export interface WidgetOptions {
  /** The organization's public widget key (`wk_…`). */
  key?: string;
  /** An operator or user access token (seed 002): chat as that user, in `thread`. */
  token?: string;
  /** With `token`: the thread to open. */
  thread?: string;
  department?: string;
  /** Where the visitor is, as the site knows it (free text, e.g. `Lyon, France`): shown to agents. */
  location?: string;
  lang?: 'en' | 'fr';
  /** false: no beep on new messages. */
  sound?: boolean;
  /** Open the panel at once. */
  open?: boolean;
}

export interface IdentityProof {
  userId: string;
  timestamp: number | string;
  signature: string;
}

export type WidgetEventName = 'message' | 'open' | 'close' | 'unread' | 'ready';

/** A new message, as `on('message', …)` handlers receive it. */
export interface WidgetMessageEvent {
  id: string;
  content: string;
  senderDisplayName: string;
  /** True for the visitor's own messages. */
  mine: boolean;
}

/** What the loader hands the chat chunk. */
export interface ChatContext {
  /** The shadow root the loader made; the chat adds its panel there. */
  root: ShadowRoot;
  /** The Parley server's origin, from the loader's own URL. */
  origin: string;
  options: WidgetOptions;
  /** Null when no key was given (token mode) or the config could not be fetched. */
  config: WidgetConfig | null;
  language: 'en' | 'fr';
  emit(event: WidgetEventName, payload?: unknown): void;
  /** The number of messages the visitor has not seen; the loader draws the badge. */
  unread(count: number): void;
  /** The panel asks to close (Escape, its close button): the loader closes it and refocuses the launcher. */
  requestClose(): void;
}

export interface ChatController {
  setOpen(open: boolean): void;
  identify(proof: IdentityProof): Promise<void>;
  /** Closes the WebSocket, clears timers and listeners, removes the panel. */
  destroy(): void;
}

export type MountChat = (context: ChatContext) => ChatController;
