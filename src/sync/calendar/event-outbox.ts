/**
 * Push side of the calendar: outbox handlers for create_event / update_event / delete_event rows
 * (written by the appointment API in the same transaction as the CRM change). Creates carry the
 * appointment id as tandemId, so an ambiguous create is found again instead of repeated; updates
 * carry the last seen etag as a precondition, and a conflict is settled here — the provider's
 * version wins, the user's attempted change goes to the appointment's history — so the row counts
 * as delivered rather than retried. A row older than the appointment's current version is
 * superseded by a later row and does nothing.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { resolveConflict } from '../../domain/appointments';
import { isProviderError, ProviderError } from '../../providers/errors';
import type { CalendarAbility, Provider, ProviderEvent } from '../../providers/provider';
import type { Appointment } from '../../store/repos/appointments';
import type { OutboxRow } from '../../store/repos/outbox';
import type { OutboxContext, OutboxHandler } from '../outbox-worker';
import { calendarOf, lookupWindow } from './calendar-feature';
import { CalendarStore } from './calendar-store';
import { attemptedChange, editableFingerprint, editableValues, eventColumns, eventInputOf, sameEditable } from './event-fields';

const payloadSchema = z.object({
  appointmentId: z.string(),
  version: z.number().int(),
  providerId: z.string().nullish(),
  etag: z.string().nullish(),
});
type Payload = z.infer<typeof payloadSchema>;

export interface EventOutboxOptions {
  /** How far around now findByTandemId looks (days each way). */
  lookupDays?: number;
}

/** Who attempted a change: the appointment's creator, else its owner. */
function actorOf(a: Appointment): string {
  return a.createdByUserId ?? a.ownerUserId;
}

const isKind = (e: unknown, kind: string): boolean => isProviderError(e) && e.kind === kind;

class EventPusher {
  constructor(private readonly lookupDays: number) {}

  payload(row: OutboxRow): Payload {
    return payloadSchema.parse(row.payload);
  }

  private window(ctx: OutboxContext) {
    return lookupWindow(ctx.clock.now(), this.lookupDays);
  }

  /** The appointment this row should push, or undefined when a later row (or a delete) owns it now. */
  async current(row: OutboxRow, ctx: OutboxContext): Promise<Appointment | undefined> {
    const p = this.payload(row);
    const appt = await ctx.db.repos.appointments.get(ctx.scope, p.appointmentId);
    if (!appt || appt.origin !== 'crm' || appt.version > p.version || appt.cancelled) {
      ctx.logger.debug({ appointmentId: p.appointmentId, version: p.version, current: appt?.version }, 'calendar row superseded');
      return undefined;
    }
    return appt;
  }

  /** Our write of `appt` was answered with `event`: the provider id and etag to send next time. */
  async recordRef(appt: Appointment, event: ProviderEvent, ctx: OutboxContext, calendar: CalendarAbility): Promise<void> {
    if (!ctx.account) return;
    const stillThere = await ctx.db.repos.appointments.get(ctx.scope, appt.id);
    const ref = { accountId: ctx.account.id, providerId: event.providerId, etag: event.etag };
    if (!stillThere || stillThere.cancelled) {
      // Deleted in Tandem while the create was in flight, and the delete found nothing to delete.
      await this.deleteQuietly(calendar, event.providerId, ctx.logger);
      if (stillThere) await ctx.db.repos.appointments.setProviderRef(ctx.scope, appt.id, ref, ctx.clock.now(), appt.version);
      return;
    }
    await ctx.db.repos.appointments.setProviderRef(ctx.scope, appt.id, { ...ref, icalUid: event.iCalUid ?? null }, ctx.clock.now(), appt.version);
  }

  private async deleteQuietly(calendar: CalendarAbility, providerId: string, logger: Logger): Promise<void> {
    try {
      await calendar.deleteEvent(providerId);
    } catch (e) {
      if (!isKind(e, 'not_found')) throw e;
      logger.debug({ providerId }, 'event already gone');
    }
  }

  /**
   * Before any write: remembered until its answer confirms it, so a lost answer is recognised later.
   * Conditional on the version, so a CRM edit either commits first (this row is superseded: false)
   * or after, and then its own row sees this write.
   */
  private async noteAttempt(appt: Appointment, ctx: OutboxContext): Promise<boolean> {
    const write = { version: appt.version, fingerprint: editableFingerprint(editableValues(appt)) };
    if (appt.unconfirmedWrites.some((w) => w.version === write.version && w.fingerprint === write.fingerprint)) return true;
    return ctx.db.repos.appointments.noteUnconfirmedWrite(ctx.scope, appt.id, write);
  }

  async push(row: OutboxRow, provider: Provider | undefined, ctx: OutboxContext): Promise<void> {
    const calendar = calendarOf(requireProvider(provider));
    const appt = await this.current(row, ctx);
    if (!appt || !(await this.noteAttempt(appt, ctx))) return;
    // Without a provider id, an earlier push whose answer was lost (this row's, or a superseded
    // row's) may have made the event: look first. A retried create row was just looked for by
    // alreadyDone (createdEarlier), so only earlier rows' writes count for it, and only on its
    // first attempt.
    const earlierWrites = appt.unconfirmedWrites.length > 0;
    const lookFirst = row.kind === 'create_event' ? row.attempts === 1 && earlierWrites : row.attempts > 1 || earlierWrites;
    if (!appt.providerId) return this.create(appt, lookFirst, calendar, ctx);
    try {
      await this.recordRef(appt, await calendar.updateEvent(appt.providerId, appt.etag ?? '', eventInputOf(appt)), ctx, calendar);
    } catch (e) {
      if (isKind(e, 'conflict')) await this.afterConflict(appt, calendar, ctx);
      else if (isKind(e, 'not_found')) await this.goneAtProvider(appt, ctx);
      else throw e;
    }
  }

  /** `lookFirst`: an earlier push whose answer was lost may have made it; then settle with that event rather than make a second. */
  private async create(appt: Appointment, lookFirst: boolean, calendar: CalendarAbility, ctx: OutboxContext): Promise<void> {
    if (lookFirst && calendar.findByTandemId) {
      const earlier = await calendar.findByTandemId(appt.id, this.window(ctx));
      if (earlier) return this.settleWith(appt, earlier, calendar, ctx);
    }
    try {
      const made = await calendar.createEvent(eventInputOf(appt));
      if (made.existing) await this.settleWith(appt, made, calendar, ctx);
      else await this.recordRef(appt, made, ctx, calendar);
    } catch (e) {
      // Made, then deleted before its answer was read back (the user, or Tandem's own delete of
      // this appointment running beside it): gone at the provider, like any other deletion there.
      if (!isKind(e, 'not_found')) throw e;
      await this.goneAtProvider(appt, ctx);
    }
  }

  /** If-Match failed: the event is not the version our etag names. Who changed it decides. */
  private async afterConflict(appt: Appointment, calendar: CalendarAbility, ctx: OutboxContext): Promise<void> {
    if (!calendar.findByTandemId) return this.providerWins(appt, ctx, null);
    const fresh = await calendar.findByTandemId(appt.id, this.window(ctx));
    if (!fresh) return this.goneAtProvider(appt, ctx);
    return this.settleWith(appt, fresh, calendar, ctx);
  }

  /**
   * The provider holds `found` for this appointment, which need not be what we last sent:
   * - gone (cancelled) → cancelled here too;
   * - the same editable fields → only its id and etag are new;
   * - the fields of one of our own writes whose answer was lost (an older version) → nobody edited
   *   it in the calendar app, so the current version is written over it;
   * - anything else was edited in the calendar app → the provider wins.
   */
  private async settleWith(appt: Appointment, found: ProviderEvent, calendar: CalendarAbility, ctx: OutboxContext): Promise<void> {
    if (found.cancelled) return this.goneAtProvider(appt, ctx);
    const theirs = editableValues(eventColumns(found));
    const ownEarlierWrite = appt.unconfirmedWrites.some((w) => w.fingerprint === editableFingerprint(theirs));
    if (sameEditable(editableValues(appt), theirs) || !ownEarlierWrite) return this.providerWins(appt, ctx, found);
    try {
      await this.recordRef(appt, await calendar.updateEvent(found.providerId, found.etag, eventInputOf(appt)), ctx, calendar);
    } catch (e) {
      if (isKind(e, 'not_found')) return this.goneAtProvider(appt, ctx);
      // Edited in the calendar app just now: the next attempt finds that edit and lets it win.
      if (isKind(e, 'conflict')) throw new ProviderError('transient', 'the event changed at the provider while Tandem replaced its own earlier write', { code: 'CHANGED_AGAIN' });
      throw e;
    }
  }

  /**
   * The event changed at the provider after the user's change was queued. The provider's version
   * (`fresh`; null when the provider cannot be asked for it) is stored as it is; what the user typed
   * is kept in the history, which the appointment view shows, so nothing is lost silently.
   */
  private async providerWins(appt: Appointment, ctx: OutboxContext, fresh: ProviderEvent | null): Promise<void> {
    const now = ctx.clock.now();
    const change = fresh ? attemptedChange(editableValues(appt), editableValues(eventColumns(fresh))) : editableValues(appt);
    const store = storeFor(appt, ctx);
    await ctx.db.transaction(async (tx) => {
      // Our own earlier write, answered too late to be recorded, conflicts with nothing the user typed.
      if (Object.keys(change).length > 0) {
        const { history } = resolveConflict(
          { appointmentId: appt.id, actorUserId: actorOf(appt), change, ...(appt.etag ? { baseEtag: appt.etag } : {}) },
          { etag: fresh?.etag ?? '' },
          now,
        );
        await tx.repos.appointments.addHistory(ctx.scope, {
          appointmentId: appt.id,
          at: now,
          actor: history.actorUserId,
          what: history.what,
          change: { attempted: history.attemptedChange, providerEtag: history.providerEtag, notice: conflictNotice },
        });
      }
      if (fresh) await store.link(tx.orm, { appointmentId: appt.id, version: appt.version, event: fresh, content: true }, now);
      else await store.forgetEtag(tx.orm, appt.id, now);
    });
  }

  /** Deleted at the provider while the user changed it in Tandem: cancelled, the change kept in history. */
  async goneAtProvider(appt: Appointment, ctx: OutboxContext): Promise<void> {
    const now = ctx.clock.now();
    const store = storeFor(appt, ctx);
    await ctx.db.transaction((tx) => store.cancel(tx, { appointmentId: appt.id, version: appt.version, providerId: appt.providerId ?? '' }, now, editableValues(appt)));
  }

  async remove(row: OutboxRow, provider: Provider | undefined, ctx: OutboxContext): Promise<void> {
    const calendar = calendarOf(requireProvider(provider));
    const p = this.payload(row);
    const appt = await ctx.db.repos.appointments.get(ctx.scope, p.appointmentId);
    let providerId = appt?.providerId ?? p.providerId ?? null;
    if (!providerId && calendar.findByTandemId) providerId = (await calendar.findByTandemId(p.appointmentId, this.window(ctx)))?.providerId ?? null;
    // Unconditional (no If-Match): the user deleted the appointment in Tandem, and an edit made at
    // the provider meanwhile does not make them want it back.
    if (providerId) await this.deleteQuietly(calendar, providerId, ctx.logger);
    if (appt?.cancelled) await ctx.db.repos.appointments.delete(ctx.scope, appt.id);
  }

  async createdEarlier(row: OutboxRow, provider: Provider | undefined, ctx: OutboxContext): Promise<boolean> {
    const appt = await this.current(row, ctx);
    if (!appt) return true;
    const calendar = calendarOf(requireProvider(provider));
    // Without a lookup, a provider id (learnt by a pull while this create was pending) is all we know.
    if (!calendar.findByTandemId) return appt.providerId !== null;
    const found = await calendar.findByTandemId(appt.id, this.window(ctx));
    if (!found) {
      if (appt.providerId === null) return false;
      // A pull saw it, and it has been deleted at the provider since.
      await this.goneAtProvider(appt, ctx);
      return true;
    }
    // Made by our earlier attempt, and perhaps edited at the provider since. A pull that ran meanwhile
    // learnt only its id and etag (the create was pending), so the event as found is settled here:
    // storing just the etag would hide an edit from every later delta.
    await this.settleWith(appt, found, calendar, ctx);
    return true;
  }

  async dead(row: OutboxRow, reason: string, ctx: OutboxContext): Promise<void> {
    const p = payloadSchema.safeParse(row.payload);
    if (!p.success || !(await ctx.db.repos.appointments.get(ctx.scope, p.data.appointmentId))) return;
    await ctx.db.repos.appointments.addHistory(ctx.scope, {
      appointmentId: p.data.appointmentId,
      at: ctx.clock.now(),
      actor: 'sync',
      what: 'push_failed',
      change: { kind: row.kind, version: p.data.version, reason },
    });
  }
}

const conflictNotice = 'This appointment was changed in the calendar at the same time. The calendar version was kept; your change is shown here.';

function storeFor(appt: Appointment, ctx: OutboxContext): CalendarStore {
  return new CalendarStore({ companyId: ctx.scope.companyId, accountId: ctx.account?.id ?? appt.accountId ?? '', ownerUserId: appt.ownerUserId });
}

function requireProvider(provider: Provider | undefined): Provider {
  if (!provider) throw new Error('calendar outbox rows need the account provider');
  return provider;
}

export function eventOutboxHandlers(options: EventOutboxOptions = {}): OutboxHandler[] {
  const pusher = new EventPusher(options.lookupDays ?? 400);
  const onDead = (row: OutboxRow, reason: string, ctx: OutboxContext) => pusher.dead(row, reason, ctx);
  return [
    {
      kind: 'create_event',
      needsProvider: true,
      alreadyDone: (row, provider, ctx) => pusher.createdEarlier(row, provider, ctx),
      deliver: (row, provider, ctx) => pusher.push(row, provider, ctx),
      onDead,
    },
    {
      kind: 'update_event',
      needsProvider: true,
      deliver: (row, provider, ctx) => pusher.push(row, provider, ctx),
      onDead,
    },
    {
      kind: 'delete_event',
      needsProvider: true,
      deliver: (row, provider, ctx) => pusher.remove(row, provider, ctx),
      onDead,
    },
  ];
}
