/**
 * A jsonb parameter whose JSON text is written by whoever binds it, not when the statement is built.
 * A capture batch's rows are ~5 MB of JSON: made on the main thread, that text was a stringify and a
 * large string for the collector there, then a copy to the embedded store's thread. Handed over as
 * the rows themselves, the store thread writes the text (threaded-pglite.ts passes `value` across;
 * pglite-params.ts stringifies it), and node-postgres asks `toPostgres()` for it when it binds.
 */
export class JsonParam {
  constructor(readonly value: unknown) {}

  /** node-postgres: the parameter's text (pg calls this for objects that have it). */
  toPostgres(): string {
    return JSON.stringify(this.value);
  }

  /** JSON.stringify of the parameter (an in-process PGlite's jsonb serializer): the value itself. */
  toJSON(): unknown {
    return this.value;
  }
}
