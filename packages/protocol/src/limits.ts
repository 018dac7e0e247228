/**
 * Default limits. Each is configurable on the server (see the README's
 * configuration table); these are the values a server runs with out of the box,
 * and the values the documentation promises.
 */
export const DEFAULT_LIMITS = {
  /** Maximum UTF-8 bytes of a message's content (text or html). */
  messageContentBytes: 28 * 1024,
  /** Maximum bytes of a REST request body. */
  requestBodyBytes: 64 * 1024,
  /** Maximum bytes of one WebSocket frame sent by a client. */
  frameBytes: 64 * 1024,
  /** Maximum participants in one thread. */
  participantsPerThread: 250,
  /** Largest page any list endpoint returns. */
  maxPageSize: 200,
  /** Page size when the caller does not say. */
  defaultPageSize: 50,
  /** Messages one user may send per second, across threads (burst is twice this). */
  userSendsPerSecond: 20,
  /** Messages one thread may receive per second, across senders (burst is twice this). */
  threadSendsPerSecond: 100,
  /** Requests one IP may make to the public widget routes per minute (burst is a minute's worth). */
  visitorRequestsPerMinute: 60,
  /** Bytes queued for one socket before it is closed as a slow consumer. */
  socketBufferBytes: 1024 * 1024,
  /** Most events replayed on resume before the server answers `resync_required`. */
  resumeMaxEvents: 5000,
  /** Entries of a message's metadata map, and bytes of each key and value. */
  metadataEntries: 32,
  metadataKeyBytes: 64,
  metadataValueBytes: 1024,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
