import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

/** `npm start`: one node (SQLite by default, PostgreSQL + Redis when configured), printing where it listens. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(config);
  const lines = [
    '',
    `Parley is running on ${server.backends}${config.databaseUrl === undefined ? ` (data in ${config.dataDir})` : ''}.`,
    `  Dashboard      ${server.url}/app`,
    `  REST API       ${server.url}/v1`,
    `  WebSocket      ${server.url.replace(/^http/, 'ws')}/v1/realtime`,
    `  API reference  ${server.url}/docs`,
    `  OpenAPI        ${server.url}/v1/openapi.json`,
    `  Health         ${server.url}/healthz  ${server.url}/readyz  ${server.url}/metrics`,
  ];
  if (server.demo) {
    lines.push(
      '',
      `  Demo shop      ${server.url}/demo   (a page with the live-chat widget)`,
      `  Answer as the demo agent (operator token, 24 h):`,
      `    export PARLEY_ENDPOINT=${server.url} PARLEY_ACCESS_TOKEN=${server.demo.agentToken}`,
      '    npx parley listen                                  # conversations and messages, live',
      '    npx parley message send --thread <conversation id> --content "Hello!"',
    );
  }
  if (server.demo && (await server.core.accounts.setupStatus()).needed) {
    lines.push(
      `  Or answer in the dashboard: set up the first admin at ${server.url}/app and keep "Use Demo shop".`,
    );
  }
  if (server.bootstrapApiKey) {
    lines.push(
      '',
      'First start: created the default tenant and its admin API key. It is shown once; keep it safe:',
      `  ${server.bootstrapApiKey}`,
    );
  }
  console.log(lines.join('\n') + '\n');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
