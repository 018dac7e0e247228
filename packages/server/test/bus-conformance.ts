import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus } from '../src/core/ports/bus.js';

/**
 * The Bus contract (src/core/ports/bus.ts), clause by clause, for any adapter.
 * It uses the port only, and never assumes that delivery is in-process or
 * immediate: it waits for what must arrive, and gives what must not arrive a
 * quiet period after a later message that did arrive.
 */
export function busConformance(
  name: string,
  makeBus: () => Promise<{ bus: Bus; cleanup(): Promise<void> }>,
): void {
  /** How long to wait for a delivery that must happen. */
  const DELIVERY_TIMEOUT_MS = 3000;
  /** How long to keep watching for a delivery that must not happen. */
  const QUIET_MS = 100;

  describe(`Bus conformance: ${name}`, () => {
    let bus: Bus;
    let cleanup: () => Promise<void>;
    let topicSeq = 0;
    // Topics unique per test, so that an adapter shared between runs cannot leak one test into another.
    const topic = (label: string) => `conf:${process.pid}:${Date.now().toString(36)}:${++topicSeq}:${label}`;

    beforeEach(async () => {
      ({ bus, cleanup } = await makeBus());
    });

    afterEach(async () => {
      await cleanup();
    });

    /** A handler that records its payloads and can be awaited for a count. */
    function recorder() {
      const received: unknown[] = [];
      let waiters: { count: number; resolve: () => void }[] = [];
      const handler = (payload: unknown) => {
        received.push(payload);
        waiters = waiters.filter((w) => {
          if (received.length < w.count) return true;
          w.resolve();
          return false;
        });
      };
      const waitFor = (count: number, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<void> => {
        if (received.length >= count) return Promise.resolve();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(
                new Error(`expected ${count} deliveries within ${timeoutMs} ms, got ${received.length}`),
              ),
            timeoutMs,
          );
          waiters.push({
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      };
      return { received, handler, waitFor };
    }

    const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

    it('ping resolves on a fresh bus', async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    it('delivers a payload to every handler subscribed to the topic', async () => {
      const t = topic('fan-out');
      const a = recorder();
      const b = recorder();
      const c = recorder();
      await bus.subscribe(t, a.handler);
      await bus.subscribe(t, b.handler);
      await bus.subscribe(t, c.handler);
      await bus.publish(t, { n: 1 });
      await Promise.all([a.waitFor(1), b.waitFor(1), c.waitFor(1)]);
      await quiet();
      expect(a.received).toEqual([{ n: 1 }]);
      expect(b.received).toEqual([{ n: 1 }]);
      expect(c.received).toEqual([{ n: 1 }]);
    });

    it('publishing to a topic without subscribers resolves and delivers nothing', async () => {
      const watched = recorder();
      const t = topic('watched');
      await bus.subscribe(t, watched.handler);
      await expect(bus.publish(topic('nobody'), { lost: true })).resolves.toBeUndefined();
      await bus.publish(t, 'marker');
      await watched.waitFor(1);
      await quiet();
      expect(watched.received).toEqual(['marker']);
    });

    it('does not deliver to handlers of other topics, including topics sharing a prefix', async () => {
      const base = topic('base');
      const target = recorder();
      const prefixed = recorder();
      const extended = recorder();
      const wildcard = recorder();
      await bus.subscribe(base, target.handler);
      await bus.subscribe(base.slice(0, -1), prefixed.handler);
      await bus.subscribe(`${base}:child`, extended.handler);
      // A pattern-looking name must be an ordinary topic, not a pattern subscription.
      await bus.subscribe(`${base.slice(0, -2)}*`, wildcard.handler);
      await bus.publish(base, 'for base');
      await target.waitFor(1);
      await quiet();
      expect(target.received).toEqual(['for base']);
      expect(prefixed.received).toEqual([]);
      expect(extended.received).toEqual([]);
      expect(wildcard.received).toEqual([]);
    });

    it('delivers the messages of one publisher on one topic in publish order (1000, awaited one by one)', async () => {
      const t = topic('ordered');
      const first = recorder();
      const second = recorder();
      await bus.subscribe(t, first.handler);
      await bus.subscribe(t, second.handler);
      for (let i = 0; i < 1000; i++) await bus.publish(t, { i });
      await Promise.all([first.waitFor(1000), second.waitFor(1000)]);
      const expected = Array.from({ length: 1000 }, (_, i) => ({ i }));
      expect(first.received).toEqual(expected);
      expect(second.received).toEqual(expected);
    });

    it('keeps publish order when publishes are not awaited, per topic, with two topics interleaved', async () => {
      const left = topic('left');
      const right = topic('right');
      const l = recorder();
      const r = recorder();
      await bus.subscribe(left, l.handler);
      await bus.subscribe(right, r.handler);
      const publishes: Promise<void>[] = [];
      for (let i = 0; i < 1000; i++) {
        publishes.push(bus.publish(left, i));
        publishes.push(bus.publish(right, -i - 1));
      }
      await Promise.all(publishes);
      await Promise.all([l.waitFor(1000), r.waitFor(1000)]);
      expect(l.received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(r.received).toEqual(Array.from({ length: 1000 }, (_, i) => -i - 1));
    });

    it('reaches a handler with anything published once subscribe has resolved', async () => {
      // Repeated on fresh topics: an adapter that activates subscriptions late fails some round.
      for (let round = 0; round < 20; round++) {
        const t = topic(`fresh-${round}`);
        const rec = recorder();
        await bus.subscribe(t, rec.handler);
        await bus.publish(t, round);
        await rec.waitFor(1);
        expect(rec.received).toEqual([round]);
      }
    });

    it('stops delivery to a handler once its unsubscribe has resolved, and only to that handler', async () => {
      const t = topic('unsubscribe');
      const leaving = recorder();
      const staying = recorder();
      const off = await bus.subscribe(t, leaving.handler);
      await bus.subscribe(t, staying.handler);
      await bus.publish(t, 'before');
      await Promise.all([leaving.waitFor(1), staying.waitFor(1)]);
      await off();
      await bus.publish(t, 'after');
      await staying.waitFor(2);
      await quiet();
      expect(leaving.received).toEqual(['before']);
      expect(staying.received).toEqual(['before', 'after']);
    });

    it('treats two subscriptions of the same function as independent', async () => {
      const t = topic('same-handler');
      const rec = recorder();
      const offFirst = await bus.subscribe(t, rec.handler);
      await bus.subscribe(t, rec.handler);
      await bus.publish(t, 'twice');
      await rec.waitFor(2);
      await offFirst();
      await bus.publish(t, 'once');
      await rec.waitFor(3);
      await quiet();
      expect(rec.received).toEqual(['twice', 'twice', 'once']);
    });

    it('delivers again to a handler that unsubscribed and subscribed anew', async () => {
      const t = topic('resubscribe');
      const rec = recorder();
      const off = await bus.subscribe(t, rec.handler);
      await off();
      await bus.publish(t, 'while away');
      await bus.subscribe(t, rec.handler);
      await bus.publish(t, 'back');
      await rec.waitFor(1);
      await quiet();
      expect(rec.received).toEqual(['back']);
    });

    it('never runs a handler inside publish', async () => {
      const t = topic('async');
      let running = false;
      let ranInsidePublish = false;
      const rec = recorder();
      await bus.subscribe(t, (payload) => {
        if (running) ranInsidePublish = true;
        rec.handler(payload);
      });
      running = true;
      const publishing = bus.publish(t, 'x');
      // Still in the synchronous part of the publisher: no handler may have run yet.
      expect(rec.received).toEqual([]);
      running = false;
      await publishing;
      await rec.waitFor(1);
      expect(ranInsidePublish).toBe(false);
      expect(rec.received).toEqual(['x']);
    });

    it('lets a handler publish without re-entering itself', async () => {
      const t = topic('reentrant');
      const depth: number[] = [];
      let active = 0;
      const rec = recorder();
      await bus.subscribe(t, (payload) => {
        active++;
        depth.push(active);
        const n = payload as number;
        if (n < 5) void bus.publish(t, n + 1);
        rec.handler(n);
        active--;
      });
      await bus.publish(t, 1);
      await rec.waitFor(5);
      expect(rec.received).toEqual([1, 2, 3, 4, 5]);
      expect(depth).toEqual([1, 1, 1, 1, 1]);
    });

    it('isolates a throwing handler from the publisher and from the other handlers', async () => {
      const t = topic('throwing');
      const before = recorder();
      const after = recorder();
      let thrown = 0;
      await bus.subscribe(t, before.handler);
      await bus.subscribe(t, () => {
        thrown++;
        throw new Error('handler failure (expected by the test)');
      });
      await bus.subscribe(t, after.handler);
      await expect(bus.publish(t, 1)).resolves.toBeUndefined();
      await expect(bus.publish(t, 2)).resolves.toBeUndefined();
      await Promise.all([before.waitFor(2), after.waitFor(2)]);
      expect(before.received).toEqual([1, 2]);
      expect(after.received).toEqual([1, 2]);
      // The throwing handler stays subscribed and keeps being called.
      expect(thrown).toBe(2);
    });

    it('carries plain JSON payloads intact', async () => {
      const t = topic('json');
      const rec = recorder();
      await bus.subscribe(t, rec.handler);
      const payloads: unknown[] = [
        null,
        true,
        false,
        0,
        -1.5,
        Number.MAX_SAFE_INTEGER,
        '',
        'plain',
        'unicode: héllo 👋 \u0000 "quoted" \\ \n',
        [],
        [1, 'two', null, [3], { four: 4 }],
        {},
        {
          type: 'message.created',
          threadId: 'th_1',
          pos: 42,
          nested: { deep: { deeper: [{ a: 1 }, { b: [true, false, null] }] } },
          'key with spaces': 'v',
        },
        { large: 'x'.repeat(256 * 1024) },
      ];
      for (const payload of payloads) await bus.publish(t, payload);
      await rec.waitFor(payloads.length);
      expect(rec.received).toEqual(payloads);
      // What arrives is what JSON would carry: no class instances, no shared mutable state required.
      expect(JSON.parse(JSON.stringify(rec.received))).toEqual(payloads);
    });
  });
}
