/**
 * Outbox delivery (retry, look-before-resend after an ambiguous failure, dead letter the user sees)
 * and the scheduler tick (due runs, stuck-stage reaper, 14/3-day warnings, 90-day expiry).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import type { OutboxRow } from '../../src/store/repos/outbox';
import type { OutboxHandler } from '../../src/sync/outbox-worker';
import { Scheduler } from '../../src/sync/scheduler';
import { createLogger } from '../../src/logger';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { testDrivers } from '../support/test-db';
import { startEngineHarness, type EngineHarness } from './engine-harness';

/** A handler whose provider side is a list of "sent" ids; failures are scripted per attempt. */
function recordingHandler(script: (ProviderError | 'ok' | 'ok_then_drop')[]) {
  const delivered: string[] = [];
  const dead: { id: string; reason: string }[] = [];
  let lookups = 0;
  const handler: OutboxHandler = {
    kind: 'send_mail',
    needsProvider: true,
    async alreadyDone(row: OutboxRow) {
      lookups++;
      return delivered.includes(row.idempotencyKey);
    },
    async deliver(row: OutboxRow) {
      const step = script.shift() ?? 'ok';
      if (step instanceof ProviderError) throw step;
      delivered.push(row.idempotencyKey);
      if (step === 'ok_then_drop') throw new ProviderError('transient', 'socket hang up after DATA', { ambiguous: true });
    },
    async onDead(row, reason) {
      dead.push({ id: row.id, reason });
    },
  };
  return { handler, delivered, dead, lookups: () => lookups };
}

describe.each(testDrivers())('outbox and scheduler on %s', (driver) => {
  let h: EngineHarness;
  let account: ConnectedAccount;
  beforeEach(async () => {
    h = await startEngineHarness(driver);
    account = await h.addAccount('sender@x.example');
  });
  afterEach(async () => h.close());

  const enqueue = (key: string) =>
    h.db.repos.outbox.enqueue({ companyId: h.companyId }, { kind: 'send_mail', accountId: account.id, payload: {}, idempotencyKey: key, now: h.clock.now() });

  it('delivers once, even when the connection drops after the provider accepted: it looks before resending', async () => {
    const r = recordingHandler(['ok_then_drop']);
    const worker = h.outboxWorker([r.handler]);
    await enqueue('<m1@tandem.example>');
    expect(await worker.drain()).toEqual(['retry']);
    expect(await worker.drain()).toEqual([]); // not due yet
    h.clock.advance(10 * 60_000);
    expect(await worker.drain()).toEqual(['already_delivered']);
    expect(r.delivered).toEqual(['<m1@tandem.example>']);
    expect(r.lookups()).toBe(1);
    const [row] = await h.db.repos.outbox.list({ companyId: h.companyId });
    expect(row?.status).toBe('delivered');
  });

  it('retries transient failures with backoff, then dead-letters with the reason', async () => {
    const r = recordingHandler([
      new ProviderError('transient', '503 Service Unavailable', { status: 503 }),
      new ProviderError('transient', '503 Service Unavailable', { status: 503 }),
      new ProviderError('transient', '503 Service Unavailable', { status: 503 }),
    ]);
    const worker = h.outboxWorker([r.handler]);
    await enqueue('<m2@tandem.example>');
    for (let i = 0; i < 3; i++) {
      await worker.drain();
      h.clock.advance(10 * 60_000);
    }
    const [row] = await h.db.repos.outbox.list({ companyId: h.companyId });
    expect(row?.status).toBe('dead');
    expect(row?.attempts).toBe(3);
    expect(r.dead).toEqual([{ id: row?.id, reason: expect.stringContaining('503 Service Unavailable') }]);
    expect(r.delivered).toEqual([]);
  });

  it('a permanent refusal is a dead letter at once', async () => {
    const r = recordingHandler([new ProviderError('invalid_input', '550 5.1.1 mailbox unknown', { code: '5.1.1' })]);
    const worker = h.outboxWorker([r.handler]);
    await enqueue('<m3@tandem.example>');
    expect(await worker.drain()).toEqual(['dead']);
    expect(r.dead[0]?.reason).toContain('550 5.1.1');
  });

  it('rows of an account that needs reconnecting wait instead of failing, and go out after reconnecting', async () => {
    const r = recordingHandler([]);
    const worker = h.outboxWorker([r.handler]);
    await h.db.repos.accounts.update({ companyId: h.companyId }, account.id, { status: 'needs_reconnect', statusReason: 'auth_revoked' }, h.clock.now());
    await enqueue('<m4@tandem.example>');
    expect(await worker.drain()).toEqual(['waiting_for_reconnect']);
    await h.db.repos.accounts.update({ companyId: h.companyId }, account.id, { status: 'active', statusReason: null }, h.clock.now());
    h.clock.advance(16 * 60_000);
    expect(await worker.drain()).toEqual(['delivered']);
    expect(r.delivered).toEqual(['<m4@tandem.example>']);
  });

  it('a revoked grant found while sending stops the account and keeps the row', async () => {
    const r = recordingHandler([new ProviderError('auth_revoked', 'invalid_grant')]);
    const stopped: string[] = [];
    const worker = h.outboxWorker([r.handler], async (a) => {
      stopped.push(a.id);
    });
    await enqueue('<m5@tandem.example>');
    expect(await worker.drain()).toEqual(['waiting_for_reconnect']);
    const [row] = await h.db.repos.outbox.list({ companyId: h.companyId });
    expect(row?.status).toBe('pending');
    expect(stopped).toEqual([account.id]);
  });

  describe('scheduler tick', () => {
    const scheduler = (enqueued: string[]) =>
      new Scheduler({
        db: h.db,
        clock: h.clock,
        logger: createLogger('silent'),
        enqueueSync: async (accounts) => {
          enqueued.push(...accounts.map((a) => a.id));
        },
        wakeOutbox: async () => {},
      });

    it('asks for runs of due accounts once, not again at the next tick', async () => {
      const enqueued: string[] = [];
      const s = scheduler(enqueued);
      expect((await s.tick()).enqueued).toBe(1);
      expect((await s.tick()).enqueued).toBe(0);
      expect(enqueued).toEqual([account.id]);
      h.clock.advance(5 * 60_000);
      expect((await s.tick()).enqueued).toBe(1);
    });

    it('resets a stage stuck for over an hour, and leaves a younger one alone', async () => {
      const scope = { companyId: h.companyId };
      await h.db.repos.accounts.update(scope, account.id, { status: 'syncing', stage: 'capture', stageStartedAt: h.clock.now() }, h.clock.now());
      h.clock.advance(59 * 60_000);
      expect((await scheduler([]).tick()).reaped).toBe(0);
      h.clock.advance(2 * 60_000);
      expect((await scheduler([]).tick()).reaped).toBe(1);
      const after = await h.account(account.id);
      expect(after.status).toBe('active');
      expect(after.stage).toBeNull();
    });

    it('warns 14 and 3 days before the 90-day expiry, once each, then stops the account', async () => {
      const s = scheduler([]);
      h.clock.advance(75 * 86_400_000);
      expect((await s.tick()).warned14d).toBe(0);
      h.clock.advance(2 * 86_400_000);
      expect((await s.tick()).warned14d).toBe(1);
      expect((await h.account(account.id)).expiryWarned).toBe('14d');
      expect((await s.tick()).warned14d).toBe(0);
      h.clock.advance(11 * 86_400_000);
      expect((await s.tick()).warned3d).toBe(1);
      expect((await h.account(account.id)).expiryWarned).toBe('3d');
      h.clock.advance(3 * 86_400_000);
      expect((await s.tick()).expired).toBe(1);
      const expired = await h.account(account.id);
      expect(expired.status).toBe('needs_reconnect');
      expect(expired.statusReason).toBe('connection_expired');
    });
  });
});
