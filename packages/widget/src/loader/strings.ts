/**
 * The few words the loader itself says; the chat chunk carries the rest.
 * `launcher` labels the button while no configuration has loaded (token mode,
 * an unreachable server); `chat` stands for the default launcher text.
 */
export const LOADER_STRINGS = {
  en: {
    launcher: 'Chat with us',
    chat: 'Chat',
    unread: 'unread messages',
    close: 'Close',
    unreachable: 'The chat is unavailable right now.',
  },
  fr: {
    launcher: 'Discutons',
    chat: 'Discuter',
    unread: 'messages non lus',
    close: 'Fermer',
    unreachable: 'Le chat est indisponible pour le moment.',
  },
} as const;

export type Language = keyof typeof LOADER_STRINGS;

export function pickLanguage(wanted: string | undefined): Language {
  const tag = (wanted ?? globalThis.navigator?.language ?? 'en').slice(0, 2).toLowerCase();
  return tag === 'fr' ? 'fr' : 'en';
}
