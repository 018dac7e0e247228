import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../src/shared/default-texts.js';
import { defaultWidgetSettings } from '../../server/src/core/livechat/widget-settings.js';

// The widget recognises a default text by its value: it must be the server's default exactly.
describe('the default widget texts', () => {
  it("are the server's default settings", () => {
    const defaults = defaultWidgetSettings();
    expect(DEFAULT_TEXTS).toEqual({ title: defaults.title, launcherText: defaults.launcherText });
  });
});
