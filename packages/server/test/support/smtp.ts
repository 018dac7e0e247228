// An SMTP server in-process, for the tests that read the mail the server sends.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Delivered {
  rcptTo: string[];
  mail: ParsedMail;
}

/** A plain SMTP server on a loopback port, in-process, keeping every mail it accepts. */
export interface TestSmtp {
  delivered: Delivered[];
  url: string;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          delivered.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    delivered,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
