import nodemailer from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import {
  checkOutgoingMail,
  MailRejectedError,
  type Mailer,
  type OutgoingMail,
} from '../core/ports/mailer.js';
import { DependencyUnavailableError } from '../core/ports/unavailable.js';

export interface SmtpMailerOptions {
  /**
   * `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`
   * (TLS from the first byte). User and password are URL-encoded.
   */
  url: string;
  /** The `From` of every mail: `noreply@example.com` or `Example <noreply@example.com>`. */
  from: string;
  /** Connections kept open to the server. Default 5. */
  maxConnections?: number;
  /** To open the TCP (and TLS) connection. Default 10 s. */
  connectionTimeoutMs?: number;
  /** For the server's greeting once connected. Default 10 s. */
  greetingTimeoutMs?: number;
  /** Of inactivity on an open connection. Default 30 s. */
  socketTimeoutMs?: number;
  /** TLS settings, e.g. a private CA (`ca`). Certificates are always verified unless a test says otherwise. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean; servername?: string };
}

/** What nodemailer attaches to its errors; its types leave them untyped. */
interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  permanent?: boolean;
  rejected?: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The Mailer over SMTP (nodemailer), with a pool of connections so that a
 * burst of mail does not open one connection per message.
 *
 * TLS: `smtps://` speaks TLS from the start. `smtp://` upgrades with STARTTLS
 * when the server offers it, and requires it when credentials would otherwise
 * cross the network in clear (any host but loopback): a server that does not
 * offer STARTTLS then fails the send instead of receiving the password.
 *
 * Errors follow the port: the server out of reach, too slow, refusing our
 * credentials or answering 4xx → `DependencyUnavailableError('mail')`;
 * recipients or the message refused for good (5xx) → `MailRejectedError`.
 */
export class SmtpMailer implements Mailer {
  readonly configured = true;
  private readonly transport: ReturnType<typeof openPool>;

  constructor(private readonly options: SmtpMailerOptions) {
    const url = new URL(options.url);
    const secure = url.protocol === 'smtps:';
    const user = decodeURIComponent(url.username);
    const auth = user === '' ? undefined : { user, pass: decodeURIComponent(url.password) };
    this.transport = openPool({
      maxConnections: options.maxConnections ?? 5,
      host: url.hostname,
      port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
      secure,
      requireTLS: !secure && auth !== undefined && !LOOPBACK.has(url.hostname),
      ...(auth && { auth }),
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      ...(options.tls && { tls: options.tls }),
      // Never let a message pull in local files or URLs (attachments, inline images).
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    checkOutgoingMail(mail);
    let info;
    try {
      info = await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined && { html: mail.html }),
        ...(mail.replyTo !== undefined && { replyTo: mail.replyTo }),
        ...(mail.headers !== undefined && { headers: mail.headers }),
      });
    } catch (err) {
      throw translate(err, mail.to);
    }
    // Some recipients refused, the others accepted: the message did go to those.
    if (info.rejected.length > 0) {
      throw new MailRejectedError(
        info.rejected,
        info.accepted,
        (info.rejectedErrors as SmtpError[] | undefined)?.[0]?.response ?? 'recipient refused',
      );
    }
    return { messageId: info.messageId };
  }

  async ping(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (err) {
      throw translate(err, []);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** A pooled transport; a function so that its type names the pool's own result type. */
function openPool(options: SMTPPoolOptions) {
  return nodemailer.createTransport({ ...options, pool: true });
}

/** The port's error for a nodemailer failure (see the class comment). */
function translate(err: unknown, to: string[]): Error {
  const e = err as SmtpError;
  if (e.permanent && e.command === 'RCPT TO') {
    return new MailRejectedError(e.rejected ?? to, [], e.response ?? e.message);
  }
  // The message itself refused for good (size, content policy): no recipient got it.
  if (e.permanent && e.command === 'DATA') return new MailRejectedError(to, [], e.response ?? e.message);
  if (typeof e.code === 'string') return new DependencyUnavailableError('mail', err);
  return err instanceof Error ? err : new Error(String(err));
}

/** The URL with its password masked, for logs and the start banner. */
export function redactSmtpUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
