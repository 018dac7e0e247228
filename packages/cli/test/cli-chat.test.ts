import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Participant, ReadReceipt, Thread, ThreadSummary } from '@parley/protocol';
import { createUserWithToken, startTestServer, type TestServer } from '../../server/test/support/server.js';
import { sendMessage, sendRates, uid } from '../../server/test/support/fixtures.js';
import { finished, json, runCli, startCli, waitForOutput } from './run-cli.js';

// Each case spawns the CLI several times (a second or more each under tsx, more on a loaded
// machine): a budget for the whole case, not a timing assertion.
const SPAWNS_TIMEOUT_MS = 120_000;

let server: TestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let carol: { id: string; token: string };
/** The environment of a CLI run as `user`. */
let as: (user: { token: string }) => Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  const user = (name: string) => createUserWithToken(server.api, uid(name), { displayName: name });
  [alice, bob, carol] = await Promise.all([user('alice'), user('bob'), user('carol')]);
  as = (user) => ({ PARLEY_ENDPOINT: server.url, PARLEY_ACCESS_TOKEN: user.token });
});
afterAll(async () => {
  await server?.close();
});

/** A port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('thread', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('creates, renames, lists and deletes threads, as tables and as JSON', async () => {
    const created = await runCli(['thread', 'create', '--topic', 'Lunch plans', '--json'], as(alice));
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const thread = json<Thread>(created);
    expect(thread).toMatchObject({ topic: 'Lunch plans', createdBy: alice.id });

    const [table, renamed] = await Promise.all([
      runCli(['thread', 'create', '--topic', 'Table', '--participant', bob.id], as(alice)),
      runCli(['thread', 'update-topic', '--thread', thread.id, '--topic', 'Dinner plans'], as(alice)),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^id\s+th_\S+\ntopic\s+Table\ncreatedBy\s+/);
    expect(renamed).toMatchObject({ code: 0, stdout: `Topic of ${thread.id} set to "Dinner plans".\n` });

    const [list, listJson, future] = await Promise.all([
      runCli(['thread', 'list'], as(alice)),
      runCli(['thread', 'list', '--json'], as(alice)),
      runCli(['thread', 'list', '--json', '--start-time', '2999-01-01T00:00:00Z'], as(alice)),
    ]);
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+TOPIC\s+UNREAD\s+LAST ACTIVITY\s+LAST MESSAGE$/);
    // Aligned: every row's topic starts where the header's TOPIC does.
    const topicColumn = header!.indexOf('TOPIC');
    expect(rows.map((r) => r.slice(topicColumn).split(/\s{2,}/)[0]).sort()).toEqual([
      'Dinner plans',
      'Table',
    ]);
    // The create and the rename ran concurrently: either may be the most recent activity.
    expect(
      json<ThreadSummary[]>(listJson)
        .map((t) => t.topic)
        .sort(),
    ).toEqual(['Dinner plans', 'Table']);
    expect(json(future)).toEqual([]);

    const deleted = await runCli(['thread', 'delete', '--thread', thread.id, '--json'], as(alice));
    expect(json(deleted)).toEqual({ threadId: thread.id, deleted: true });
    const again = await runCli(['thread', 'delete', '--thread', thread.id], as(alice));
    expect(again.code).toBe(4);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/thread_not_found, HTTP 404/);
  });
});

describe('message', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('sends, lists, gets, edits and deletes messages, and sends and lists read receipts', async () => {
    const thread = (
      await server.api<Thread>('POST', '/v1/threads', {
        auth: alice.token,
        body: { topic: 'Messages', participants: [{ userId: bob.id }] },
      })
    ).body;
    const start = new Date().toISOString();
    const sent = await runCli(
      [
        'message',
        'send',
        '--thread',
        thread.id,
        '--content',
        '<b>Hello</b> Bob',
        '--message-type',
        'html',
        '--display-name',
        'Alice A.',
        '--json',
      ],
      as(alice),
    );
    const message = json<Message>(sent);
    expect(message).toMatchObject({
      type: 'html',
      content: '<b>Hello</b> Bob',
      senderDisplayName: 'Alice A.',
    });
    const reply = await runCli(['message', 'send', '--thread', thread.id, '--content', 'Hi\nAlice'], as(bob));
    expect(reply.code).toBe(0);
    expect(reply.stdout).toMatch(/^content\s+Hi Alice$/m);

    const [list, listJson, fromStart, got, badType] = await Promise.all([
      runCli(['message', 'list', '--thread', thread.id], as(alice)),
      runCli(['message', 'list', '--thread', thread.id, '--json'], as(alice)),
      runCli(['message', 'list', '--thread', thread.id, '--start-time', start, '--json'], as(alice)),
      runCli(['message', 'get', '--thread', thread.id, '--message-id', message.id], as(bob)),
      runCli(
        ['message', 'send', '--thread', thread.id, '--content', 'x', '--message-type', 'rtf'],
        as(alice),
      ),
    ]);
    expect(list.stdout).toMatch(/^SEQ\s+ID\s+TYPE\s+SENDER\s+CREATED\s+CONTENT\n/);
    expect(list.stdout).toMatch(/\s+text\s+bob\s+\S+\s+Hi Alice\n/);
    const sequences = json<Message[]>(listJson).map((m) => m.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a)); // newest first
    expect(json<Message[]>(fromStart).map((m) => m.content)).toEqual(['<b>Hello</b> Bob', 'Hi\nAlice']);
    expect(got.stdout).toMatch(new RegExp(`^id\\s+${message.id}$`, 'm'));
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/--message-type.*Allowed choices are text, html/);

    const [updated, notSender, receipt] = await Promise.all([
      runCli(
        [
          'message',
          'update',
          '--thread',
          thread.id,
          '--message-id',
          message.id,
          '--content',
          'Edited',
          '--json',
        ],
        as(alice),
      ),
      runCli(
        ['message', 'update', '--thread', thread.id, '--message-id', message.id, '--content', 'Nope'],
        as(bob),
      ),
      runCli(
        ['message', 'receipt', 'send', '--thread', thread.id, '--message-id', message.id, '--json'],
        as(bob),
      ),
    ]);
    expect(json<Message>(updated)).toMatchObject({ content: 'Edited', editedAt: expect.any(String) });
    expect(notSender.code).toBe(3);
    expect(notSender.stderr).toMatch(/forbidden, HTTP 403/);
    expect(json<ReadReceipt>(receipt)).toMatchObject({ userId: bob.id, messageId: message.id });

    const [receipts, receiptsJson, skipped] = await Promise.all([
      runCli(['message', 'receipt', 'list', '--thread', thread.id], as(alice)),
      runCli(['message', 'receipt', 'list', '--thread', thread.id, '--json'], as(alice)),
      runCli(['message', 'receipt', 'list', '--thread', thread.id, '--skip', '5', '--json'], as(alice)),
    ]);
    expect(receipts.stdout).toMatch(
      new RegExp(`^USER\\s+MESSAGE\\s+SEQ\\s+READ AT\\n${bob.id}\\s+${message.id}\\s`),
    );
    expect(json<ReadReceipt[]>(receiptsJson)).toHaveLength(1);
    expect(json(skipped)).toEqual([]);

    const deleted = await runCli(
      ['message', 'delete', '--thread', thread.id, '--message-id', message.id],
      as(alice),
    );
    expect(deleted).toMatchObject({ code: 0, stdout: `Message ${message.id} deleted.\n` });
    const [afterDelete, missing] = await Promise.all([
      runCli(['message', 'get', '--thread', thread.id, '--message-id', message.id, '--json'], as(alice)),
      runCli(['message', 'get', '--thread', thread.id, '--message-id', 'msg_nope', '--json'], as(alice)),
    ]);
    expect(json<Message>(afterDelete).deletedAt).toEqual(expect.any(String));
    expect(missing).toMatchObject({ code: 4, stdout: '' });
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'message_not_found', status: 404 } });
  });
});

describe('participant', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('adds, lists and removes participants', async () => {
    const thread = (
      await server.api<Thread>('POST', '/v1/threads', { auth: alice.token, body: { topic: 'P' } })
    ).body;
    const added = await runCli(
      [
        'participant',
        'add',
        '--thread',
        thread.id,
        '--user',
        carol.id,
        '--display-name',
        'Caroline',
        '--start-time',
        '2020-01-01T00:00:00Z',
        '--json',
      ],
      as(alice),
    );
    expect(json<Participant[]>(added)).toMatchObject([
      { userId: carol.id, displayName: 'Caroline', shareHistoryTime: '2020-01-01T00:00:00.000Z' },
    ]);
    const [list, skipped, unknown] = await Promise.all([
      runCli(['participant', 'list', '--thread', thread.id], as(carol)),
      runCli(['participant', 'list', '--thread', thread.id, '--skip', '1', '--json'], as(alice)),
      runCli(['participant', 'add', '--thread', thread.id, '--user', 'nobody-here'], as(alice)),
    ]);
    expect(list.stdout).toMatch(/^USER\s+DISPLAY NAME\s+ROLE\s+SHARE HISTORY FROM\s+JOINED\n/);
    expect(list.stdout).toMatch(new RegExp(`^${carol.id}\\s+Caroline\\s+member\\s`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${alice.id}\\s+alice\\s+owner\\s`, 'm'));
    expect(json<Participant[]>(skipped)).toHaveLength(1);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/user_not_found/);

    const removed = await runCli(
      ['participant', 'remove', '--thread', thread.id, '--user', carol.id, '--json'],
      as(alice),
    );
    expect(json(removed)).toEqual({ threadId: thread.id, userId: carol.id, removed: true });
    const gone = await runCli(['participant', 'list', '--thread', thread.id], as(carol));
    expect(gone.code).toBe(4);
  });
});

describe('errors', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('says what is missing or wrong, with the documented exit codes', async () => {
    const port = await closedPort();
    const [
      noToken,
      noEndpoint,
      badEndpoint,
      badToken,
      unreachable,
      missingFlag,
      unknownCommand,
      badTime,
      badSkip,
    ] = await Promise.all([
      runCli(['thread', 'list'], { PARLEY_ENDPOINT: server.url }),
      runCli(['thread', 'list'], { PARLEY_ACCESS_TOKEN: alice.token }),
      runCli(['thread', 'list', '--endpoint', 'ftp://x'], { PARLEY_ACCESS_TOKEN: alice.token }),
      runCli(['thread', 'list', '--access-token', 'not-a-token'], { PARLEY_ENDPOINT: server.url }),
      runCli(['thread', 'list', '--endpoint', `http://127.0.0.1:${port}`], {
        PARLEY_ACCESS_TOKEN: alice.token,
      }),
      runCli(['message', 'send', '--thread', 'th_x'], as(alice)),
      runCli(['thread', 'frobnicate'], as(alice)),
      runCli(['thread', 'list', '--start-time', 'yesterday'], as(alice)),
      runCli(['participant', 'list', '--thread', 'th_x', '--skip', '-1'], as(alice)),
    ]);
    expect(noToken).toMatchObject({ code: 2, stdout: '' });
    expect(noToken.stderr).toMatch(/no access token.*--access-token.*PARLEY_ACCESS_TOKEN/);
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toMatch(/no server endpoint.*--endpoint.*PARLEY_ENDPOINT/);
    expect(badEndpoint.code).toBe(2);
    expect(badToken).toMatchObject({ code: 3, stdout: '' });
    expect(badToken.stderr).toMatch(/invalid_token, HTTP 401/);
    expect(unreachable).toMatchObject({ code: 6, stdout: '' });
    expect(unreachable.stderr).toContain(`cannot reach the Parley server at http://127.0.0.1:${port}: `);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED/);
    expect(missingFlag.code).toBe(2);
    expect(missingFlag.stderr).toMatch(/required option '--content <text>' not specified/);
    expect(unknownCommand.code).toBe(2);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--start-time.*ISO 8601/);
    expect(badSkip.code).toBe(2);
  });

  it('reports a 429 with the wait from Retry-After (exit 5)', async () => {
    // Below one send per bucket: every send is refused, so the test does not race the refill.
    const limited = await startTestServer(sendRates(0.1));
    try {
      const user = await createUserWithToken(limited.api, uid('rl'));
      const thread = (
        await limited.api<Thread>('POST', '/v1/threads', { auth: user.token, body: { topic: 'RL' } })
      ).body;
      const env = { PARLEY_ENDPOINT: limited.url, PARLEY_ACCESS_TOKEN: user.token };
      const [text, asJson] = await Promise.all([
        runCli(['message', 'send', '--thread', thread.id, '--content', 'hi'], env),
        runCli(['message', 'send', '--thread', thread.id, '--content', 'hi', '--json'], env),
      ]);
      expect(text).toMatchObject({ code: 5, stdout: '' });
      expect(text.stderr).toMatch(/rate limited by the server: retry in \d+ s/);
      expect(asJson).toMatchObject({ code: 5, stdout: '' });
      expect(JSON.parse(asJson.stderr)).toMatchObject({
        error: { code: 'rate_limited', status: 429, retryAfter: expect.any(Number) },
      });
    } finally {
      await limited.close();
    }
  });
});

describe('listen', { timeout: SPAWNS_TIMEOUT_MS }, () => {
  it('prints the events sent meanwhile, one line each, and stops cleanly on SIGINT', async () => {
    const thread = (
      await server.api<Thread>('POST', '/v1/threads', {
        auth: alice.token,
        body: { topic: 'Live', participants: [{ userId: bob.id }] },
      })
    ).body;
    const text = startCli(['listen'], as(alice));
    const ndjson = startCli(['listen', '--json', '--thread', thread.id], as(alice));
    const results = Promise.all([finished(text), finished(ndjson)]);
    await Promise.all([
      waitForOutput(text.stderr!, /Listening as/),
      waitForOutput(ndjson.stderr!, /Listening as/),
    ]);

    // Watch before sending: the event may reach the CLI before the send's answer reaches the test.
    const printed = Promise.all([
      waitForOutput(text.stdout!, /live hello/),
      waitForOutput(ndjson.stdout!, /live hello/),
    ]);
    const sent = await sendMessage(server.api, bob, thread.id, 'live hello');
    await printed;
    text.kill('SIGINT');
    ndjson.kill('SIGINT');
    const [textResult, jsonResult] = await results;

    expect(textResult.code).toBe(0);
    expect(textResult.stdout).toContain(`${thread.id}  message.created  bob: live hello\n`);
    expect(jsonResult.code).toBe(0);
    const events = jsonResult.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'message.created',
        threadId: thread.id,
        message: expect.objectContaining({ id: sent.id }),
      }),
    );
  });

  it('fails at once with a bad token or an unknown thread', async () => {
    const [badToken, unknownThread] = await Promise.all([
      runCli(['listen'], { PARLEY_ENDPOINT: server.url, PARLEY_ACCESS_TOKEN: 'nope' }),
      runCli(['listen', '--thread', 'th_unknown'], as(alice)),
    ]);
    expect(badToken.code).toBe(3);
    expect(unknownThread.code).toBe(4);
  });
});
