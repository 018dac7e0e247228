import type { Highlighted, SearchQuery, SearchResult } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { accessOrganization } from '../access.js';
import type { Router } from './router.js';

const DEFAULT_LIMIT = 20;
/** More words than this add nothing a person types into a search box. */
const MAX_WORDS = 8;

/**
 * The inbox's search: the organization's conversations by their visitor's
 * name or pre-chat answers, and their messages by full-text (SQLite FTS5,
 * PostgreSQL tsvector). Highlights come back as runs of text, so nothing a
 * visitor wrote can become markup on the way to the screen.
 */
export class Search {
  constructor(
    private readonly deps: CoreDeps,
    private readonly router: Router,
  ) {}

  async search(actor: Actor, organizationId: string, query: SearchQuery): Promise<SearchResult> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const text = query.q.trim();
    const words = wordsOf(text);
    const { store } = this.deps;
    const contacts =
      text === '' ? [] : await store.livechat.searchContacts(actor.tenantId, organizationId, text, limit);
    const hits =
      words.length === 0
        ? []
        : await store.livechat.searchMessages(actor.tenantId, organizationId, words, limit);
    return {
      conversations: await Promise.all(contacts.map((c) => this.router.view(actor.tenantId, c))),
      messages: hits.map(({ marked, ...hit }) => ({ ...hit, highlights: highlightsOf(marked) })),
    };
  }
}

/** The query's words: runs of letters and digits, lower-cased; punctuation and operators dropped. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

const START = String.fromCharCode(1);
const STOP = String.fromCharCode(2);

/** Splits text marked with U+0001 … U+0002 into runs. */
export function highlightsOf(marked: string): Highlighted {
  const runs: Highlighted = [];
  let match = false;
  let text = '';
  const flush = () => {
    if (text !== '') runs.push({ text, match });
    text = '';
  };
  for (const char of marked) {
    if (char === START || char === STOP) {
      flush();
      match = char === START;
    } else text += char;
  }
  flush();
  return runs;
}
