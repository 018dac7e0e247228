import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, closeAction } from '../src/index.js';

describe('closeAction', () => {
  it('answers the documented action for every close code', () => {
    for (const { code, action } of Object.values(CLOSE_CODES)) expect(closeAction(code)).toBe(action);
  });

  it('treats unknown credential codes as stop and other unknown codes as reconnect', () => {
    expect(closeAction(4150)).toBe('stop');
    expect(closeAction(4050)).toBe('reconnect');
    expect(closeAction(1006)).toBe('reconnect');
  });

  it('keeps codes unique and in their documented ranges', () => {
    const codes = Object.values(CLOSE_CODES).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const { code, action } of Object.values(CLOSE_CODES)) {
      if (code >= 4000 && code < 4100) expect(action).toBe('reconnect');
      if (code >= 4100 && code < 4200) expect(action).not.toBe('reconnect');
    }
  });
});
