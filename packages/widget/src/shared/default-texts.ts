/**
 * The texts every organization's widget settings start with (the server's
 * `defaultWidgetSettings`, checked equal by a test). A setting still equal to
 * its default was never written by the site, so the widget says it in the
 * visitor's language; any other text is the site's own, shown as written.
 */
export const DEFAULT_TEXTS = { title: 'Chat with us', launcherText: 'Chat' } as const;
