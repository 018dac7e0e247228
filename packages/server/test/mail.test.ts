import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, knownError } from '../src/core/errors.js';
import { MailRejectedError, type Mailer, type OutgoingMail } from '../src/core/ports/mailer.js';
import { DependencyUnavailableError, MailNotConfiguredError } from '../src/core/ports/unavailable.js';
import { SmtpMailer, redactSmtpUrl } from '../src/mail/smtp-mailer.js';
import { DisabledMailer } from '../src/mail/disabled-mailer.js';
import { openBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import { Metrics } from '../src/metrics.js';

interface Delivered {
  mailFrom: string;
  rcptTo: string[];
  user: string | undefined;
  mail: ParsedMail;
}

interface TestSmtp {
  port: number;
  delivered: Delivered[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Mailers first: the SMTP server waits for open connections before it closes.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A real SMTP server on an ephemeral loopback port. Plain SMTP (no STARTTLS
 * offered) so the test needs no certificate; `refuse` answers 550 to the
 * addresses it matches; `auth` requires those credentials.
 */
async function startSmtp(
  options: { auth?: { user: string; pass: string }; refuse?: (address: string) => boolean } = {},
): Promise<TestSmtp> {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
      } else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          delivered.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            mail,
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, delivered };
}

function mailer(url: string, options: Partial<ConstructorParameters<typeof SmtpMailer>[0]> = {}): Mailer {
  const m = new SmtpMailer({ url, from: 'Parley <noreply@parley.test>', ...options });
  cleanups.push(() => m.close());
  return m;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const basic: OutgoingMail = { to: ['agent@acme.test'], subject: 'Hello', text: 'Hi there' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('SmtpMailer against a real SMTP server', () => {
  it('delivers to, from, subject, text and html, in UTF-8, with reply-to and extra headers', async () => {
    const smtp = await startSmtp();
    const m = mailer(`smtp://127.0.0.1:${smtp.port}`);
    const subject = 'Réponse à votre demande — café ☕ 🎉';
    const text = 'Bonjour Zoé,\nvoici la suite : déjà vu, naïve, 😀\n';
    const html = '<p>Bonjour Zoé, <strong>déjà</strong> 😀</p>';
    const result = await m.send({
      to: ['agent@acme.test', 'boss@acme.test'],
      subject,
      text,
      html,
      replyTo: 'visitor@example.test',
      headers: { 'X-Parley-Conversation': 'c_123' },
    });

    expect(smtp.delivered).toHaveLength(1);
    const [got] = smtp.delivered;
    expect(got!.mailFrom).toBe('noreply@parley.test');
    expect(got!.rcptTo).toEqual(['agent@acme.test', 'boss@acme.test']);
    expect(got!.mail.from?.value).toEqual([{ address: 'noreply@parley.test', name: 'Parley' }]);
    const to = Array.isArray(got!.mail.to) ? got!.mail.to : [got!.mail.to];
    expect(to.flatMap((a) => a!.value.map((v) => v.address))).toEqual(['agent@acme.test', 'boss@acme.test']);
    expect(got!.mail.subject).toBe(subject);
    expect(got!.mail.text).toBe(text);
    expect(got!.mail.html).toContain('<strong>déjà</strong> 😀');
    expect(got!.mail.replyTo?.value[0]?.address).toBe('visitor@example.test');
    expect(got!.mail.headers.get('x-parley-conversation')).toBe('c_123');
    expect(got!.mail.messageId).toBe(result.messageId);
  });

  it('refuses a CR/LF in the subject, an address or a header before sending anything', async () => {
    const smtp = await startSmtp();
    const m = mailer(`smtp://127.0.0.1:${smtp.port}`);
    const attempts: [string, OutgoingMail][] = [
      ['subject', { ...basic, subject: 'Hi\r\nBcc: victim@example.test' }],
      ['subject', { ...basic, subject: 'Hi\nBcc: victim@example.test' }],
      ['to', { ...basic, to: ['agent@acme.test\r\nBcc: victim@example.test'] }],
      ['to', { ...basic, to: ['not an address'] }],
      ['to', { ...basic, to: [] }],
      ['replyTo', { ...basic, replyTo: 'a@b.test\nBcc: victim@example.test' }],
      ['headers', { ...basic, headers: { 'X-Note': 'a\r\nBcc: victim@example.test' } }],
      ['headers', { ...basic, headers: { Bcc: 'victim@example.test' } }],
    ];
    for (const [field, mail] of attempts) {
      const err = await rejection(m.send(mail));
      expect(err, JSON.stringify(mail)).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'invalid_request', details: { field } });
    }
    expect(smtp.delivered).toEqual([]);
  });

  it('reports a server that is down as DependencyUnavailableError, promptly', async () => {
    const m = mailer(`smtp://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    const err = await rejection(m.send(basic));
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).dependency).toBe('mail');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await rejection(m.ping())).toBeInstanceOf(DependencyUnavailableError);
    expect(knownError(err)).toMatchObject({
      code: 'service_unavailable',
      status: 503,
      message: 'The mail server is unavailable; retry shortly.',
      details: { retryAfter: 1 },
    });
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const m = mailer(`smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
      greetingTimeoutMs: 300,
    });
    const started = Date.now();
    expect(await rejection(m.send(basic))).toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a recipient the server refuses (550) with the address and the reply', async () => {
    const smtp = await startSmtp({ refuse: (address) => address.startsWith('nobody@') });
    const m = mailer(`smtp://127.0.0.1:${smtp.port}`);
    const err = await rejection(m.send({ ...basic, to: ['nobody@acme.test'] }));
    expect(err).toBeInstanceOf(MailRejectedError);
    expect(err).toMatchObject({ rejected: ['nobody@acme.test'], accepted: [] });
    expect((err as MailRejectedError).response).toMatch(/^550/);
    expect((err as Error).message).toContain('nobody@acme.test');
    expect(smtp.delivered).toEqual([]);

    // Partly refused: the others got it, and the error says so.
    const partial = await rejection(m.send({ ...basic, to: ['agent@acme.test', 'nobody@acme.test'] }));
    expect(partial).toMatchObject({ rejected: ['nobody@acme.test'], accepted: ['agent@acme.test'] });
    expect(smtp.delivered.map((d) => d.rcptTo)).toEqual([['agent@acme.test']]);
  });

  it('authenticates with the user and password of the URL, URL-decoded', async () => {
    const auth = { user: 'parley@acme.test', pass: 'p@ss:wörd/1' };
    const smtp = await startSmtp({ auth });
    const url = `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${smtp.port}`;
    const m = mailer(url);
    await m.ping();
    await m.send(basic);
    expect(smtp.delivered.map((d) => d.user)).toEqual(['parley@acme.test']);

    const wrong = mailer(`smtp://parley%40acme.test:nope@127.0.0.1:${smtp.port}`);
    expect(await rejection(wrong.send(basic))).toBeInstanceOf(DependencyUnavailableError);
    expect(await rejection(wrong.ping())).toBeInstanceOf(DependencyUnavailableError);
    expect(smtp.delivered).toHaveLength(1);
    expect(redactSmtpUrl(url)).not.toContain(encodeURIComponent(auth.pass));
    expect(redactSmtpUrl(url)).toContain('***');
  });

  it('pings a server that answers, and sends many mails over its pooled connections', async () => {
    const smtp = await startSmtp();
    const m = mailer(`smtp://127.0.0.1:${smtp.port}`, { maxConnections: 2 });
    await m.ping();
    await Promise.all(Array.from({ length: 10 }, (_, i) => m.send({ ...basic, subject: `n${i}` })));
    expect(smtp.delivered.map((d) => d.mail.subject).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `n${i}`).sort(),
    );
  });
});

describe('DisabledMailer (no SMTP configured)', () => {
  it('refuses every mail and says mail is not configured, never dropping it silently', async () => {
    const m = new DisabledMailer();
    const err = await rejection(m.send(basic));
    expect(err).toBeInstanceOf(MailNotConfiguredError);
    expect(await rejection(m.ping())).toMatchObject({
      message: expect.stringMatching(/^mail is not configured/),
    });
    expect(knownError(err)).toMatchObject({ code: 'mail_not_configured', status: 409, details: {} });
    // A malformed mail is reported as such, whatever the configuration.
    expect(await rejection(m.send({ ...basic, subject: 'a\nb' }))).toBeInstanceOf(AppError);
    await m.close();
  });
});

describe('Backends.mailer', () => {
  const logger = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

  it('is the SMTP mailer with PARLEY_SMTP_URL, and the disabled one without', async () => {
    const smtp = await startSmtp();
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-mail-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    const withSmtp = await openBackends(
      loadConfig({
        PARLEY_DATA_DIR: dataDir,
        PARLEY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        PARLEY_MAIL_FROM: 'noreply@parley.test',
      }),
      new Metrics(),
      logger,
    );
    cleanups.push(() => withSmtp.close());
    await withSmtp.mailer.send(basic);
    expect(smtp.delivered.map((d) => d.mailFrom)).toEqual(['noreply@parley.test']);

    const without = await openBackends(loadConfig({ PARLEY_DATA_DIR: dataDir }), new Metrics(), logger);
    cleanups.push(() => without.close());
    expect(await rejection(without.mailer.send(basic))).toBeInstanceOf(MailNotConfiguredError);
  });
});
