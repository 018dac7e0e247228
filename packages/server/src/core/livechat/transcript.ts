import type { Message } from '@parley/protocol';
import { AppError } from '../errors.js';

/**
 * The transcript of a live-chat conversation, as a mail a visitor asked for.
 *
 * Everything users wrote is text: the plain body carries it as it is, the
 * HTML body escapes every character that means something in HTML, so a
 * message holding `<script>` shows those characters and runs nothing. An
 * `html` message (already allow-listed when sent) is reduced to its text
 * first: a transcript never relays markup, links included.
 */
export interface TranscriptInput {
  organizationName: string;
  conversation: { id: string; topic: string | null };
  /** The conversation's messages, any order; system and deleted ones included. */
  messages: Message[];
  visitorName: string;
  locale: 'en' | 'fr';
  /** IANA zone the times are shown in, e.g. `'Europe/Paris'` (the visitor's). */
  timeZone: string;
}

export interface RenderedMail {
  /** One line, safe for a header. */
  subject: string;
  text: string;
  html: string;
}

interface Strings {
  subject(org: string): string;
  greeting(name: string): string;
  intro(org: string): string;
  topic: string;
  reference: string;
  times(zone: string): string;
  noMessages: string;
  unknownSender: string;
  deleted: string;
  edited: string;
  topicChanged(topic: string): string;
  topicCleared: string;
  joined(names: string, count: number): string;
  left(names: string, count: number): string;
  /** Day-month-year order of the date in a timestamp. */
  date(y: string, m: string, d: string): string;
}

const STRINGS: Record<TranscriptInput['locale'], Strings> = {
  en: {
    subject: (org) => `Your conversation with ${org}`,
    greeting: (name) => `Hello ${name},`,
    intro: (org) => `Here is the transcript of your conversation with ${org}.`,
    topic: 'Topic',
    reference: 'Reference',
    times: (zone) => `Times are shown in the ${zone} time zone.`,
    noMessages: 'No messages.',
    unknownSender: 'Unknown',
    deleted: 'This message was deleted.',
    edited: '(edited)',
    topicChanged: (topic) => `The topic was changed to “${topic}”.`,
    topicCleared: 'The topic was removed.',
    joined: (names) => `${names} joined the conversation.`,
    left: (names) => `${names} left the conversation.`,
    date: (y, m, d) => `${y}-${m}-${d}`,
  },
  fr: {
    subject: (org) => `Votre conversation avec ${org}`,
    greeting: (name) => `Bonjour ${name},`,
    intro: (org) => `Voici la transcription de votre conversation avec ${org}.`,
    topic: 'Sujet',
    reference: 'Référence',
    times: (zone) => `Les heures sont indiquées dans le fuseau horaire ${zone}.`,
    noMessages: 'Aucun message.',
    unknownSender: 'Inconnu',
    deleted: 'Ce message a été supprimé.',
    edited: '(modifié)',
    topicChanged: (topic) => `Le sujet est devenu « ${topic} ».`,
    topicCleared: 'Le sujet a été retiré.',
    joined: (names, count) => `${names} ${count > 1 ? 'ont rejoint' : 'a rejoint'} la conversation.`,
    left: (names, count) => `${names} ${count > 1 ? 'ont quitté' : 'a quitté'} la conversation.`,
    date: (y, m, d) => `${d}/${m}/${y}`,
  },
};

/** One transcript line before it is written as text or HTML. */
interface Entry {
  at: string;
  /** Null for an event described in words (system message). */
  sender: string | null;
  body: string;
  /** Shown apart from the body: deleted or edited. */
  note: string | null;
}

export function renderTranscript(input: TranscriptInput): RenderedMail {
  const s = STRINGS[input.locale];
  const formatTime = timeFormatter(input.timeZone, s);
  const list = new Intl.ListFormat(input.locale, { type: 'conjunction' });
  const org = oneLine(input.organizationName);
  const entries = [...input.messages]
    .sort((a, b) => a.sequence - b.sequence)
    .map((m) => toEntry(m, s, list, formatTime(m.createdAt)));
  const header = [
    s.intro(org),
    ...(input.conversation.topic ? [`${s.topic}: ${oneLine(input.conversation.topic)}`] : []),
    `${s.reference}: ${input.conversation.id}`,
    s.times(input.timeZone),
  ];
  return {
    subject: s.subject(org).slice(0, 200),
    text: renderText(s, oneLine(input.visitorName), header, entries),
    html: renderHtml(s, input, header, entries),
  };
}

function toEntry(m: Message, s: Strings, list: Intl.ListFormat, at: string): Entry {
  const sender = m.senderDisplayName || s.unknownSender;
  if (m.deletedAt !== null) return { at, sender, body: '', note: s.deleted };
  switch (m.type) {
    case 'text':
    case 'html': {
      const body = m.type === 'html' ? htmlToText(m.content) : m.content;
      return { at, sender, body, note: m.editedAt !== null ? s.edited : null };
    }
    case 'topicUpdated': {
      const topic = m.system?.topic;
      return { at, sender: null, body: topic ? s.topicChanged(topic) : s.topicCleared, note: null };
    }
    case 'participantAdded':
    case 'participantRemoved': {
      const people = (m.system?.participants ?? []).map((p) => p.displayName || s.unknownSender);
      const names = list.format(people.length > 0 ? people : [s.unknownSender]);
      const say = m.type === 'participantAdded' ? s.joined : s.left;
      return { at, sender: null, body: say(names, Math.max(people.length, 1)), note: null };
    }
  }
}

function renderText(s: Strings, visitorName: string, header: string[], entries: Entry[]): string {
  const lines = [s.greeting(visitorName), '', ...header, ''];
  if (entries.length === 0) lines.push(s.noMessages);
  for (const e of entries) {
    if (e.sender === null) {
      lines.push(`[${e.at}] * ${e.body}`, '');
      continue;
    }
    lines.push(`[${e.at}] ${e.sender}${e.note && e.body ? ` ${e.note}` : ''}:`);
    // Indented, so a line a user wrote cannot pass for the next entry's header.
    for (const line of (e.body || e.note || '').split('\n')) lines.push(`  ${line}`);
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}

function renderHtml(s: Strings, input: TranscriptInput, header: string[], entries: Entry[]): string {
  const muted = 'color:#666;font-size:12px';
  const rows = entries.map((e) => {
    if (e.sender === null) {
      return `<p style="${muted};font-style:italic">${esc(e.at)} · ${esc(e.body)}</p>`;
    }
    const note = e.note ? ` <span style="${muted}">${esc(e.note)}</span>` : '';
    const body = e.body
      ? `<div style="white-space:pre-wrap">${esc(e.body)}</div>`
      : `<div style="${muted};font-style:italic">${esc(e.note ?? '')}</div>`;
    return `<div style="margin:0 0 12px"><div style="${muted}">${esc(e.at)} · <strong>${esc(e.sender)}</strong>${e.body ? note : ''}</div>${body}</div>`;
  });
  return [
    `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8"><title>${esc(s.subject(oneLine(input.organizationName)))}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.4">',
    `<p>${esc(s.greeting(oneLine(input.visitorName)))}</p>`,
    `<p>${header.map(esc).join('<br>')}</p>`,
    entries.length === 0 ? `<p>${esc(s.noMessages)}</p>` : rows.join('\n'),
    '</body></html>',
    '',
  ].join('\n');
}

/** `YYYY-MM-DD HH:mm` (en) or `DD/MM/YYYY HH:mm` (fr), 24-hour, in `timeZone`. */
function timeFormatter(timeZone: string, s: Strings): (iso: string) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    throw new AppError('invalid_request', `Unknown time zone: ${timeZone}.`, { field: 'timeZone' });
  }
  return (iso) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return `${s.date(parts.year!, parts.month!, parts.day!)} ${parts.hour}:${parts.minute}`;
  };
}

/** Collapses line breaks and runs of spaces: the result may go into a header. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Escapes the five characters that can change the meaning of HTML text or attributes. */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text of an allow-listed `html` message: block ends and `<br>` become
 * line breaks, a link keeps its address beside its label, tags go, entities
 * are decoded. The result is text again and gets escaped like any other.
 */
function htmlToText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) =>
      label.replace(/<[^>]*>/g, '') === href ? href : `${label} (${href})`,
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-4]|tr|blockquote|pre)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
