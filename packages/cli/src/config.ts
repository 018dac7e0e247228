import { UsageError } from './errors.js';

/** The options every command accepts; commander fills them from flags or the environment. */
export interface GlobalOptions {
  endpoint?: string;
  accessToken?: string;
  apiKey?: string;
  json?: boolean;
}

export const ENV = {
  endpoint: 'PARLEY_ENDPOINT',
  accessToken: 'PARLEY_ACCESS_TOKEN',
  apiKey: 'PARLEY_API_KEY',
} as const;

/** The server URL, checked here so that a typo is a usage error (exit 2) rather than a network error. */
export function resolveEndpoint(options: GlobalOptions): string {
  const raw = options.endpoint?.trim();
  if (!raw) {
    throw new UsageError(
      `no server endpoint: pass --endpoint <url> or set ${ENV.endpoint} (e.g. http://localhost:8080)`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`invalid endpoint "${raw}": expected a URL such as http://localhost:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid endpoint "${raw}": use an http:// or https:// URL`);
  }
  return raw.replace(/\/+$/, '');
}

/** The user access token that thread, message, participant and listen commands act with. */
export function resolveAccessToken(options: GlobalOptions): string {
  const token = options.accessToken?.trim();
  if (!token) {
    throw new UsageError(
      `no access token: this command acts as a user. Pass --access-token <token> or set ${ENV.accessToken} ` +
        `(an admin can issue one with "parley token issue --user <id>")`,
    );
  }
  return token;
}

/** The API key that user, token and api-key commands act with. */
export function resolveApiKey(options: GlobalOptions): string {
  const key = options.apiKey?.trim();
  if (!key) {
    throw new UsageError(
      `no API key: user, token and api-key commands need an admin credential. ` +
        `Pass --api-key <key> or set ${ENV.apiKey}`,
    );
  }
  return key;
}
