import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ENV } from './config.js';
import { registerApiKeyCommands } from './commands/api-key.js';
import { registerListenCommand } from './commands/listen.js';
import { registerMessageCommands } from './commands/message.js';
import { registerParticipantCommands } from './commands/participant.js';
import { registerThreadCommands } from './commands/thread.js';
import { registerTokenCommands } from './commands/token.js';
import { registerUserCommands } from './commands/user.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const EPILOGUE = `
Environment:
  ${ENV.endpoint}      the server URL (instead of --endpoint)
  ${ENV.accessToken}  a user access token (instead of --access-token): thread, message, participant, listen
  ${ENV.apiKey}       an API key (instead of --api-key): user, token, api-key

Exit codes:
  0  success
  1  the server refused the request (other 4xx, 500)
  2  usage error: bad or missing flags, missing endpoint or credential
  3  authentication: 401 or 403
  4  not found: 404
  5  rate limited: 429 (the wait is printed)
  6  server unavailable or unreachable (network error, timeout, 502/503/504)

Reference: docs/cli.md`;

/**
 * The whole command tree. Global options are declared once here; commander
 * accepts them before or after the subcommand and `optsWithGlobals()` merges them.
 */
export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Command-line client of the Parley chat server')
    .version(version, '-V, --version')
    .addOption(new Option('--endpoint <url>', 'server URL, e.g. http://localhost:8080').env(ENV.endpoint))
    .addOption(new Option('--access-token <token>', 'user access token (user commands)').env(ENV.accessToken))
    .addOption(
      new Option('--api-key <key>', 'API key (admin commands: user, token, api-key)').env(ENV.apiKey),
    )
    .option('--json', 'print JSON on stdout (NDJSON for listen) instead of tables')
    // Settings below are copied to every subcommand created after them with .command().
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', EPILOGUE);

  registerThreadCommands(program);
  registerMessageCommands(program);
  registerParticipantCommands(program);
  registerUserCommands(program);
  registerTokenCommands(program);
  registerApiKeyCommands(program);
  registerListenCommand(program);
  return program;
}
