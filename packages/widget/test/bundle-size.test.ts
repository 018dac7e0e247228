import { describe, expect, it } from 'vitest';
import { buildWidget } from '../src/build/index.js';

// issue 5: loader ≤ 3 KB gzip; everything a visitor downloads ≤ 25 KB gzip.
const LOADER_BUDGET = 3 * 1024;
const TOTAL_BUDGET = 25 * 1024;

describe('widget bundle sizes, built exactly as the server serves them', () => {
  it('keeps the loader and the whole download within budget', async () => {
    const bundle = await buildWidget();
    const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
    const lines = [
      `widget.js  ${kb(bundle.loader.body.length)} raw, ${kb(bundle.loader.gzip.length)} gzip, ${kb(bundle.loader.brotli.length)} brotli`,
      ...bundle.chunks.map(
        (c) =>
          `${c.path}  ${kb(c.body.length)} raw, ${kb(c.gzip.length)} gzip, ${kb(c.brotli.length)} brotli`,
      ),
    ];
    // A visitor downloads the loader and the chat chunk of one language: the largest one counts.
    const largestChunk = Math.max(...bundle.chunks.map((c) => c.gzip.length));
    const total = bundle.loader.gzip.length + largestChunk;
    lines.push(`visitor total (loader + largest chat chunk): ${kb(total)} gzip`);
    process.stdout.write(`\n[widget sizes]\n${lines.join('\n')}\n`);
    expect(bundle.chunks.map((c) => c.path.replace(/\.[\w-]+\.js$/, ''))).toEqual([
      '/widget/chat-en',
      '/widget/chat-fr',
    ]);
    expect(bundle.loader.gzip.length).toBeLessThanOrEqual(LOADER_BUDGET);
    expect(total).toBeLessThanOrEqual(TOTAL_BUDGET);
  });
});
