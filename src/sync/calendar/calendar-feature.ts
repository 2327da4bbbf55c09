/**
 * Pull side of the calendar: the provider's changes over the sync window, applied page by page.
 * Each page's writes and the cursor covering them commit in one transaction (cursors move only after
 * their data); a full sync (no cursor, an expired one, a moved window) ends by removing what the
 * provider no longer lists, so it converges without duplicates. The decisions are reconcile.ts's.
 */
import { syncWindow, defaultSyncWindow, type SyncWindowConfig } from '../../domain/sync-window';
import { ProviderError } from '../../providers/errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, Provider } from '../../providers/provider';
import type { FeatureContext, FeatureOutcome, SyncFeature } from '../feature';
import { decodeCalendarCursor, encodeCalendarCursor, resumeFrom } from './calendar-cursor';
import { CalendarStore } from './calendar-store';
import { mergePages, planPage, planSweep, planUnconfirmed, type CalendarOp } from './reconcile';

export interface CalendarFeatureOptions {
  window?: SyncWindowConfig;
  /**
   * Whether an upserted series master comes with all its instances in the window, so stored
   * instances it did not repeat are gone. True for CalDAV (one resource holds the series; the
   * contract suite found vanished instances are not reported as deletions); Graph, Google and EWS
   * report removed instances themselves.
   */
  completeSeries?: (provider: Provider) => boolean;
  /** How far around now to look for a Tandem event that left the window (days each way). */
  lookupDays?: number;
  /** Changes (upserts + deletions) gathered from consecutive pages before they are written in one transaction. */
  batchSize?: number;
}

const DAY_MS = 86_400_000;

export function calendarOf(provider: Provider): CalendarAbility {
  if (!provider.calendar) throw new ProviderError('permanent', `${provider.kind} account has no calendar`, { code: 'no_calendar' });
  return provider.calendar;
}

export function lookupWindow(now: Date, days: number): CalendarWindow {
  return { start: new Date(now.getTime() - days * DAY_MS), end: new Date(now.getTime() + days * DAY_MS) };
}

/**
 * A Tandem event listed as deleted may only have left the window (moved far ahead, or the window
 * moved): ask the provider before cancelling; if it is there, take its new state instead.
 */
async function verifyCancels(ops: CalendarOp[], calendar: CalendarAbility, window: CalendarWindow): Promise<CalendarOp[]> {
  if (!calendar.findByTandemId) return ops.filter((op) => op.op !== 'cancel' || op.etag === undefined);
  const find = calendar.findByTandemId.bind(calendar);
  const checked = await Promise.all(
    ops.map(async (op): Promise<CalendarOp | undefined> => {
      if (op.op !== 'cancel' || !op.verify) return op;
      const found = await find(op.appointmentId, window);
      if (!found || found.cancelled) return { ...op, verify: false };
      if (op.etag !== undefined && op.etag === found.etag) return undefined;
      return { op: 'link', appointmentId: op.appointmentId, version: op.version, event: found, content: true };
    }),
  );
  return checked.filter((op): op is CalendarOp => op !== undefined);
}

export function calendarFeature(options: CalendarFeatureOptions = {}): SyncFeature {
  const windowConfig = options.window ?? defaultSyncWindow;
  const completeSeries = options.completeSeries ?? ((p: Provider) => p.kind === 'imap');
  const lookupDays = options.lookupDays ?? 400;
  const batchSize = options.batchSize ?? 1_000;

  return {
    name: 'calendar',
    enabled: (account) => account.syncCalendar && account.disconnectedAt === null,

    async run(ctx: FeatureContext): Promise<FeatureOutcome> {
      const { account, scope, db, clock } = ctx;
      const calendar = calendarOf(ctx.provider);
      const store = new CalendarStore({ companyId: scope.companyId, accountId: account.id, ownerUserId: account.userId });
      const window = syncWindow(clock.now(), windowConfig);
      const stored = decodeCalendarCursor(await db.repos.syncState.getCursor(scope, account.id, 'calendar'));
      let cursor = resumeFrom(stored, window, ctx.fullResync);
      let full = cursor === null;
      // Tandem appointments written after the previous pull ended may be unknown to the delta.
      const pushedAfter = full ? null : await store.cursorWrittenAt(db.orm);
      const seen = new Set<string>();
      const outcome: FeatureOutcome = { items: 0, errors: 0 };
      const planOptions = { window, completeSeries: completeSeries(ctx.provider) };

      /** Pages fetched but not yet written: planned and committed together, with the last one's cursor. */
      let batch: CalendarChanges[] = [];
      let batched = 0;
      const commit = async (last: boolean) => {
        const nextCursor = batch.at(-1)?.nextCursor;
        if (nextCursor === undefined) return;
        const changes = mergePages(batch);
        batch = [];
        batched = 0;
        const state = await store.pageState(db.orm, changes);
        let ops = planPage(changes, state, planOptions);
        if (full && last) {
          // Only what the round did not list matters to the sweep: the store leaves out the rest.
          const rows = await store.rowsNotSeen(db.orm, seen);
          const pending = await store.pendingAppointmentIds(
            db.orm,
            rows.filter((r) => r.origin === 'crm').map((r) => r.id),
          );
          ops = [...ops, ...planSweep(rows, seen, { pending }, window, ops)];
        } else if (last && pushedAfter) {
          const pushed = await store.linkedSince(db.orm, pushedAfter);
          const pending = await store.pendingAppointmentIds(db.orm, pushed.map((r) => r.id));
          ops = [...ops, ...planUnconfirmed(pushed, new Set([...seen, ...changes.deletions]), { pending }, ops)];
        }
        ops = await verifyCancels(ops, calendar, lookupWindow(clock.now(), lookupDays));
        const envelope = encodeCalendarCursor({ window, round: full && !last ? 'full' : 'delta', cursor: nextCursor });
        const applied = await db.transaction(async (tx) => {
          const result = await store.apply(tx, ops, state, clock.now());
          await tx.repos.syncState.setCursor(scope, account.id, 'calendar', envelope, clock.now());
          return result;
        });
        outcome.items += applied.written + applied.cancelled + applied.deleted;
        ctx.logger.debug({ ...applied, full, last }, 'calendar pages applied');
      };

      for (;;) {
        const changes = await calendar.fetchChanges(cursor, window);
        if (changes.fullSync && !full) {
          // The provider started over on its own: this page opens a full round.
          await commit(false);
          full = true;
          seen.clear();
        }
        for (const e of changes.upserts) seen.add(e.providerId);
        const last = !changes.more;
        batch.push(changes);
        batched += changes.upserts.length + changes.deletions.length;
        // A page's statements cost about as much as its rows: write many pages at once.
        if (last || batched >= batchSize) await commit(last);
        if (last) return outcome;
        cursor = changes.nextCursor;
      }
    },
  };
}
