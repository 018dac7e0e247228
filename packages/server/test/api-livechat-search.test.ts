// The inbox's search through the API: visitors by name and answers, message text by full-text index.
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '@parley/protocol';
import { expectError, useTestServer } from './support/fixtures.js';
import { createUserWithToken } from './support/server.js';
import {
  createAgent,
  createWidget,
  fromSite,
  manyVisitorRequests,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';
import { highlightsOf, wordsOf } from '../src/core/livechat/search.js';

const ts = useTestServer(manyVisitorRequests);

async function say(widget: Widget, token: string, threadId: string, content: string): Promise<void> {
  const res = await fromSite(ts.api, 'POST', `/v1/threads/${threadId}/messages`, {
    token,
    body: { content },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

function search(widget: Widget, q: string, auth?: string) {
  return ts.api<SearchResult>('GET', `/v1/organizations/${widget.org.id}/search?q=${encodeURIComponent(q)}`, {
    ...(auth !== undefined && { auth }),
  });
}

describe('search', () => {
  it('finds message text by word prefixes, accents and case aside, with highlights as text runs', async () => {
    const widget = await createWidget(ts.api, {
      preChatForm: [
        { key: 'name', label: 'Name', type: 'name', required: true },
        { key: 'email', label: 'Email', type: 'email', required: false },
      ],
    });
    const zoe = await visitorWithConversation(ts.api, widget, {
      answers: { name: 'Zoé Martin', email: 'zoe@shop.example' },
    });
    const bob = await visitorWithConversation(ts.api, widget, { answers: { name: 'Bob' } });
    await say(widget, zoe.visitor.accessToken, zoe.conversation.id, 'Où est ma commande numéro 4521 ?');
    await say(
      widget,
      bob.visitor.accessToken,
      bob.conversation.id,
      'Je voudrais annuler <script>alert(1)</script>',
    );
    await say(widget, bob.visitor.accessToken, bob.conversation.id, 'Merci beaucoup');

    const found = await search(widget, 'COMMANDE 452');
    expect(found.status).toBe(200);
    expect(found.body.messages).toHaveLength(1);
    expect(found.body.messages[0]).toMatchObject({
      conversationId: zoe.conversation.id,
      senderDisplayName: 'Zoé Martin',
    });
    const runs = found.body.messages[0]!.highlights;
    expect(runs.filter((r) => r.match).map((r) => r.text.toLowerCase())).toEqual(['commande', '4521']);
    expect(runs.map((r) => r.text).join('')).toBe('Où est ma commande numéro 4521 ?');
    // Accents and case do not matter on SQLite (unicode61, diacritics removed); PostgreSQL 'simple' folds case.
    expect((await search(widget, 'merci')).body.messages.map((m) => m.conversationId)).toEqual([
      bob.conversation.id,
    ]);

    // Markup a visitor wrote comes back as plain text in the runs.
    const script = await search(widget, 'annuler');
    expect(script.body.messages[0]!.highlights.map((r) => r.text).join('')).toContain(
      '<script>alert(1)</script>',
    );

    // Visitors by name and by answers, not by the answers' keys.
    expect((await search(widget, 'martin')).body.conversations.map((c) => c.id)).toEqual([
      zoe.conversation.id,
    ]);
    expect((await search(widget, 'zoe@shop')).body.conversations.map((c) => c.id)).toEqual([
      zoe.conversation.id,
    ]);
    expect((await search(widget, 'email')).body.conversations).toEqual([]);
    // Wildcards are literal.
    expect((await search(widget, '%')).body.conversations).toEqual([]);
    // FTS syntax in the query is only punctuation.
    expect((await search(widget, '"merci" OR NEAR(')).status).toBe(200);
  });

  it('stays inside the organization, and only its agents may search', async () => {
    const mine = await createWidget(ts.api);
    const theirs = await createWidget(ts.api);
    const other = await visitorWithConversation(ts.api, theirs);
    await say(theirs, other.visitor.accessToken, other.conversation.id, 'confidentiel');
    expect((await search(mine, 'confidentiel')).body.messages).toEqual([]);
    const agent = await createAgent(ts.api, mine);
    expect((await search(mine, 'anything', agent.token)).status).toBe(200);
    expectError(await search(theirs, 'confidentiel', agent.token), 404, 'organization_not_found');
    const stranger = await createUserWithToken(ts.api, `stranger-${Date.now()}`);
    expectError(await search(mine, 'x', stranger.token), 404, 'organization_not_found');
    expectError(await ts.api('GET', `/v1/organizations/${mine.org.id}/search?q=`), 400, 'invalid_request');
  });
});

describe('search helpers', () => {
  it('keeps only letters and digits as words, at most eight', () => {
    expect(wordsOf('  Où, est-ce "OR" NEAR(x)*  ')).toEqual(['où', 'est', 'ce', 'or', 'near', 'x']);
    expect(wordsOf('a b c d e f g h i j')).toHaveLength(8);
  });

  it('splits marked text into runs', () => {
    expect(highlightsOf('a \u0001b\u0002 c')).toEqual([
      { text: 'a ', match: false },
      { text: 'b', match: true },
      { text: ' c', match: false },
    ]);
  });
});
