/**
 * The messages between the product's main thread and the thread that runs the embedded PostgreSQL
 * (pglite-thread.ts, driven by threaded-pglite.ts). Values cross by structured clone: strings, numbers,
 * bigints, Dates, byte arrays and plain objects survive as they are; functions do not, so a query
 * names the result types to leave as text instead of sending parser functions.
 */

export interface ThreadOpen {
  /** Where PGlite keeps its files. */
  dataDir: string;
}

export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; rowMode: 'array' | 'object'; textTypes: number[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'listen'; channel: string; listenId: number }
  | { id: number; op: 'unlisten'; listenId: number }
  | { id: number; op: 'close' };

/** What a PostgreSQL error carries besides its message (the fields node-postgres and PGlite expose). */
export const databaseErrorFields = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
] as const;

export interface SerializedError {
  name: string;
  message: string;
  fields: Partial<Record<(typeof databaseErrorFields)[number], string>>;
}

export type ThreadReply =
  | { op: 'ready' }
  | { op: 'failed'; error: SerializedError }
  | { op: 'result'; id: number; value: unknown }
  | { op: 'error'; id: number; error: SerializedError }
  | { op: 'notify'; listenId: number; payload: string };

/** What a thrown value says: PGlite's start-up throws file-system errors that are plain objects (errno, code). */
function describe(e: object): string {
  const parts = ['message', 'code', 'errno'].flatMap((key) => {
    const value: unknown = Reflect.get(e, key);
    return typeof value === 'string' || typeof value === 'number' ? [`${key} ${value}`] : [];
  });
  if (parts.length > 0) return parts.join(', ');
  try {
    return JSON.stringify(e);
  } catch {
    return Object.prototype.toString.call(e);
  }
}

export function serializeError(e: unknown): SerializedError {
  if (typeof e !== 'object' || e === null) return { name: 'Error', message: String(e), fields: {} };
  if (!(e instanceof Error)) return { name: 'Error', message: describe(e), fields: {} };
  const fields: SerializedError['fields'] = {};
  const source: object = e;
  for (const key of databaseErrorFields) {
    const value: unknown = key in source ? Reflect.get(source, key) : undefined;
    if (typeof value === 'string') fields[key] = value;
  }
  return { name: e.name, message: e.message, fields };
}

/** A PostgreSQL error raised on the database thread, with its code, constraint and the rest. */
export class ThreadDatabaseError extends Error {
  readonly severity?: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
  readonly routine?: string;

  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    Object.assign(this, serialized.fields);
  }
}
