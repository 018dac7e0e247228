/// <reference lib="dom" />
import type { SearchResult } from '@parley/protocol';
import type { AgentApi } from './api.js';

/** Seed 004: the search waits for a pause in typing before it asks the server. */
export const SEARCH_DEBOUNCE_MS = 300;

/**
 * The inbox's search box: visitors (name, pre-chat answers) and message text.
 * Typing restarts a 300 ms timer; only the answer to the latest query is kept.
 */
export class SearchModel {
  query = '';
  result: SearchResult | null = null;
  searching = false;
  error: unknown = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly api: AgentApi,
    private readonly changed: () => void,
  ) {}

  /** Whether results replace the conversation list. */
  get active(): boolean {
    return this.query.trim() !== '';
  }

  input(query: string): void {
    this.query = query;
    clearTimeout(this.timer);
    const q = query.trim();
    const generation = ++this.generation;
    if (!q) {
      this.result = null;
      this.searching = false;
      this.error = null;
    } else {
      this.searching = true;
      this.timer = setTimeout(() => void this.run(q, generation), SEARCH_DEBOUNCE_MS);
    }
    this.changed();
  }

  clear(): void {
    this.input('');
  }

  private async run(q: string, generation: number): Promise<void> {
    try {
      const result = await this.api.search(q.slice(0, 200));
      if (generation !== this.generation) return;
      this.result = result;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = err;
    }
    this.searching = false;
    this.changed();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
