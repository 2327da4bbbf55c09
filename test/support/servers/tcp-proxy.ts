/**
 * A loopback TCP proxy for fault tests: forwards to a real server and can reset every open
 * connection (the client sees ECONNRESET mid-command) or refuse new ones.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  host: string;
  port: number;
  /** Resets every connection currently open. */
  resetAll(): void;
  /** Resets each new connection after it has carried this many bytes from the client (null: never). */
  resetAfterBytes(n: number | null): void;
  connections(): number;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cutAfter: number | null = null;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    open.add(client);
    let carried = 0;
    const limit = cutAfter;
    const cut = () => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    client.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (limit !== null && carried > limit) {
        cut();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
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
    connections: () => open.size,
    stop() {
      for (const s of open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
