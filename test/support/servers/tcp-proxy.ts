/**
 * A loopback TCP proxy for fault tests: forwards to a real server and can reset every open
 * connection (the client sees ECONNRESET mid-command), cut connections after a number of bytes, or
 * give each new connection its own byte budget (random cuts anywhere in a session, also mid-response).
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  host: string;
  port: number;
  /** Resets every connection currently open. */
  resetAll(): void;
  /** Resets each new connection after it has carried this many bytes from the client (null: never). */
  resetAfterBytes(n: number | null): void;
  /**
   * Asks `budget` for each new connection how many bytes it may carry in both directions together
   * before it is reset (null: uncut); `null` turns it off. Applies on top of resetAfterBytes.
   */
  cutEach(budget: (() => number | null) | null): void;
  /** Connections reset by resetAfterBytes / cutEach so far. */
  cuts(): number;
  connections(): number;
  /** Connections accepted so far, open or closed. */
  opened(): number;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cutAfter: number | null = null;
  let budgetOf: (() => number | null) | null = null;
  let cutCount = 0;
  let openedCount = 0;
  const server = createServer((client) => {
    openedCount++;
    const upstream = connect(target.port, target.host);
    open.add(client);
    let carried = 0;
    let both = 0;
    const limit = cutAfter;
    const budget = budgetOf ? budgetOf() : null;
    const cut = () => {
      cutCount++;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    /** Counts a chunk against the budget; false once this connection is cut. */
    const spend = (chunk: Buffer): boolean => {
      both += chunk.length;
      if (budget === null || both <= budget) return true;
      cut();
      return false;
    };
    client.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (limit !== null && carried > limit) {
        cut();
        return;
      }
      if (spend(chunk)) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (spend(chunk)) client.write(chunk);
    });
    client.on('close', () => {
      open.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    resetAll() {
      for (const s of open) s.resetAndDestroy();
    },
    resetAfterBytes(n) {
      cutAfter = n;
    },
    cutEach(budget) {
      budgetOf = budget;
    },
    cuts: () => cutCount,
    connections: () => open.size,
    opened: () => openedCount,
    stop() {
      for (const s of open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
