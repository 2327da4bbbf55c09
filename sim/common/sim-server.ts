/**
 * Shapes every simulator shares: how it is started and what handle tests get back, and the
 * transport-level faults (timeout, reset, drop after accept) that look the same on every wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../src/domain/clock';
import type { FaultDecision, FaultInjector, RequestCounters } from './faults';
import type { WebmailSource } from './webmail-source';

export interface SimOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  host?: string;
  /** Seed for deterministic ids, seeded mailboxes and rate-based faults. */
  seed?: number;
  /** Token lifetimes, cursor ages and subscription expiry follow this clock. */
  clock?: Clock;
}

/** What every simulator handle offers besides its provider-specific controls. */
export interface SimHandleBase {
  faults: FaultInjector;
  counters: RequestCounters;
  webmail: WebmailSource;
}

export interface SimServer<H extends SimHandleBase> {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  handle: H;
  close(): Promise<void>;
}

/**
 * Carries out the transport faults. Returns true when the request was consumed by the fault.
 * `drop_after_accept` is not handled here: the simulator performs the operation first and then calls
 * `dropConnection`.
 */
export function applyTransportFault(decision: FaultDecision, req: IncomingMessage, _res: ServerResponse): boolean {
  switch (decision.kind) {
    case 'reset':
      dropConnection(req.socket);
      return true;
    case 'timeout': {
      const timer = setTimeout(() => dropConnection(req.socket), decision.holdMs);
      req.socket.once('close', () => clearTimeout(timer));
      return true;
    }
    default:
      return false;
  }
}

/** Destroys the connection without an HTTP answer (the client sees ECONNRESET / socket hang up). */
export function dropConnection(socket: Socket): void {
  socket.resetAndDestroy();
}
