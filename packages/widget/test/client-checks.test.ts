import { describe, expect, it } from 'vitest';
import { CONVERSATION_LIMITS, TIME_ZONE_PATTERN } from '@parley/protocol';
import { CLIENT_CHECKS, clientInfo } from '../src/chat/client-info.js';

// The widget leaves out what the server would refuse, with its own copy of the server's checks.
describe("the widget's checks of the browser's details", () => {
  it("are the protocol's", () => {
    expect(CLIENT_CHECKS).toEqual({
      timeZone: new RegExp(TIME_ZONE_PATTERN),
      timeZoneLength: CONVERSATION_LIMITS.timeZoneLength,
      locationLength: CONVERSATION_LIMITS.locationLength,
    });
  });

  it('send a clean location, and none when nothing is left of it', () => {
    expect(clientInfo(' Lyon,\u0000 France ').location).toBe('Lyon,  France');
    expect(clientInfo('x'.repeat(300)).location).toHaveLength(CONVERSATION_LIMITS.locationLength);
    expect(clientInfo(' \u0007 ')).not.toHaveProperty('location');
  });
});
