/**
 * The thread the embedded PostgreSQL runs on (started by threaded-pglite.ts). PGlite is PostgreSQL
 * compiled to WebAssembly: every statement runs synchronously on the thread that owns it, so on the
 * main thread a capture batch's insert or an ANALYZE held up HTTP requests, timers and the sync
 * pipeline alike. Here it runs beside them, as a PostgreSQL server does in its own process.
 * Requests are carried out one at a time, in the order they arrive: the main side keeps a
 * transaction's statements together (threaded-pglite.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, QueryOptions } from '@electric-sql/pglite';
import { createPglite } from './pglite-create';
import { serializeError, type ThreadOpen, type ThreadReply, type ThreadRequest } from './pglite-thread-protocol';

const port = parentPort;
if (!port) throw new Error('pglite-thread.ts runs as a worker thread');
const { dataDir } = workerData as ThreadOpen;

const send = (reply: ThreadReply): void => port.postMessage(reply);
const keepText = (value: string): string => value;

async function carryOut(db: PGlite, listeners: Map<number, () => Promise<void>>, request: ThreadRequest): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const parsers: NonNullable<QueryOptions['parsers']> = {};
      for (const type of request.textTypes) parsers[type] = keepText;
      const { rows, fields, affectedRows } = await db.query(request.sql, request.params, { rowMode: request.rowMode, parsers });
      return { rows, fields, affectedRows };
    }
    case 'exec':
      return (await db.exec(request.sql)).map(({ rows, fields, affectedRows }) => ({ rows, fields, affectedRows }));
    case 'listen': {
      const unlisten = await db.listen(request.channel, (payload) => send({ op: 'notify', listenId: request.listenId, payload }));
      listeners.set(request.listenId, unlisten);
      return null;
    }
    case 'unlisten':
      await listeners.get(request.listenId)?.();
      listeners.delete(request.listenId);
      return null;
    case 'close':
      await db.close();
      return null;
  }
}

try {
  const db = await createPglite({ dataDir });
  const listeners = new Map<number, () => Promise<void>>();
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: ThreadRequest) => {
    queue = queue.then(async () => {
      try {
        send({ op: 'result', id: request.id, value: await carryOut(db, listeners, request) });
      } catch (e) {
        send({ op: 'error', id: request.id, error: serializeError(e) });
      }
      if (request.op === 'close') port.close();
    });
  });
  send({ op: 'ready' });
} catch (e) {
  send({ op: 'failed', error: serializeError(e) });
  port.close();
}
