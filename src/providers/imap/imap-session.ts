/**
 * IMAP sessions for provider calls. `withImap` opens one short session for a single call; a provider
 * instance's mail calls share one `reusedImap` connection instead (a sync run makes a handful of calls
 * back to back: list, fetch, move, fetch, move…), run one at a time on it and logged out after a
 * moment without calls. Either way we stay well inside per-user connection limits (Dovecot's default
 * is 10 per user and IP; iCloud and Yahoo are lower): one connection per provider instance at most,
 * plus the IDLE watcher's.
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

/** Connects, mapping a failed login or an unreachable server to its ProviderError. */
async function connected(settings: ImapSettings, logger: Logger, what: string): Promise<{ client: ImapFlow; capture: CapturingLogger }> {
  const capture = new CapturingLogger(logger);
  const client = createImapClient(settings, capture);
  // Socket errors after a command settled arrive as 'error' events; without a listener they would crash the process.
  client.on('error', (err: unknown) => logger.debug({ err }, 'imap connection error'));
  try {
    await client.connect();
  } catch (e) {
    client.close();
    throw mapImapError(e, what);
  }
  return { client, capture };
}

function sessionOf(client: ImapFlow, capture: CapturingLogger, what: string): ImapSession {
  capture.last = undefined;
  return {
    client,
    failed(op) {
      throw mapImapError(capture.last ?? { code: 'CANNOT' }, `${what}: ${op}`);
    },
  };
}

export async function withImap<T>(settings: ImapSettings, logger: Logger, what: string, run: (session: ImapSession) => Promise<T>): Promise<T> {
  const { client, capture } = await connected(settings, logger, what);
  try {
    const result = await run(sessionOf(client, capture, what));
    await client.logout().catch(() => client.close());
    return result;
  } catch (e) {
    client.close();
    throw mapImapError(e, what);
  }
}

export type RunImap = <T>(what: string, run: (session: ImapSession) => Promise<T>) => Promise<T>;

/**
 * One connection for consecutive calls: each call waits for the one before it (a session has one
 * selected folder), reuses the connection while a NOOP says it is alive, and drops it on any
 * failure so the next call logs in afresh. Logged out after `idleMs` without a call; the timer does
 * not keep the process alive.
 */
export function reusedImap(settings: ImapSettings, logger: Logger, idleMs = 1_000): RunImap {
  let current: { client: ImapFlow; capture: CapturingLogger } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  const drop = (graceful: boolean) => {
    const c = current;
    current = undefined;
    if (c && graceful) void c.client.logout().catch(() => c.client.close());
    else c?.client.close();
  };
  return <T>(what: string, run: (session: ImapSession) => Promise<T>): Promise<T> => {
    const call = queue.then(async () => {
      clearTimeout(idle);
      // A kept connection may have died while idle (server autologout, a reset on the way): a NOOP
      // proves it before a real command is spent on it.
      if (current) await current.client.noop().catch(() => undefined);
      if (current && !current.client.usable) drop(false);
      current ??= await connected(settings, logger, what);
      const { client, capture } = current;
      try {
        return await run(sessionOf(client, capture, what));
      } catch (e) {
        // Whatever state the failed command left (half a response, a folder we cannot trust): start over.
        drop(false);
        throw mapImapError(e, what);
      } finally {
        if (current) {
          idle = setTimeout(() => drop(true), idleMs);
          idle.unref();
        }
      }
    });
    queue = call.catch(() => undefined);
    return call;
  };
}

export { CapturingLogger };
