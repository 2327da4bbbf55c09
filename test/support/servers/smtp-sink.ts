/**
 * An in-process SMTP server (`smtp-server`) that requires AUTH, accepts every message and records
 * envelope and exact bytes: the receiving end of the IMAP provider's SMTP submission.
 */
import { SMTPServer } from 'smtp-server';
import type { ServerUser } from './dovecot';

export interface SinkMessage {
  user: string;
  from: string;
  recipients: string[];
  raw: Buffer;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: SinkMessage[];
  /** Makes the next `n` DATA commands fail with this SMTP code after the body was received. */
  failNextData(n: number, code: number): void;
  stop(): Promise<void>;
}

export async function startSmtpSink(options: { users: ServerUser[] }): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let failures = 0;
  let failureCode = 451;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = options.users.some((u) => u.user === auth.username && u.password === auth.password);
      if (!ok) {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          callback(Object.assign(new Error('try again later'), { responseCode: failureCode }));
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          user: String(session.user ?? ''),
          from: mailFrom ? mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp sink has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    failNextData(n, code) {
      failures = n;
      failureCode = code;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
