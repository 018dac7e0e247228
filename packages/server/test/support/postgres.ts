import { randomBytes } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import pg from 'pg';
import { expect, vi } from 'vitest';
import type { AppendMessageInput, Store } from '../../src/core/ports/store.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import { A, at, message, participant } from '../store-conformance/helpers.js';
import { TEST_DATABASE_URL } from './services.js';

/**
 * Helpers for the PostgresStore suites. Each test file runs in its own worker,
 * with its own instance of this module: it closes `admin` in its own afterAll,
 * and runs the `cleanup` of its `testStores()` in its own afterEach.
 */

/** A name no other test uses, e.g. `s_1a2b3c4d5e6f`. */
export const freshName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** Sets up and inspects schemas from outside the stores, as another process would. */
export const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
admin.on('error', () => undefined);

/** Drops a schema and everything in it, if it exists. */
export const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);

/**
 * Stores for the tests of one block: `openStore` opens one on a fresh schema (or the given one),
 * noting the schema in `schemas`; `cleanup` (run it after each test) closes the stores, cuts the
 * relays pushed to `relays`, and drops the schemas.
 */
export function testStores() {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const relays: Relay[] = [];

  /** A store on a fresh schema (or the given one), closed and dropped after the test. */
  const openStore = async (options: Partial<PostgresStoreOptions> = {}) => {
    const schema = options.schema ?? freshName('s');
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = await PostgresStore.open({ url: TEST_DATABASE_URL, ...options, schema });
    stores.push(store);
    return store;
  };

  const cleanup = async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const relay of relays.splice(0)) relay.cut();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  };

  return { schemas, relays, openStore, cleanup };
}

/** Creates thread th-1 of tenant A, with alice and bob. */
export const thread1 = (store: Store) =>
  store.createThread({
    tenantId: A,
    id: 'th-1',
    topic: 'Topic',
    metadata: {},
    createdBy: 'alice',
    participants: [participant('alice'), participant('bob')],
    at: at(0),
  });

/** Appends a message from alice to th-1. */
export const send = (store: Store, id: string, extra: Partial<AppendMessageInput> = {}) =>
  store.appendMessage({ ...message('th-1', 'alice', 1), id, ...extra });

/** The input creating thread `id` of tenant A, with alice alone. */
export function threadInputFor(id: string) {
  return {
    tenantId: A,
    id,
    topic: 'Topic',
    metadata: {},
    createdBy: 'alice',
    participants: [participant('alice')],
    at: at(0),
  };
}

/** The error PostgresStore.open rejects with (a store that opens anyway is closed, and fails the test). */
export async function openFailure(options: PostgresStoreOptions): Promise<Error> {
  const outcome = await PostgresStore.open(options).then(
    async (store) => {
      await store.close();
      return new Error('unexpectedly opened');
    },
    (err: unknown) => err as Error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome;
}

/** Ends the server sessions of a store (by application name), waiting until they are gone. */
export async function terminate(applicationName: string): Promise<void> {
  await admin.query(
    'SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
}

/** Waits until a session of the store is blocked on a lock held by another session. */
export async function waitUntilBlocked(applicationName: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const { rowCount } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [applicationName],
      );
      expect(rowCount).toBe(1);
    },
    { timeout: 5000, interval: 20 },
  );
}

export interface Relay {
  url(databaseUrl: string): string;
  /** Closes the listener and every connection: the database becomes unreachable. */
  cut(): void;
}

/** A TCP relay to the test database, so a test can make it vanish without touching the server. */
export async function startRelay(target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
