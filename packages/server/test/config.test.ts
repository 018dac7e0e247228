// The configuration from the environment: every variable parsed, checked and named in its error.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@parley/protocol';
import { ConfigError, defaultConfig, loadConfig } from '../src/config.js';

describe('configuration', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  };

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['PARLEY_MAX_MESSAGE_BYTES', '-1'],
    ['PARLEY_MAX_PARTICIPANTS', '1'],
    ['PARLEY_UNKNOWN', '1'],
    ['LOG_LEVEL', 'loud'],
    ['PARLEY_SQLITE_SYNCHRONOUS', 'off'],
    ['PARLEY_DATA_DIR', ' '],
    ['DATABASE_URL', 'mysql://localhost/parley'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['PARLEY_PG_POOL_SIZE', '0'],
    ['PARLEY_AUTO_MIGRATE', 'yes'],
    ['PARLEY_SMTP_URL', 'http://mail.example:587'],
    ['PARLEY_SMTP_URL', 'not a url'],
    ['PARLEY_SMTP_URL', 'smtp://'],
    ['PARLEY_SMTP_URL', 'smtp://mail.example:587/path?tls=off'],
    ['PARLEY_SMTP_URL', 'smtp://:secret@mail.example'],
    ['PARLEY_MAIL_FROM', 'not an address'],
    ['PARLEY_MAIL_FROM', 'noreply@example.test\r\nBcc: victim@example.test'],
    ['PARLEY_MAIL_FROM', 'Acme, Inc <noreply@example.test>'],
  ])('rejects %s=%j with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('needs a shared token secret with DATABASE_URL, and DATABASE_URL with REDIS_URL', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://localhost/parley' })).toEqual([
      expect.stringContaining('PARLEY_TOKEN_SECRET'),
    ]);
    expect(problemsOf({ REDIS_URL: 'redis://localhost:6379' })).toEqual([
      expect.stringContaining('DATABASE_URL'),
    ]);
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/parley',
      REDIS_URL: 'redis://cache:6379',
      PARLEY_TOKEN_SECRET: 'x'.repeat(32),
      PARLEY_PG_POOL_SIZE: '20',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/parley',
      redisUrl: 'redis://cache:6379',
      postgresPoolSize: 20,
    });
  });

  it('takes PARLEY_GEO_HEADER as a header name, off by default, never a credential header', () => {
    expect(loadConfig({}).geoHeader).toBeUndefined();
    expect(loadConfig({ PARLEY_GEO_HEADER: ' CF-IPCountry ' }).geoHeader).toBe('cf-ipcountry');
    for (const bad of ['CF IPCountry', 'x-geo:', '', 'Authorization', 'cookie']) {
      expect(problemsOf({ PARLEY_GEO_HEADER: bad }), bad).toEqual([
        expect.stringContaining('PARLEY_GEO_HEADER'),
      ]);
    }
  });

  it('needs PARLEY_MAIL_FROM with PARLEY_SMTP_URL, accepts both forms of a sender, and never prints the SMTP password', () => {
    expect(problemsOf({ PARLEY_SMTP_URL: 'smtp://mail.example:587' })).toEqual([
      expect.stringContaining('PARLEY_MAIL_FROM'),
    ]);
    expect(
      loadConfig({
        PARLEY_SMTP_URL: 'smtps://u%40x:p%3Aw@mail.example',
        PARLEY_MAIL_FROM: 'Acme <noreply@acme.test>',
      }),
    ).toMatchObject({ smtpUrl: 'smtps://u%40x:p%3Aw@mail.example', mailFrom: 'Acme <noreply@acme.test>' });
    expect(
      loadConfig({ PARLEY_SMTP_URL: 'smtp://mail.example', PARLEY_MAIL_FROM: 'noreply@acme.test' }),
    ).toMatchObject({ smtpUrl: 'smtp://mail.example', mailFrom: 'noreply@acme.test' });
    for (const url of [
      'http://user:hunter2secret@mail.example',
      'smtp://user:hunter2secret@mail.example/x',
    ]) {
      const problems = problemsOf({ PARLEY_SMTP_URL: url, PARLEY_MAIL_FROM: 'noreply@acme.test' });
      expect(problems).toEqual([expect.stringContaining('PARLEY_SMTP_URL')]);
      expect(problems.join('\n')).not.toContain('hunter2secret');
    }
  });

  it('reports every problem at once, with the allowed values, and never prints the token secret', () => {
    const secret = 'too-short-secret';
    let message = '';
    try {
      loadConfig({
        PORT: 'abc',
        PARLEY_MAX_MESSAGE_BYTES: '-1',
        PARLEY_UNKNOWN: '1',
        LOG_LEVEL: 'loud',
        PARLEY_TOKEN_SECRET: secret,
      });
    } catch (err) {
      message = (err as Error).message;
      expect((err as ConfigError).problems).toHaveLength(5);
    }
    for (const name of [
      'PORT',
      'PARLEY_MAX_MESSAGE_BYTES',
      'PARLEY_UNKNOWN',
      'LOG_LEVEL',
      'PARLEY_TOKEN_SECRET',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).toMatch(/from 0 to 65535/);
    expect(message).toMatch(/fatal, error, warn, info, debug, trace, silent/);
    expect(message).not.toContain(secret);
  });

  it('accepts good values and ignores variables that are not its own', () => {
    const config = loadConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      PARLEY_MAX_MESSAGE_BYTES: '1024',
      PARLEY_MAX_PARTICIPANTS: '10',
      PARLEY_USER_SEND_RATE: '5',
      PARLEY_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      PARLEY_TOKEN_SECRET: 'x'.repeat(32),
      PARLEY_SQLITE_SYNCHRONOUS: 'normal',
      HOME: '/home/someone',
      PATH: '/usr/bin',
      NODE_ENV: 'test',
    });
    const expected = defaultConfig();
    expected.port = 3000;
    expected.host = '127.0.0.1';
    expected.logLevel = 'debug';
    expected.limits.messageContentBytes = 1024;
    expected.limits.participantsPerThread = 10;
    expected.limits.userSendsPerSecond = 5;
    expected.allowedOrigins = ['https://a.example', 'https://b.example'];
    expected.secrets.tokenSecret = 'x'.repeat(32);
    expected.sqliteSynchronous = 'normal';
    expect(config).toEqual(expected);
  });

  it('defaults to the documented limits', () => {
    expect(loadConfig({})).toEqual(defaultConfig());
    expect(defaultConfig().limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({
      messageContentBytes: 28 * 1024,
      participantsPerThread: 250,
      maxPageSize: 200,
    });
  });
});
