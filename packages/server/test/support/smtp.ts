// An SMTP server in-process, for the tests that read the mail the server sends.
import { createServer, type AddressInfo } from 'node:net';
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

/** On `port` when given (one chosen ahead, e.g. by `freePort`), else on any free one. */
export async function startSmtp(port = 0): Promise<TestSmtp> {
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    delivered,
    url: `smtp://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on now (it was free a moment ago), for a mail server started later. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
