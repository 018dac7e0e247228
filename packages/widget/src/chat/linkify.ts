/** A run of message text: plain, or a link to an http(s) URL. */
export type Segment = { text: string; href?: string };

// Only http(s) is ever matched, so `javascript:` and `data:` can never become links.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that ends a sentence rather than the URL.
const TRAILING = /[.,;:!?)\]]+$/;

/**
 * Splits text into plain runs and links. The caller renders both as text
 * nodes (an <a> whose text is the URL): nothing is ever parsed as HTML.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING, '');
    const start = match.index;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push(safeHref(url) ? { text: url, href: url } : { text: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

function safeHref(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
