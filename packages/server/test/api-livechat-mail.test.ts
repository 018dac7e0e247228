// Live-chat mail through the API, read from a real SMTP server in-process: offline form and transcripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, Message, TranscriptRequestResult } from '@parley/protocol';
import { allMessages, expectError, sendMessage, useTestServer } from './support/fixtures.js';
import {
  conversationAction,
  conversationOf,
  createAgent,
  createWidget,
  eventually,
  fromSite,
  manyVisitorRequests,
  registerVisitor,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';
import { startSmtp, type Delivered, type TestSmtp } from './support/smtp.js';

/** The in-process SMTP server, started before the test server and closed after it. */
function useSmtp(): { delivered: Delivered[]; url: () => string } {
  const delivered: Delivered[] = [];
  let smtp: TestSmtp | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp?.close());
  return {
    get delivered() {
      return smtp?.delivered ?? delivered;
    },
    url: () => smtp!.url,
  };
}

// Declared before the server, so it listens first and closes last.
const smtp = useSmtp();
const ts = useTestServer((c) => {
  manyVisitorRequests(c);
  c.smtpUrl = smtp.url();
  c.mailFrom = 'Parley <noreply@parley.test>';
});

/** The mails for one conversation, by its `X-Parley-Conversation` header. */
function mailsOf(conversationId: string): Delivered[] {
  return smtp.delivered.filter((d) => d.mail.headers.get('x-parley-conversation') === conversationId);
}

function transcript(widget: Widget, token: string, conversationId: string, body: unknown) {
  return fromSite<TranscriptRequestResult>(
    ts.api,
    'POST',
    `/v1/widget/${widget.key}/conversations/${conversationId}/transcript`,
    { token, body },
  );
}

describe('offline form', () => {
  it('stores the message as an offline conversation and mails it to the organization', async () => {
    const widget = await createWidget(ts.api);
    const visitor = await registerVisitor(ts.api, widget);
    const res = await fromSite<Conversation>(ts.api, 'POST', `/v1/widget/${widget.key}/offline-messages`, {
      token: visitor.accessToken,
      body: { name: 'Zoé Martin', email: 'zoe@example.com', message: 'Do you ship to Lyon?\nThanks' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      source: 'offline',
      status: 'pending',
      visitorId: visitor.visitorId,
      answers: { name: 'Zoé Martin', email: 'zoe@example.com' },
    });
    const messages = await allMessages(ts.api, res.body.id);
    expect(messages.filter((m) => m.type === 'text').map((m) => m.content)).toEqual([
      'Do you ship to Lyon?\nThanks',
    ]);
    const [got] = await eventually(
      async () => mailsOf(res.body.id),
      (mails) => mails.length === 1,
    );
    expect(got!.rcptTo).toEqual(['support@shop.example']);
    expect(got!.mail.replyTo?.value[0]?.address).toBe('zoe@example.com');
    expect(got!.mail.subject).toContain('Zoé Martin');
    expect(got!.mail.text).toContain('Do you ship to Lyon?\nThanks');
    expect(got!.mail.from?.value[0]?.address).toBe('noreply@parley.test');
    // The visitor is named as the form said.
    const user = await ts.api<{ displayName: string }>('GET', `/v1/users/${visitor.visitorId}`);
    expect(user.body.displayName).toBe('Zoé Martin');
  });

  it('refuses when the offline form is off', async () => {
    const body = { name: 'Al', email: 'al@example.com', message: 'hello' };
    for (const offlineForm of [
      { enabled: false, email: 'support@shop.example' },
      { enabled: false, email: null },
    ]) {
      const widget = await createWidget(ts.api, { offlineForm });
      const visitor = await registerVisitor(ts.api, widget);
      const before = smtp.delivered.length;
      const res = await fromSite(ts.api, 'POST', `/v1/widget/${widget.key}/offline-messages`, {
        token: visitor.accessToken,
        body,
      });
      expectError(res, 409, 'offline_form_disabled');
      expect(smtp.delivered.length).toBe(before);
      expectError(
        await fromSite(ts.api, 'GET', `/v1/widget/${widget.key}/conversations/current`, {
          token: visitor.accessToken,
        }),
        404,
        'conversation_not_found',
      );
    }
  });
});

describe('transcripts', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget(ts.api);
    await createAgent(ts.api, widget);
  });

  async function chat(): Promise<{ conversation: Conversation; token: string; messages: Message[] }> {
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    const me = { id: visitor.visitorId, token: visitor.accessToken };
    await sendMessage(ts.api, me, conversation.id, 'Where is my order #42?');
    await sendMessage(ts.api, me, conversation.id, '<script>alert(1)</script>');
    const messages = await allMessages(ts.api, conversation.id);
    return { conversation, token: visitor.accessToken, messages };
  }

  it('mails the transcript now, with the messages, HTML escaped', async () => {
    const { conversation, token } = await chat();
    const res = await transcript(widget, token, conversation.id, { email: 'ann@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sent: true, scheduled: false });
    const [got] = await eventually(
      async () => mailsOf(conversation.id),
      (mails) => mails.length === 1,
    );
    expect(got!.rcptTo).toEqual(['ann@example.com']);
    expect(got!.mail.text).toContain('Where is my order #42?');
    expect(got!.mail.text).toContain('<script>alert(1)</script>');
    const html = got!.mail.html as string;
    expect(html).toContain('Where is my order #42?');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toContain('<script>');
  });

  it('mails it once when resolved, if asked for then', async () => {
    const { conversation, token } = await chat();
    const res = await transcript(widget, token, conversation.id, {
      email: 'bo@example.com',
      when: 'resolve',
    });
    expect(res.body).toEqual({ sent: false, scheduled: true });
    expect((await conversationOf(ts.api, widget, conversation.id)).transcriptEmail).toBe('bo@example.com');
    expect(mailsOf(conversation.id)).toEqual([]);
    expect((await conversationAction(ts.api, widget, conversation.id, 'resolve')).status).toBe(200);
    const [got] = await eventually(
      async () => mailsOf(conversation.id),
      (mails) => mails.length === 1,
    );
    expect(got!.rcptTo).toEqual(['bo@example.com']);
    expect(got!.mail.text).toContain('Where is my order #42?');
    // Asked again once resolved: sent at once.
    const again = await transcript(widget, token, conversation.id, {
      email: 'bo@example.com',
      when: 'resolve',
    });
    expect(again.body).toEqual({ sent: true, scheduled: false });
    expect(mailsOf(conversation.id)).toHaveLength(2);
  });

  it('refuses someone else’s conversation and bad addresses', async () => {
    const { conversation, token } = await chat();
    const other = await registerVisitor(ts.api, widget);
    expectError(
      await transcript(widget, other.accessToken, conversation.id, { email: 'x@example.com' }),
      404,
      'conversation_not_found',
    );
    expectError(
      await transcript(widget, token, conversation.id, { email: 'not an address' }),
      400,
      'invalid_request',
    );
    expectError(
      await transcript(widget, token, conversation.id, { email: 'a@example.com\r\nBcc: victim@example.com' }),
      400,
      'invalid_request',
    );
    expect(mailsOf(conversation.id)).toEqual([]);
  });
});

describe('without SMTP', () => {
  const bare = useTestServer(manyVisitorRequests);

  it('says mail is not configured, and still resolves a conversation whose transcript was asked for', async () => {
    const widget = await createWidget(bare.api);
    const { visitor, conversation } = await visitorWithConversation(bare.api, widget);
    const path = `/v1/widget/${widget.key}/conversations/${conversation.id}/transcript`;
    expectError(
      await fromSite(bare.api, 'POST', path, {
        token: visitor.accessToken,
        body: { email: 'a@example.com' },
      }),
      409,
      'mail_not_configured',
    );
    expectError(
      await fromSite(bare.api, 'POST', `/v1/widget/${widget.key}/offline-messages`, {
        token: visitor.accessToken,
        body: { name: 'Al', email: 'al@example.com', message: 'hello' },
      }),
      409,
      'mail_not_configured',
    );
    // Refused before anything is written: the message is nowhere.
    const messages = await bare.api<{ items: { content: string }[] }>(
      'GET',
      `/v1/threads/${conversation.id}/messages`,
    );
    expect(messages.body.items.map((m) => m.content)).not.toContain('hello');
    await fromSite(bare.api, 'POST', path, {
      token: visitor.accessToken,
      body: { email: 'a@example.com', when: 'resolve' },
    });
    const resolved = await conversationAction(bare.api, widget, conversation.id, 'resolve');
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect((await conversationOf(bare.api, widget, conversation.id)).status).toBe('resolved');
  });
});
