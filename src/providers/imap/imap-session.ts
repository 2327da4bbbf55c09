/**
 * Opens one short-lived IMAP session per provider call (a call handles a whole batch). Short sessions
 * keep us well inside per-user connection limits (Dovecot's default is 10 per user and IP; iCloud and
 * Yahoo are lower) — only the IDLE watcher holds a connection open.
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { ProviderError } from '../errors';
import type { ProviderContext } from '../provider';
import { mapImapError } from './map-imap-error';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  /** Milliseconds; a silent server is a transient failure, not a hang. */
  socketTimeoutMs: number;
}

export function imapSettings(ctx: ProviderContext, socketTimeoutMs = 60_000): ImapSettings {
  const server = ctx.endpoints.imap;
  if (!server) throw new ProviderError('permanent', 'imap: no IMAP server configured', { code: 'NO_ENDPOINT' });
  if (ctx.credentials.kind !== 'password') {
    throw new ProviderError('permanent', 'imap: password credentials required', { code: 'CREDENTIALS_KIND' });
  }
  return { ...server, user: ctx.credentials.username, pass: ctx.credentials.password, socketTimeoutMs };
}

/**
 * imapflow answers some failed commands (MOVE, COPY, STORE, SEARCH) with `false` and reports the
 * error — with its parsed `serverResponseCode` — only to its logger. This logger keeps that error so
 * the failure can be classified by its response code (TRYCREATE, OVERQUOTA…).
 */
class CapturingLogger {
  last: unknown;
  constructor(private readonly log: Logger) {}
  debug(): void {}
  info(): void {}
  warn(obj: unknown): void {
    const err = typeof obj === 'object' && obj !== null && 'err' in obj ? (obj as { err: unknown }).err : undefined;
    if (err !== undefined) this.last = err;
  }
  error(obj: unknown): void {
    this.log.debug({ imap: obj }, 'imap client error');
  }
}

export interface ImapSession {
  client: ImapFlow;
  /** Throws the classified error of the last command imapflow reported as `false`. */
  failed(what: string): never;
}

export function createImapClient(settings: ImapSettings, logger: CapturingLogger | false, extra: { autoIdle?: boolean; maxIdleTimeMs?: number } = {}): ImapFlow {
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.pass },
    logger: logger === false ? false : logger,
    disableAutoIdle: !extra.autoIdle,
    maxIdleTime: extra.maxIdleTimeMs,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: settings.socketTimeoutMs,
    // Identity, not marketing: some servers log it.
    clientInfo: { name: 'Tandem' },
    emitLogs: false,
  });
}

export async function withImap<T>(settings: ImapSettings, logger: Logger, what: string, run: (session: ImapSession) => Promise<T>): Promise<T> {
  const capture = new CapturingLogger(logger);
  const client = createImapClient(settings, capture);
  // Socket errors after a command settled arrive as 'error' events; without a listener they would crash the process.
  client.on('error', (err: unknown) => logger.debug({ err }, 'imap connection error'));
  const session: ImapSession = {
    client,
    failed(op) {
      throw mapImapError(capture.last ?? { code: 'CANNOT' }, `${what}: ${op}`);
    },
  };
  try {
    await client.connect();
    const result = await run(session);
    await client.logout().catch(() => client.close());
    return result;
  } catch (e) {
    client.close();
    throw mapImapError(e, what);
  }
}

export { CapturingLogger };
