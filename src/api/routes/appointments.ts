/**
 * Calendar reads (through THE privacy projection) and writes of CRM appointments. Every write puts
 * an outbox row in the same transaction, so the provider hears of it exactly once; provider-made
 * events are read-only (409 read_only) and Tandem does not create series (409 recurring_not_supported).
 */
import { z } from 'zod';
import { AppointmentRuleError, assertCanEdit, canEdit, validateAppointmentInput, type AppointmentInput } from '../../domain/appointments';
import { projectAppointments, type OwnerCalendar } from '../../domain/privacy';
import type { Store } from '../../store/db';
import type { Appointment } from '../../store/repos/appointments';
import { sensitivities } from '../../store/schema';
import { ApiError, notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import type { RouteDeps } from '../deps';
import { storeCall } from './contacts';
import { appointmentViewSchema, toDomainAppointment, toFullView } from './appointment-view';
import { cancelCrmAppointment, createCrmAppointment, updateCrmAppointment } from './appointment-writes';

const attendee = z.object({ email: z.email().max(320), name: z.string().max(200).optional() });
const appointmentBody = z.object({
  subject: z.string().max(255),
  location: z.string().max(500).optional(),
  bodyText: z.string().max(20_000).optional(),
  startLocal: z.string().max(25),
  endLocal: z.string().max(25),
  timeZone: z.string().max(64),
  allDay: z.boolean().default(false),
  sensitivity: z.enum(sensitivities).default('normal'),
  attendees: z.array(attendee).max(100).default([]),
  /** Whose calendar (a colleague's, for appointments made for another user); default the caller. */
  ownerUserId: z.uuid().optional(),
  /** Accepted only to be refused with a clear message: series are made in the provider. */
  recurrence: z.unknown().optional(),
});

function ruleError(e: unknown): never {
  if (e instanceof AppointmentRuleError) {
    if (e.code === 'read_only') throw new ApiError('read_only');
    if (e.code === 'recurring_not_supported') throw new ApiError('recurring_not_supported', e.message);
    if (e.code === 'not_allowed') throw new ApiError('forbidden', e.message);
    throw new ApiError('validation_failed', e.message, { fields: [{ path: `body.${e.field ?? ''}`, message: e.message }] });
  }
  throw e;
}

/** The connected account that pushes this owner's calendar, if any. */
async function calendarAccountId(tx: Store, companyId: string, ownerUserId: string): Promise<string | null> {
  const accounts = await tx.repos.accounts.listForUser({ companyId }, ownerUserId);
  return accounts.find((a) => a.syncCalendar && !a.disconnectedAt)?.id ?? null;
}

export function appointmentRoutes(deps: RouteDeps & { wakeOutbox(): Promise<void> }): RouteDef[] {
  const { db, clock } = deps;

  async function calendarsOf(companyId: string, ownerIds: string[]): Promise<Map<string, OwnerCalendar>> {
    const scope = { companyId };
    const users = await db.repos.users.list(scope);
    const map = new Map<string, OwnerCalendar>();
    for (const u of users.filter((x) => ownerIds.includes(x.id))) {
      map.set(u.id, { privacy: u.calendarPrivacy, sharedWith: new Set(await db.repos.calendarShares.listViewers(scope, u.id)) });
    }
    return map;
  }

  async function load(companyId: string, id: string): Promise<Appointment> {
    const row = await db.repos.appointments.get({ companyId }, id);
    if (!row) throw notFound();
    return row;
  }

  return [
    route({
      method: 'GET',
      url: '/api/appointments',
      summary: "Appointments of one or more users' calendars in a range; others' private items come back as busy blocks",
      tags: ['calendar'],
      auth: 'session',
      query: z.object({
        from: z.iso.datetime({ offset: true }),
        to: z.iso.datetime({ offset: true }),
        users: z.string().max(2000).optional(),
      }),
      response: z.object({ items: z.array(appointmentViewSchema) }),
      async handler({ caller, query }) {
        const scope = { companyId: caller.companyId };
        const ids = query.users ? [...new Set(query.users.split(',').map((s) => s.trim()).filter(Boolean))] : [caller.userId];
        if (ids.some((id) => !z.uuid().safeParse(id).success)) throw new ApiError('validation_failed', 'users must be a comma-separated list of user ids');
        const from = new Date(query.from);
        const to = new Date(query.to);
        if (to <= from || to.getTime() - from.getTime() > 400 * 86_400_000) throw new ApiError('validation_failed', 'to must be after from, at most 400 days later');
        const calendars = await calendarsOf(caller.companyId, ids);
        // Unknown ids and other companies' users simply have no calendar here: no oracle.
        const owners = ids.filter((id) => calendars.has(id));
        const rows = await db.repos.appointments.listRange(scope, { ownerUserIds: owners, from, to });
        const views = projectAppointments({ userId: caller.userId, companyId: caller.companyId }, rows.map(toDomainAppointment), calendars);
        return {
          items: views.map((v, i) => {
            if (v.visibility === 'busy') return v;
            const row = rows[i] as Appointment;
            return toFullView(row, canEdit({ userId: caller.userId }, toDomainAppointment(row)));
          }),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/appointments/:id',
      summary: 'One appointment (a busy block unless the caller may see details)',
      tags: ['calendar'],
      auth: 'session',
      params: idParams,
      response: appointmentViewSchema,
      async handler({ caller, params }) {
        const row = await load(caller.companyId, params.id);
        const calendars = await calendarsOf(caller.companyId, [row.ownerUserId]);
        const [view] = projectAppointments({ userId: caller.userId, companyId: caller.companyId }, [toDomainAppointment(row)], calendars);
        if (!view) throw notFound();
        return view.visibility === 'busy' ? view : toFullView(row, canEdit({ userId: caller.userId }, toDomainAppointment(row)));
      },
    }),
    route({
      method: 'POST',
      url: '/api/appointments',
      summary: "Create a Tandem appointment on the caller's (or a colleague's) calendar; it is pushed to the provider",
      tags: ['calendar'],
      auth: 'session',
      status: 201,
      body: appointmentBody,
      response: appointmentViewSchema,
      async handler({ caller, body }) {
        const scope = { companyId: caller.companyId };
        let times;
        try {
          times = validateAppointmentInput(body as AppointmentInput);
        } catch (e) {
          ruleError(e);
        }
        const ownerUserId = body.ownerUserId ?? caller.userId;
        if (!(await db.repos.users.get(scope, ownerUserId))) throw new ApiError('validation_failed', 'ownerUserId is not a user of this company');
        const now = clock.now();
        const row = await storeCall(() =>
          db.transaction(async (tx) => {
            const accountId = await calendarAccountId(tx, caller.companyId, ownerUserId);
            return createCrmAppointment(tx, scope, { ownerUserId, createdByUserId: caller.userId, input: body, times, accountId, now });
          }),
        );
        if (row.accountId) await deps.wakeOutbox();
        return toFullView(row, true);
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/appointments/:id',
      summary: 'Change a Tandem appointment (provider-made ones are read-only)',
      tags: ['calendar'],
      auth: 'session',
      params: idParams,
      body: appointmentBody.partial().omit({ ownerUserId: true }),
      response: appointmentViewSchema,
      async handler({ caller, params, body }) {
        const scope = { companyId: caller.companyId };
        const current = await load(caller.companyId, params.id);
        const merged: AppointmentInput = {
          subject: body.subject ?? current.subject,
          location: body.location ?? current.location ?? undefined,
          bodyText: body.bodyText ?? current.body ?? undefined,
          startLocal: body.startLocal ?? current.startLocal,
          endLocal: body.endLocal ?? current.endLocal,
          timeZone: body.timeZone ?? current.timeZone,
          allDay: body.allDay ?? current.allDay,
          sensitivity: body.sensitivity ?? current.sensitivity,
          attendees: body.attendees ?? current.attendees,
          recurrence: body.recurrence,
        };
        let times;
        try {
          assertCanEdit({ userId: caller.userId }, toDomainAppointment(current));
          times = validateAppointmentInput(merged);
        } catch (e) {
          ruleError(e);
        }
        const now = clock.now();
        const row = await storeCall(() => db.transaction((tx) => updateCrmAppointment(tx, scope, current, merged, times, now)));
        if (row.accountId) await deps.wakeOutbox();
        return toFullView(row, true);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/appointments/:id',
      summary: 'Cancel a Tandem appointment (and delete it at the provider)',
      tags: ['calendar'],
      auth: 'session',
      params: idParams,
      async handler({ caller, params }) {
        const scope = { companyId: caller.companyId };
        const current = await load(caller.companyId, params.id);
        try {
          assertCanEdit({ userId: caller.userId }, toDomainAppointment(current));
        } catch (e) {
          ruleError(e);
        }
        const now = clock.now();
        await storeCall(() => db.transaction((tx) => cancelCrmAppointment(tx, scope, current, now)));
        if (current.accountId) await deps.wakeOutbox();
        return undefined;
      },
    }),
  ];
}
