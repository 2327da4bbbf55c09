/**
 * Push for the capture folder: IMAP IDLE (RFC 2177) on one dedicated connection. This is not a
 * PushAbility — that interface is for webhook subscriptions (Graph, Gmail watch, EWS) a server calls
 * back; IDLE is a connection Tandem holds. The worker that owns the account calls
 * `provider.watchCapture(folders, onChange)` and keeps the handle; `onChange` only says "list now".
 *
 * Connection limits: one IDLE connection per account, never more; other calls share one session per provider instance, closed when idle.
 * IDLE is re-issued every `maxIdleMs` (RFC 2177 asks for less than 29 minutes, as servers may drop
 * sessions idle for 30). After a drop it reconnects with capped exponential backoff, and waits the
 * longest step when the server says [LIMIT] (too many connections).
 */
import type { Logger } from 'pino';
import { createImapClient, type ImapSettings } from './imap-session';
import { mapImapError } from './map-imap-error';

export interface CaptureWatch {
  stop(): Promise<void>;
  /** Connections made so far (1 + reconnects), for tests and metrics. */
  connections(): number;
}

export interface WatchOptions {
  maxIdleMs?: number;
  /** Backoff before reconnect attempt n (0-based). */
  backoffMs?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(60_000, 1_000 * 2 ** attempt);

export function watchCaptureFolder(settings: ImapSettings, logger: Logger, path: string, onChange: () => void, options: WatchOptions = {}): CaptureWatch {
  const backoff = options.backoffMs ?? defaultBackoff;
  let stopped = false;
  let connections = 0;
  let current: ReturnType<typeof createImapClient> | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    let attempt = 0;
    while (!stopped) {
      // IDLE keeps the socket silent for long stretches: no socket timeout below the IDLE restart.
      const client = createImapClient({ ...settings, socketTimeoutMs: (options.maxIdleMs ?? 25 * 60_000) + 60_000 }, false, {
        maxIdleTimeMs: options.maxIdleMs ?? 25 * 60_000,
      });
      current = client;
      client.on('error', (err: unknown) => logger.debug({ err }, 'imap idle connection error'));
      client.on('exists', (info: { count: number; prevCount: number }) => {
        if (info.count > info.prevCount) onChange();
      });
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      try {
        connections++;
        await client.connect();
        await client.mailboxOpen(path, { readOnly: true });
        attempt = 0;
        // Mail may have arrived while we were not listening.
        onChange();
        while (!stopped && client.usable) await client.idle();
      } catch (e) {
        const err = mapImapError(e, 'imap idle');
        if (!stopped) logger.warn({ kind: err.kind, code: err.code }, 'imap idle interrupted');
        client.close();
        if (err.kind === 'auth_revoked') {
          // Retrying a wrong password only risks a lock-out; the regular sync reports it.
          stopped = true;
          break;
        }
        if (err.kind === 'throttled') attempt = Math.max(attempt, 16);
      }
      await closed;
      if (stopped) break;
      await pause(backoff(attempt++));
    }
  };
  const loop = run();

  return {
    async stop() {
      stopped = true;
      wake?.();
      if (current?.usable) await current.logout().catch(() => current?.close());
      else current?.close();
      await loop;
    },
    connections: () => connections,
  };
}
