import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { busConformance } from './bus-conformance.js';

busConformance('MemoryBus', async () => {
  // Handler errors are expected in the conformance suite; keep them out of the test output.
  const bus = new MemoryBus(() => undefined);
  return { bus, cleanup: () => bus.close() };
});

describe('MemoryBus', () => {
  it('reports a throwing handler to its error callback', async () => {
    const errors: unknown[] = [];
    const bus = new MemoryBus((err) => errors.push(err));
    const failure = new Error('boom');
    await bus.subscribe('t', () => {
      throw failure;
    });
    await bus.publish('t', 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual([failure]);
    await bus.close();
  });

  it('after close: publish delivers nothing and ping rejects', async () => {
    const bus = new MemoryBus(() => undefined);
    const received: unknown[] = [];
    await bus.subscribe('t', (p) => received.push(p));
    await bus.close();
    await bus.publish('t', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual([]);
    await expect(bus.ping()).rejects.toThrow();
  });
});
