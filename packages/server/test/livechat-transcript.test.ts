import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/core/errors.js';
import { renderTranscript, type TranscriptInput } from '../src/core/livechat/transcript.js';

let sequence = 0;
function message(fields: Partial<Message>): Message {
  sequence += 1;
  return {
    id: `m${sequence}`,
    threadId: 'c_42',
    sequence,
    type: 'text',
    content: '',
    senderId: 'u_visitor',
    senderDisplayName: 'Zoé',
    metadata: {},
    clientMessageId: null,
    createdAt: '2026-03-10T13:05:00.000Z',
    editedAt: null,
    deletedAt: null,
    ...fields,
  };
}

const conversation: Message[] = [
  message({ content: 'Hello <script>alert(1)</script> & "you"', createdAt: '2026-03-10T13:05:00.000Z' }),
  message({
    type: 'participantAdded',
    senderId: null,
    senderDisplayName: '',
    system: { initiatorId: null, participants: [{ userId: 'u_a', displayName: 'Agent <b>Bob</b>' }] },
    createdAt: '2026-03-10T13:06:00.000Z',
  }),
  message({
    type: 'html',
    senderId: 'u_a',
    senderDisplayName: 'Agent <b>Bob</b>',
    content:
      '<p>See <a href="https://acme.test/a?x=1&amp;y=2" rel="noopener">the docs</a></p><p>Tom &amp; Jerry</p>',
    createdAt: '2026-03-10T13:07:00.000Z',
  }),
  message({ content: 'oops', deletedAt: '2026-03-10T13:09:00.000Z', createdAt: '2026-03-10T13:08:00.000Z' }),
  message({
    type: 'topicUpdated',
    senderId: null,
    senderDisplayName: '',
    system: { initiatorId: 'u_a', topic: 'Billing' },
    createdAt: '2026-03-10T13:10:00.000Z',
  }),
  message({
    type: 'participantRemoved',
    senderId: null,
    senderDisplayName: '',
    system: { initiatorId: null, participants: [{ userId: 'u_a', displayName: 'Agent <b>Bob</b>' }] },
    createdAt: '2026-03-10T23:30:00.000Z',
  }),
];

const input = (overrides: Partial<TranscriptInput> = {}): TranscriptInput => ({
  organizationName: 'Acme & Co\r\nBcc: x@evil.test',
  conversation: { id: 'c_42', topic: 'Order <42>' },
  messages: [...conversation].reverse(), // any order: sorted by sequence
  visitorName: 'Zoé',
  locale: 'en',
  timeZone: 'Europe/Paris',
  ...overrides,
});

describe('renderTranscript', () => {
  it('escapes every user string in the HTML body and keeps no markup from messages', () => {
    const { html } = renderTranscript(input());
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hello &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;you&#34;');
    expect(html).not.toContain('<b>Bob</b>');
    expect(html).toContain('Agent &#60;b&#62;Bob&#60;/b&#62;');
    expect(html).toContain('Order &#60;42&#62;');
    expect(html).not.toContain('<a ');
    expect(html).toContain('the docs (https://acme.test/a?x=1&#38;y=2)');
    expect(html).toContain('Tom &#38; Jerry');
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
  });

  it('writes the text body as text: messages verbatim, system messages in words, deleted ones as deleted', () => {
    const { text, subject } = renderTranscript(input());
    expect(subject).toBe('Your conversation with Acme & Co Bcc: x@evil.test');
    expect(subject).not.toMatch(/[\r\n]/);
    expect(text).toContain('Hello Zoé,');
    expect(text).toContain('Topic: Order <42>');
    expect(text).toContain('Reference: c_42');
    expect(text).toContain('Times are shown in the Europe/Paris time zone.');
    expect(text).toContain('[2026-03-10 14:05] Zoé:\n  Hello <script>alert(1)</script> & "you"');
    expect(text).toContain('[2026-03-10 14:06] * Agent <b>Bob</b> joined the conversation.');
    expect(text).toContain(
      '[2026-03-10 14:07] Agent <b>Bob</b>:\n  See the docs (https://acme.test/a?x=1&y=2)\n  Tom & Jerry',
    );
    expect(text).toContain('[2026-03-10 14:08] Zoé:\n  This message was deleted.');
    expect(text).not.toContain('oops');
    expect(text).toContain('[2026-03-10 14:10] * The topic was changed to “Billing”.');
    // 23:30 UTC is past midnight in Paris: the date follows the zone too.
    expect(text).toContain('[2026-03-11 00:30] * Agent <b>Bob</b> left the conversation.');
    expect(text.indexOf('14:05')).toBeLessThan(text.indexOf('14:10'));
  });

  it('speaks French', () => {
    const { text, subject, html } = renderTranscript(input({ locale: 'fr', organizationName: 'Acme' }));
    expect(subject).toBe('Votre conversation avec Acme');
    expect(text).toContain('Bonjour Zoé,');
    expect(text).toContain('Voici la transcription de votre conversation avec Acme.');
    expect(text).toContain('Sujet: Order <42>');
    expect(text).toContain('[10/03/2026 14:06] * Agent <b>Bob</b> a rejoint la conversation.');
    expect(text).toContain('[10/03/2026 14:08] Zoé:\n  Ce message a été supprimé.');
    expect(text).toContain('Le sujet est devenu « Billing ».');
    expect(text).toContain('[11/03/2026 00:30] * Agent <b>Bob</b> a quitté la conversation.');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Ce message a été supprimé.');
  });

  it('shows times in the zone it is given, and refuses an unknown zone', () => {
    const ny = renderTranscript(input({ timeZone: 'America/New_York' })).text;
    expect(ny).toContain('[2026-03-10 09:05] Zoé:');
    const tokyo = renderTranscript(input({ timeZone: 'Asia/Tokyo' })).text;
    expect(tokyo).toContain('[2026-03-10 22:05] Zoé:');
    expect(() => renderTranscript(input({ timeZone: 'Mars/Olympus' }))).toThrow(AppError);
  });

  it('marks edited messages and says when there is nothing to show', () => {
    const edited = renderTranscript(
      input({ messages: [message({ content: 'fixed', editedAt: '2026-03-10T13:06:00.000Z' })] }),
    );
    expect(edited.text).toContain('Zoé (edited):\n  fixed');
    const empty = renderTranscript(input({ messages: [] }));
    expect(empty.text).toContain('No messages.');
    expect(empty.html).toContain('No messages.');
  });
});
