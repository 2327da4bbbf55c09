/**
 * The batched upsert of provider-origin appointments: one statement per page, with the rows passed
 * as ONE jsonb parameter and unpacked by jsonb_to_recordset (PostgreSQL §9.16). A first sync writes
 * thousands of rows; a multi-row VALUES list of ~25 parameters per row spends more time being built
 * by the query builder than being executed, on either driver.
 */
import { sql } from 'drizzle-orm';
import type { ProviderEvent } from '../../providers/provider';
import { queryRows, type Orm } from '../../store/db';
import { appointments } from '../../store/schema';
import { eventColumns, type EventColumns } from './event-fields';

/** The columns a provider event decides, plus its series link, in the table's own names and types. */
const fromEvent = [...(Object.keys(eventColumns(probe())) as (keyof EventColumns)[]), 'seriesId'] as const;
type RowKey = (typeof fromEvent)[number];

function probe(): ProviderEvent {
  return { providerId: '', etag: '', kind: 'single', subject: '', start: { local: '2000-01-01', timeZone: 'UTC' }, end: { local: '2000-01-02', timeZone: 'UTC' }, allDay: true, sensitivity: 'normal', attendees: [] };
}

const column = (k: RowKey) => appointments[k];
// The record's fields are named as EventColumns' keys, so a row is eventColumns(e) as it stands
// (jsonb_to_recordset matches keys to field names; JSON.stringify writes Dates as ISO strings).
const recordType = sql.raw(fromEvent.map((k) => `"${k}" ${column(k).getSQLType()}`).join(', '));
const insertColumns = sql.raw(fromEvent.map((k) => `"${column(k).name}"`).join(', '));
const selectColumns = sql.raw(fromEvent.map((k) => `x."${k}"`).join(', '));
// provider_id is the conflict key; the rest is refreshed from the provider's answer.
const refresh = sql.raw(
  [...fromEvent.filter((k) => k !== 'providerId'), 'ownerUserId' as const, 'readOnly' as const, 'updatedAt' as const]
    .map((k) => `"${appointments[k].name}" = excluded."${appointments[k].name}"`)
    .join(', '),
);

export interface UpsertTarget {
  companyId: string;
  accountId: string;
  ownerUserId: string;
}

/** Inserts or refreshes the rows; returns [providerId, appointment id] of the series masters written. */
export async function upsertProviderRows(
  orm: Orm,
  target: UpsertTarget,
  events: readonly ProviderEvent[],
  seriesIdOf: (e: ProviderEvent) => string | null,
  now: Date,
): Promise<[string, string][]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ ...eventColumns(e), seriesId: seriesIdOf(e) }));
  // Only the masters' ids come back (their instances link to them): a first sync writes thousands of
  // singles, and every returned row is decoded for nothing.
  const masters = await queryRows<{ id: string; provider_id: string }>(
    orm,
    sql`with written as (
          insert into appointments (company_id, owner_user_id, account_id, origin, read_only, created_at, updated_at, ${insertColumns})
          select ${target.companyId}::uuid, ${target.ownerUserId}::uuid, ${target.accountId}::uuid, 'provider', true, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${selectColumns}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${recordType})
          on conflict (account_id, provider_id) do update set ${refresh}
          -- Never turn a Tandem appointment into a mirror, nor touch another company's row.
          where appointments.company_id = ${target.companyId}::uuid and appointments.origin = 'provider'
          returning id, provider_id, kind
        )
        select id, provider_id from written where kind = 'series_master'`,
  );
  return masters.map((r) => [r.provider_id, r.id]);
}
