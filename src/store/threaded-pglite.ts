/**
 * The embedded PostgreSQL on a thread of its own (pglite-thread.ts), seen from the main thread as the
 * part of PGlite's client that Tandem uses: query, exec, transaction, listen, close. PGlite runs
 * every statement synchronously on the thread that owns it; on the main thread that stalled HTTP
 * requests, timers and the sync pipeline while it worked (bench/capture.ts: about a third of a
 * Graph capture's main-thread time). Here the main thread only sends the statement and reads the rows.
 *
 * Semantics match an in-process PGlite, which has one connection: statements run one at a time in
 * the order they were issued, and while a transaction is open every statement from outside it waits
 * until it ends (so, as with PGlite, do not use the outer client inside a transaction's callback).
 */
import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { JsonParam } from './json-param';
import { ThreadDatabaseError, type ThreadOpen, type ThreadReply, type ThreadRequest } from './pglite-thread-protocol';

/** What Tandem uses of a PGlite client; an in-process PGlite is one too. */
export interface PgliteClient {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
  transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly closed: boolean;
}

export type PgliteTransaction = Pick<Transaction, 'query' | 'exec' | 'rollback' | 'closed'>;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ThreadRequest>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface ThreadedPgliteOptions {
  dataDir: string;
  /** Told when the database thread stops on its own (a crash): every statement fails from then on. */
  onFailure?: (error: Error) => void;
}

/** Applies the caller's parsers on this side: the thread returned those types as text. */
function parseText<T>(result: Results<T>, parsers: NonNullable<QueryOptions['parsers']>, rowMode: 'array' | 'object'): Results<T> {
  const columns = result.fields.flatMap((field, index) => {
    const parse = parsers[field.dataTypeID];
    return parse ? [{ key: rowMode === 'array' ? index : field.name, parse }] : [];
  });
  if (columns.length === 0) return result;
  for (const row of result.rows) {
    const record = row as Record<string | number, unknown>;
    for (const { key, parse } of columns) {
      const value = record[key];
      if (typeof value === 'string') record[key] = parse(value);
    }
  }
  return result;
}

export class ThreadedPglite implements PgliteClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, (payload: string) => void>();
  /** Statements and transactions waiting for the open transaction to end, oldest first. */
  private readonly waiting: Array<() => void> = [];
  private inTransaction = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: ((error: Error) => void) | undefined,
  ) {
    worker.on('message', (reply: ThreadReply) => this.receive(reply));
    worker.on('error', (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.fail(new Error(`the embedded database thread exited (code ${code})`)));
  }

  /** Starts the thread and opens the database in `dataDir`; rejects with the reason it could not. */
  static async start(options: ThreadedPgliteOptions): Promise<ThreadedPglite> {
    const workerData: ThreadOpen = { dataDir: options.dataDir };
    // The thread runs TypeScript through tsx, as the main thread does (bin/tandem.js, npm start).
    const worker = new Worker(new URL('./pglite-thread.ts', import.meta.url), { workerData, execArgv: ['--import', import.meta.resolve('tsx')] });
    await new Promise<void>((resolve, reject) => {
      const stop = (error: Error) => {
        worker.off('message', onMessage);
        worker.off('error', stop);
        worker.off('exit', onExit);
        void worker.terminate();
        reject(error);
      };
      const onExit = (code: number) => stop(new Error(`the embedded database thread exited while opening (code ${code})`));
      const onMessage = (reply: ThreadReply) => {
        if (reply.op === 'failed') stop(new Error(`could not open the embedded database in ${options.dataDir}: ${reply.error.message}`, { cause: new ThreadDatabaseError(reply.error) }));
        if (reply.op !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', stop);
        worker.off('exit', onExit);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', stop);
      worker.once('exit', onExit);
    });
    return new ThreadedPglite(worker, options.onFailure);
  }

  get closed(): boolean {
    return this.closing !== undefined || this.failure !== undefined;
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.gate(() => this.runQuery<T>(sql, params, options));
  }

  exec(sql: string): Promise<Results[]> {
    return this.gate(() => this.runExec(sql));
  }

  transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
    return this.gate(async () => {
      this.inTransaction = true;
      let open = true;
      let rolledBack = false;
      const usable = (): Promise<void> => (open ? Promise.resolve() : Promise.reject(new Error('this transaction has ended')));
      const tx: PgliteTransaction = {
        query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
          await usable();
          return this.runQuery<R>(sql, params ?? [], options ?? {});
        },
        exec: async (sql: string) => {
          await usable();
          return this.runExec(sql);
        },
        rollback: async () => {
          await usable();
          await this.runExec('ROLLBACK');
          rolledBack = true;
        },
        get closed() {
          return !open;
        },
      };
      try {
        await this.runExec('BEGIN');
        try {
          const result = await fn(tx);
          if (!rolledBack) await this.runExec('COMMIT');
          return result;
        } catch (e) {
          if (!rolledBack) await this.runExec('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        open = false;
        this.inTransaction = false;
        this.drain();
      }
    });
  }

  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    const listenId = this.nextId++;
    this.listeners.set(listenId, callback);
    await this.gate(() => this.request({ op: 'listen', channel, listenId }));
    return async () => {
      this.listeners.delete(listenId);
      if (!this.closed) await this.gate(() => this.request({ op: 'unlisten', listenId }));
    };
  }

  /** Closes the database once the statements already issued have run, and ends the thread. */
  close(): Promise<void> {
    if (this.failure) return Promise.resolve();
    this.closing ??= this.gate(async () => {
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      await this.request({ op: 'close' });
      await exited;
    });
    return this.closing;
  }

  private async runQuery<T>(sql: string, params: unknown[], options: QueryOptions): Promise<Results<T>> {
    if (options.serializers || options.blob || options.onNotice) throw new Error('serializers, blob and onNotice are not carried to the database thread');
    const parsers = options.parsers ?? {};
    const rowMode = options.rowMode ?? 'object';
    const textTypes = Object.keys(parsers).map(Number);
    // A JsonParam crosses as its value: the store thread writes its JSON text (json-param.ts).
    const carried = params.map((p) => (p instanceof JsonParam ? p.value : p));
    return parseText((await this.request({ op: 'query', sql, params: carried, rowMode, textTypes })) as Results<T>, parsers, rowMode);
  }

  private async runExec(sql: string): Promise<Results[]> {
    return (await this.request({ op: 'exec', sql })) as Results[];
  }

  /** Runs `start` now, or after the open transaction (and everything queued before it) has ended. */
  private gate<T>(start: () => Promise<T>): Promise<T> {
    if (!this.inTransaction && this.waiting.length === 0) return start();
    return new Promise<T>((resolve, reject) => {
      // start() is async throughout, so a failure arrives as a rejection and never stops drain().
      this.waiting.push(() => void start().then(resolve, reject));
    });
  }

  private drain(): void {
    while (!this.inTransaction) {
      const next = this.waiting.shift();
      if (!next) return;
      next();
    }
  }

  private request(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies ThreadRequest);
    });
  }

  private receive(reply: ThreadReply): void {
    if (reply.op === 'notify') {
      this.listeners.get(reply.listenId)?.(reply.payload);
      return;
    }
    if (reply.op !== 'result' && reply.op !== 'error') return;
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.op === 'result') pending?.resolve(reply.value);
    else pending?.reject(new ThreadDatabaseError(reply.error));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    const expected = this.closing !== undefined && this.pending.size === 0;
    this.failure = expected ? new Error('the embedded database is closed') : error;
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
    if (!expected) this.onFailure?.(error);
  }
}
