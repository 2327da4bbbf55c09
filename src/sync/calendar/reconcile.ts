/**
 * The calendar reconciler's decisions, as pure functions: one page of provider changes plus what the
 * store holds → the operations to apply. No I/O here; calendar-feature.ts loads the state, applies
 * the operations in one transaction with the cursor, and nothing else.
 *
 * Rules:
 * - An event carrying a tandemId of one of our appointments is that appointment coming back: link it
 *   (provider id / etag, and the provider's content when it changed there). Never a second row.
 * - Everything else is mirrored as origin 'provider', read-only, keyed by (account, provider id).
 * - An appointment with an undelivered outbox row is the outbox's to settle (its If-Match decides
 *   who wins); the pull leaves it alone, except to learn the provider id of a create.
 * - A Tandem-made event gone at the provider is cancelled in Tandem (kept, with history), after the
 *   I/O layer checked it did not merely leave the window.
 * - A series master's stored instances that its pattern no longer yields (EXDATE, changed rule) go;
 *   with `completeSeries` (CalDAV: one resource holds the whole series, and vanished instances are
 *   not reported as deletions) every stored instance the page did not repeat goes.
 */
import { expandSeries, RecurrenceError } from '../../domain/recurrence';
import type { CalendarWindow, ProviderEvent } from '../../providers/provider';
import type { Appointment } from '../../store/repos/appointments';

export type StoredRow = Pick<
  Appointment,
  'id' | 'accountId' | 'providerId' | 'etag' | 'origin' | 'kind' | 'seriesId' | 'version' | 'cancelled' | 'originalStart' | 'startAt' | 'endAt'
>;

export interface PageState {
  accountId: string;
  /** Rows of this account by provider id: those the page names and the stored instances of its masters. */
  byProviderId: ReadonlyMap<string, StoredRow>;
  /** CRM appointments by id, for the tandemIds the page carries. */
  tandem: ReadonlyMap<string, StoredRow>;
  /** Stored instances by master appointment id. */
  instancesOf: ReadonlyMap<string, readonly StoredRow[]>;
  /** Appointments with an undelivered calendar outbox row. */
  pending: ReadonlySet<string>;
}

export type CalendarOp =
  /** Insert or refresh a provider-origin row; instances name their master by provider id. */
  | { op: 'upsert'; event: ProviderEvent }
  /** A Tandem appointment seen at the provider. `content`: take the provider's fields too. */
  | { op: 'link'; appointmentId: string; version: number; event: ProviderEvent; content: boolean }
  /**
   * A Tandem appointment gone at the provider. `verify`: ask the provider first (it may have left the
   * window). `etag`: what the store holds; found with it unchanged, there is nothing to do.
   */
  | { op: 'cancel'; appointmentId: string; version: number; providerId: string; verify: boolean; etag?: string | null }
  | { op: 'delete'; providerIds: string[]; why: 'deleted' | 'not_in_series' | 'not_seen' };

export interface PageChanges {
  upserts: readonly ProviderEvent[];
  deletions: readonly string[];
}

export interface PlanOptions {
  window: CalendarWindow;
  /** Upserted masters come with every instance of theirs inside the window (CalDAV). */
  completeSeries: boolean;
}

const isInstance = (e: Pick<ProviderEvent, 'kind'>): boolean => e.kind === 'occurrence' || e.kind === 'exception';

/** The Tandem appointment an event is, if any. Instances repeat their master's tandemId; they are not the appointment. */
function tandemRowFor(e: ProviderEvent, state: PageState): StoredRow | undefined {
  const stored = state.byProviderId.get(e.providerId);
  if (stored?.origin === 'crm') return stored;
  if (!e.tandemId || isInstance(e)) return undefined;
  const row = state.tandem.get(e.tandemId);
  if (!row || row.origin !== 'crm') return undefined;
  // Pushed through another account (another mailbox of the user): not this account's to track.
  if (row.accountId !== null && row.accountId !== state.accountId) return undefined;
  return row;
}

function linkOp(e: ProviderEvent, row: StoredRow, state: PageState): CalendarOp | undefined {
  // A second event with our id (a duplicate some client made): the appointment keeps its first.
  if (row.providerId !== null && row.providerId !== e.providerId) return undefined;
  if (state.pending.has(row.id)) {
    // Only learn the provider id of a create whose answer we have not recorded yet.
    return row.providerId === null ? { op: 'link', appointmentId: row.id, version: row.version, event: e, content: false } : undefined;
  }
  if (row.providerId === e.providerId && row.etag === e.etag) return undefined;
  return { op: 'link', appointmentId: row.id, version: row.version, event: e, content: true };
}

function cancelOp(row: StoredRow, state: Pick<PageState, 'pending'>, providerId: string): CalendarOp | undefined {
  if (row.cancelled || state.pending.has(row.id)) return undefined;
  return { op: 'cancel', appointmentId: row.id, version: row.version, providerId, verify: true };
}

const ms = (iso: string | Date): number => (typeof iso === 'string' ? Date.parse(iso) : iso.getTime());

/** Pattern starts (UTC ms) of a master inside the window, or undefined when the rule cannot be expanded here. */
function patternStarts(master: ProviderEvent, window: CalendarWindow): Set<number> | undefined {
  // All-day slots are dates whose instants each adapter anchors differently: judge them by EXDATE only.
  if (!master.recurrence || master.allDay) return undefined;
  try {
    const occurrences = expandSeries(
      { start: master.start.local, end: master.end.local, timeZone: master.start.timeZone, allDay: master.allDay, rrule: master.recurrence.rrule },
      window,
    );
    return new Set(occurrences.map((o) => ms(o.originalStart)));
  } catch (e) {
    if (e instanceof RecurrenceError || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Stored instances of an upserted master that the series no longer has. */
function prunedInstances(master: ProviderEvent, state: PageState, inPage: ReadonlySet<string>, options: PlanOptions): string[] {
  const row = state.byProviderId.get(master.providerId);
  const instances = row ? (state.instancesOf.get(row.id) ?? []) : [];
  if (instances.length === 0) return [];
  const excluded = new Set((master.recurrence?.exdates ?? []).map(ms));
  const pattern = patternStarts(master, options.window);
  const { start, end } = options.window;
  return instances.flatMap((i) => {
    if (i.providerId === null || inPage.has(i.providerId) || !i.originalStart) return [];
    const original = i.originalStart.getTime();
    if (options.completeSeries) return [i.providerId];
    if (excluded.has(original)) return [i.providerId];
    // Only judge slots the expansion covered; an exception moved into the window keeps its slot outside.
    const judged = original >= start.getTime() && original < end.getTime();
    return judged && pattern && !pattern.has(original) && i.kind === 'occurrence' ? [i.providerId] : [];
  });
}

/** Operations for one page of changes. Masters and singles come before instances (instances need their master's row). */
export function planPage(changes: PageChanges, state: PageState, options: PlanOptions): CalendarOp[] {
  const ops: CalendarOp[] = [];
  const instanceOps: CalendarOp[] = [];
  const upserted = new Set(changes.upserts.map((e) => e.providerId));
  const gone: string[] = [];

  for (const id of new Set(changes.deletions)) {
    // A deletion and an upsert of the same id in one page: the upsert is the newer state.
    if (upserted.has(id)) continue;
    const row = state.byProviderId.get(id);
    if (!row) continue;
    if (row.origin === 'crm') {
      const op = cancelOp(row, state, id);
      if (op) ops.push(op);
    } else gone.push(id);
  }

  const seen = new Set<string>();
  for (const e of changes.upserts) {
    if (seen.has(e.providerId)) continue;
    seen.add(e.providerId);
    const tandemRow = tandemRowFor(e, state);
    if (tandemRow) {
      const op = linkOp(e, tandemRow, state);
      if (op) ops.push(op);
      continue;
    }
    const stored = state.byProviderId.get(e.providerId);
    const unchanged = stored && stored.etag === e.etag && stored.kind === kindName(e) && (!isInstance(e) || stored.seriesId !== null);
    if (!unchanged) (isInstance(e) ? instanceOps : ops).push({ op: 'upsert', event: e });
  }

  const notInSeries = changes.upserts.filter((e) => e.kind === 'seriesMaster').flatMap((m) => prunedInstances(m, state, upserted, options));
  if (gone.length > 0) ops.unshift({ op: 'delete', providerIds: gone, why: 'deleted' });
  ops.push(...instanceOps);
  if (notInSeries.length > 0) ops.push({ op: 'delete', providerIds: [...new Set(notInSeries)], why: 'not_in_series' });
  return ops;
}

/**
 * Several consecutive pages as one, so they are planned and written together: per id the latest
 * page decides (an event deleted on a later page is gone; upserted again later, it is back), and
 * inside a page planPage's rules hold (its first upsert of an id counts, and beats a deletion).
 */
export function mergePages(pages: readonly PageChanges[]): PageChanges {
  if (pages.length === 1 && pages[0]) return pages[0];
  const latest = new Map<string, ProviderEvent | null>();
  const settle = (id: string, value: ProviderEvent | null) => {
    latest.delete(id);
    latest.set(id, value);
  };
  for (const page of pages) {
    const upserted = new Map<string, ProviderEvent>();
    for (const e of page.upserts) if (!upserted.has(e.providerId)) upserted.set(e.providerId, e);
    for (const id of page.deletions) if (!upserted.has(id)) settle(id, null);
    for (const [id, e] of upserted) settle(id, e);
  }
  const upserts: ProviderEvent[] = [];
  const deletions: string[] = [];
  for (const [id, e] of latest) {
    if (e) upserts.push(e);
    else deletions.push(id);
  }
  return { upserts, deletions };
}

function kindName(e: ProviderEvent): StoredRow['kind'] {
  return e.kind === 'seriesMaster' ? 'series_master' : e.kind;
}

/**
 * After the last page of a full sync: what the provider did not list is gone. Provider-origin rows
 * anywhere (also those that left the window); Tandem appointments only inside the window, and only
 * once they were created there and have nothing waiting in the outbox.
 */
export function planSweep(
  rows: readonly StoredRow[],
  seen: ReadonlySet<string>,
  state: Pick<PageState, 'pending'>,
  window: CalendarWindow,
  alreadyPlanned: readonly CalendarOp[] = [],
): CalendarOp[] {
  const planned = new Set(alreadyPlanned.flatMap((op) => (op.op === 'delete' ? op.providerIds : op.op === 'cancel' ? [op.providerId] : [])));
  const gone: string[] = [];
  const ops: CalendarOp[] = [];
  for (const row of rows) {
    if (row.providerId === null || seen.has(row.providerId) || planned.has(row.providerId)) continue;
    if (row.origin === 'provider') {
      gone.push(row.providerId);
      continue;
    }
    const inside = row.startAt.getTime() < window.end.getTime() && row.endAt.getTime() > window.start.getTime();
    if (!inside) continue;
    const op = cancelOp(row, state, row.providerId);
    if (op) ops.push(op);
  }
  return gone.length > 0 ? [{ op: 'delete', providerIds: gone, why: 'not_seen' }, ...ops] : ops;
}

/**
 * After the last page of a delta round: Tandem appointments pushed since the previous pull that the
 * round did not mention. A delta need not report an event made and deleted between two pulls (EWS
 * SyncFolderItems reports deletions only of items the sync state has handed out), so each is checked
 * at the provider: gone → cancelled; changed → linked; as stored → nothing.
 */
export function planUnconfirmed(pushed: readonly StoredRow[], mentioned: ReadonlySet<string>, state: Pick<PageState, 'pending'>, alreadyPlanned: readonly CalendarOp[]): CalendarOp[] {
  const planned = new Set(alreadyPlanned.flatMap((op) => (op.op === 'link' || op.op === 'cancel' ? [op.appointmentId] : [])));
  return pushed.flatMap((row) => {
    if (row.providerId === null || mentioned.has(row.providerId) || planned.has(row.id)) return [];
    const op = cancelOp(row, state, row.providerId);
    return op?.op === 'cancel' ? [{ ...op, etag: row.etag }] : [];
  });
}
