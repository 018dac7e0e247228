// Transcripts asked for at resolve, while the mail server is down: kept in the outbox and mailed once
// it is back, exactly once. A real SMTP server in-process, started on a port chosen ahead.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptRequestResult } from '@parley/protocol';
import { sendMessage } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';
import {
  conversationAction,
  createAgent,
  createWidget,
  eventually,
  fromSite,
  manyVisitorRequests,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';
import { freePort, startSmtp, type TestSmtp } from './support/smtp.js';

let port: number;
let ts: TestServer;
let smtp: TestSmtp | undefined;
let widget: Widget;

beforeAll(async () => {
  port = await freePort();
  ts = await startTestServer((c) => {
    manyVisitorRequests(c);
    c.smtpUrl = `smtp://127.0.0.1:${port}`;
    c.mailFrom = 'Parley <noreply@parley.test>';
    c.livechat.tickMs = 50;
    // The first retry a second after the refusal (production: a minute), then 2 s, 4 s…
    c.livechat.transcriptRetrySeconds = 1;
  });
  widget = await createWidget(ts.api);
  await createAgent(ts.api, widget);
});
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});
afterAll(async () => ts?.close());

/** A conversation with a message whose visitor asked for the transcript at resolve. */
async function askedAtResolve(): Promise<string> {
  const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
  await sendMessage(
    ts.api,
    { id: visitor.visitorId, token: visitor.accessToken },
    conversation.id,
    'Where is my order #42?',
  );
  const asked = await fromSite<TranscriptRequestResult>(
    ts.api,
    'POST',
    `/v1/widget/${widget.key}/conversations/${conversation.id}/transcript`,
    { token: visitor.accessToken, body: { email: 'bo@example.com', when: 'resolve' } },
  );
  expect(asked.body).toEqual({ sent: false, scheduled: true });
  return conversation.id;
}

/** What the outbox still holds for the conversation (read through the store port). */
async function outboxOf(conversationId: string) {
  const rows = await ts.server.core.deps.store.livechat.dueTranscripts('9999-12-31T00:00:00.000Z', 1000);
  return rows.filter((r) => r.conversationId === conversationId);
}

describe('transcripts at resolve while the mail server is down', () => {
  it('resolves at once, then mails the transcript exactly once when the server is back', async () => {
    const conversationId = await askedAtResolve();
    const resolved = await conversationAction(ts.api, widget, conversationId, 'resolve');
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    // Refused (nothing listens): kept, with the attempt recorded.
    const [kept] = await outboxOf(conversationId);
    expect(kept).toMatchObject({ email: 'bo@example.com', attempts: 1 });
    expect(kept!.lastError).toMatch(/mail unavailable/);

    smtp = await startSmtp(port);
    const mails = () =>
      smtp!.delivered.filter((d) => d.mail.headers.get('x-parley-conversation') === conversationId);
    const [got] = await eventually(
      async () => mails(),
      (m) => m.length > 0,
    );
    expect(got!.rcptTo).toEqual(['bo@example.com']);
    expect(got!.mail.text).toContain('Where is my order #42?');
    // The SMTP server has the mail once DATA is accepted, a moment before the sender hears so and
    // deletes the row: wait for that.
    await eventually(
      () => outboxOf(conversationId),
      (rows) => rows.length === 0,
    );
    // Several ticks later, still once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mails()).toHaveLength(1);
  });

  it('drops the transcript of a conversation deleted before the mail server came back', async () => {
    const conversationId = await askedAtResolve();
    expect((await conversationAction(ts.api, widget, conversationId, 'resolve')).status).toBe(200);
    expect(await outboxOf(conversationId)).toHaveLength(1);
    // Deleting the organization deletes its conversations, and their outbox rows with them.
    expect((await ts.api('DELETE', `/v1/organizations/${widget.org.id}`)).status).toBe(204);
    expect(await outboxOf(conversationId)).toEqual([]);
    smtp = await startSmtp(port);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.delivered).toEqual([]);
  });
});
