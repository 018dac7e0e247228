import type { Limits } from '@parley/protocol';

/** What the domain needs to know of the configuration; filled in by the process entry. */
export interface CoreConfig {
  limits: Limits;
  /** Secret for signing user access tokens (HS256), at least 32 bytes. */
  tokenSecret: Uint8Array;
  /** Default lifetime of an access token, seconds. */
  tokenTtlSeconds: number;
  /**
   * The server's public base URL (no trailing slash), for links in mail
   * (password resets, invitations). Never taken from a request's Host header,
   * which a caller controls.
   */
  publicUrl: string;
  /** Live-chat routing timers. */
  livechat: LivechatTimings;
}

export interface LivechatTimings {
  /** How long an assigned agent has to answer before the conversation is requeued; null: never. */
  answerTimeoutMs: number | null;
  /** How long after an online agent's last connection closes they are set `away`. */
  awayGraceMs: number;
  /**
   * The wait before retrying a transcript the mail server did not take at
   * resolve; it doubles with each failed attempt (`livechat/transcript-delivery.ts`).
   */
  transcriptRetryMs: number;
}
