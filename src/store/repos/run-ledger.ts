/**
 * The sync engine's run bookkeeping, for a whole batch of account runs at once (pg-boss hands a
 * worker its jobs in batches): two reads (the accounts, their mailboxes' throttle state), one
 * statement when the runs begin (status "syncing", stage, run-history rows) and one when they end
 * (history finished, status, throttle state, history pruned to the newest N). A batch of 20 runs
 * thus costs 2 commits, not 40. Rows go in as one jsonb array (jsonb_to_recordset), so each write
 * is one round trip on both drivers, and every row is matched on (company_id, id): the scope each
 * job carries. Ends are written as runs finish (the engine groups those finishing together).
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { connectedAccounts, throttleState } from '../schema';
import type { ConnectedAccount } from './accounts';
import type { Scope } from './common';
import type { ThrottleState } from './sync-state';

export interface RunStart {
  runId: string;
  companyId: string;
  accountId: string;
  /** What the run covers (e.g. "capture+calendar"), shown in the history. */
  feature: string;
  /** The stage it starts in. */
  stage: string;
}

/** Where the job queue keeps the sync jobs (pg-boss: its schema and the queue's name). */
export interface SyncJobTable {
  schema: string;
  queue: string;
}

/**
 * True while the account has a sync job that can still end its run: waiting (created), due again
 * after a failure (retry) or running (active). pg-boss keys per-account jobs by singleton_key = account id.
 * The account's column is spelled out in full: pgboss.job has an `id` too.
 */
const liveSyncJob = (jobs: SyncJobTable) => sql`exists (
  select 1 from ${sql.identifier(jobs.schema)}.job j
  where j.name = ${jobs.queue} and j.singleton_key = connected_accounts.id::text and j.state in ('created', 'retry', 'active'))`;

export interface RunEnd {
  runId: string;
  companyId: string;
  accountId: string;
  finishedAt: Date;
  items: number;
  errors: number;
  errorKind: string | null;
  message: string | null;
  /** The account's status fields after the run (the stage is over: stored as none). */
  status: ConnectedAccount['status'];
  statusReason: string | null;
  lastSuccessAt: Date | null;
  nextRunAt: Date | null;
  /**
   * The mailbox's throttle state to store: after a wait / backoff (until = the retry time), or
   * cleared (until null, failures 0) after a success that followed failures. Absent: untouched.
   */
  throttle?: { mailboxKey: string; until: Date | null; failures: number };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export class RunLedgerRepo {
  constructor(private readonly orm: Orm) {}

  /** The accounts of these jobs, each read within the company its job names. */
  async accounts(jobs: readonly (Scope & { accountId: string })[]): Promise<ConnectedAccount[]> {
    if (jobs.length === 0) return [];
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(or(...jobs.map((j) => and(eq(connectedAccounts.companyId, j.companyId), eq(connectedAccounts.id, j.accountId)))));
  }

  /** System: throttle state of these mailboxes (keys from mailboxKey), by key. */
  async throttles(keys: readonly string[]): Promise<Map<string, ThrottleState>> {
    if (keys.length === 0) return new Map();
    const rows = await this.orm.select().from(throttleState).where(inArray(throttleState.mailboxKey, [...new Set(keys)]));
    return new Map(rows.map((r) => [r.mailboxKey, r]));
  }

  /** Status "syncing", stage and stage started-at for each account, and its run-history row, in one statement. */
  async beginRuns(runs: readonly RunStart[], now: Date): Promise<void> {
    if (runs.length === 0) return;
    const rows = JSON.stringify(runs.map((r) => ({ run_id: r.runId, company_id: r.companyId, account_id: r.accountId, feature: r.feature, stage: r.stage })));
    const at = now.toISOString();
    await this.orm.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${rows}::jsonb) as v(run_id uuid, company_id uuid, account_id uuid, feature text, stage text)
      ), started as (
        update connected_accounts a
        set status = 'syncing', stage = v.stage, stage_started_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
        from v where a.id = v.account_id and a.company_id = v.company_id
        returning a.id, a.company_id
      )
      insert into sync_runs (id, company_id, account_id, feature, started_at)
      select v.run_id, v.company_id, v.account_id, v.feature, ${at}::timestamptz
      from v join started on started.id = v.account_id and started.company_id = v.company_id`);
  }

  /**
   * Everything the runs' ends write, in one statement. `keepRuns` (at least 1, the run just ended)
   * runs stay per account for the health page.
   */
  async endRuns(runs: readonly RunEnd[], keepRuns: number): Promise<void> {
    if (runs.length === 0) return;
    const rows = JSON.stringify(
      runs.map((r) => ({
        run_id: r.runId,
        company_id: r.companyId,
        account_id: r.accountId,
        finished_at: iso(r.finishedAt),
        items: r.items,
        errors: r.errors,
        error_kind: r.errorKind,
        message: r.message,
        status: r.status,
        status_reason: r.statusReason,
        last_success_at: iso(r.lastSuccessAt),
        next_run_at: iso(r.nextRunAt),
        mailbox_key: r.throttle?.mailboxKey ?? null,
        retry_after_until: iso(r.throttle?.until),
        failure_count: r.throttle?.failures ?? null,
      })),
    );
    const keep = Math.max(1, Math.floor(keepRuns));
    await this.orm.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${rows}::jsonb) as v(
          run_id uuid, company_id uuid, account_id uuid, finished_at timestamptz, items int, errors int, error_kind text, message text,
          status text, status_reason text, last_success_at timestamptz, next_run_at timestamptz,
          mailbox_key text, retry_after_until timestamptz, failure_count int)
      ), finished as (
        update sync_runs r
        set finished_at = v.finished_at, items = v.items, errors = v.errors, error_kind = v.error_kind, message = v.message
        from v where r.id = v.run_id and r.company_id = v.company_id
        returning r.id
      ), pruned as (
        delete from sync_runs r
        using (
          select ranked.id from (
            select s.id, row_number() over (partition by s.account_id order by s.started_at desc, s.id desc) as n
            from sync_runs s join v on s.account_id = v.account_id and s.company_id = v.company_id
          ) ranked where ranked.n > ${keep}
        ) old
        where r.id = old.id
        returning r.id
      ), throttled as (
        insert into throttle_state (mailbox_key, retry_after_until, failure_count, updated_at)
        select distinct on (v.mailbox_key) v.mailbox_key, v.retry_after_until, v.failure_count, v.finished_at
        from v where v.mailbox_key is not null
        order by v.mailbox_key, v.finished_at desc
        on conflict (mailbox_key) do update set
          -- A later Retry-After never shortens an earlier one still pending (another worker's answer).
          retry_after_until = case when excluded.retry_after_until is null then null
                                   else greatest(throttle_state.retry_after_until, excluded.retry_after_until) end,
          failure_count = excluded.failure_count,
          updated_at = excluded.updated_at
        returning mailbox_key
      )
      update connected_accounts a
      set status = v.status, status_reason = v.status_reason, stage = null, stage_started_at = null,
          last_success_at = v.last_success_at, next_run_at = v.next_run_at, updated_at = v.finished_at
      from v where a.id = v.account_id and a.company_id = v.company_id`);
  }

  /** System: accounts left "syncing" with no live sync job that could still end their run. */
  async orphanedRuns(jobs: SyncJobTable): Promise<ConnectedAccount[]> {
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(and(eq(connectedAccounts.status, 'syncing'), sql`not ${liveSyncJob(jobs)}`));
  }

  /**
   * Resets one orphaned run, checked again in the same statement (a job queued or a run ended since
   * the account was listed leaves it alone). True when it was reset.
   */
  async resetOrphanedRun(
    account: Scope & { id: string },
    patch: { status: ConnectedAccount['status']; nextRunAt: Date | null },
    jobs: SyncJobTable,
    now: Date,
  ): Promise<boolean> {
    const rows = await this.orm
      .update(connectedAccounts)
      .set({ status: patch.status, stage: null, stageStartedAt: null, nextRunAt: patch.nextRunAt, updatedAt: now })
      .where(and(eq(connectedAccounts.companyId, account.companyId), eq(connectedAccounts.id, account.id), eq(connectedAccounts.status, 'syncing'), sql`not ${liveSyncJob(jobs)}`))
      .returning({ id: connectedAccounts.id });
    return rows.length > 0;
  }
}
