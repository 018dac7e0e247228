/** Options of `byPage`. */
export interface PageSettings {
  /** Items per request (the server's `limit`: default 50, at most 200). */
  maxPageSize?: number;
  /**
   * Where to continue: a `continuationToken` from an earlier page (the server's
   * `nextCursor`, or `nextSkip` as a string for participants and receipts).
   */
  continuationToken?: string;
}

/** One page as `byPage` yields it: the items, with the token of the next page attached. */
export type ItemPage<T> = T[] & { continuationToken?: string };

/**
 * The result of every list method (seed 003's `PagedAsyncIterableIterator`).
 * `for await (const item of list)` walks every item, fetching pages lazily, one
 * request at a time and only as far as the loop goes; `byPage()` yields whole
 * pages. Each iteration starts again from the first page.
 */
export interface PagedAsyncIterable<T> extends AsyncIterable<T> {
  byPage(settings?: PageSettings): AsyncIterableIterator<ItemPage<T>>;
}

/** What a list method does to fetch one page. `next` is undefined at the end. */
export type PageFetcher<T> = (
  continuationToken: string | undefined,
  maxPageSize: number | undefined,
) => Promise<{ items: T[]; next: string | undefined }>;

export function pagedIterable<T>(fetchPage: PageFetcher<T>, defaultPageSize?: number): PagedAsyncIterable<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<ItemPage<T>> {
    const size = settings.maxPageSize ?? defaultPageSize;
    let token = settings.continuationToken;
    do {
      const { items, next } = await fetchPage(token, size);
      const page: ItemPage<T> = items;
      if (next !== undefined) page.continuationToken = next;
      // An empty last page is not worth yielding; an empty first page is (the caller asked).
      if (items.length > 0 || token === settings.continuationToken) yield page;
      token = next;
    } while (token !== undefined);
  }
  return {
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

/** A page fetcher for `{ items, nextCursor }` endpoints. */
export function cursorPages<T>(
  load: (query: { cursor?: string; limit?: number }) => Promise<{ items: T[]; nextCursor: string | null }>,
): PageFetcher<T> {
  return async (token, limit) => {
    const { items, nextCursor } = await load({
      ...(token !== undefined && { cursor: token }),
      ...(limit !== undefined && { limit }),
    });
    return { items, next: nextCursor ?? undefined };
  };
}

/** A page fetcher for `{ items, nextSkip }` endpoints (participants, read receipts), starting at `firstSkip`. */
export function skipPages<T>(
  load: (query: { skip: number; limit?: number }) => Promise<{ items: T[]; nextSkip: number | null }>,
  firstSkip = 0,
): PageFetcher<T> {
  return async (token, limit) => {
    const skip = token === undefined ? firstSkip : Number(token);
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`Not a skip continuation token: ${token}`);
    const { items, nextSkip } = await load({ skip, ...(limit !== undefined && { limit }) });
    return { items, next: nextSkip === null ? undefined : String(nextSkip) };
  };
}
