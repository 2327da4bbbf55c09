/**
 * The capture and send scenarios every mail provider must pass end to end, through the engine's
 * AccountSync / OutboxWorker on a FakeClock, on both store drivers. A test file per provider supplies
 * a MailRig (its simulator or real server, the real adapter, the user's side of the mailbox and the
 * provider's cost counters) and calls captureScenarios:
 *   - drop → one activity on every matching contact (any of their addresses, From / To / Cc /
 *     Reply-To), outbound mail recognised → message in Processed; a rerun changes nothing; the
 *     provider's economy for the run (rig.meter);
 *   - unmatched mail waits with its addresses until the user files it on a contact;
 *   - a crash after store and before the move: the rerun only moves, no duplicate; a move whose
 *     answer was lost, and the same mail dropped again: no duplicate either;
 *   - a send that times out after the provider accepted it lands in Sent once (findSent by our
 *     Message-ID).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedMessages } from '../../sim/common/seed';
import type { FakeClock } from '../../src/domain/clock';
import type { OAuthAbility, ProviderFactory } from '../../src/providers/provider';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import type { Db } from '../../src/store/db';
import type { Vault } from '../../src/store/vault';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { queueEmail, sendMailHandler } from '../../src/sync/send/send-mail';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../support/test-db';
import { rawMessage, testEngine, testVault, withFaults, type Fault } from './capture-harness';

export interface MailRig {
  /** The connected mailbox's address. */
  mailbox: string;
  clock: FakeClock;
  /** The real provider (the scenarios wrap it to inject faults). */
  factory: ProviderFactory;
  oauth?: OAuthAbility;
  /** Connects the mailbox as the connect flow would. */
  connect(db: Db, vault: Vault, scope: { companyId: string }, userId: string): Promise<ConnectedAccount>;
  /** The user drags a message into the capture folder (it exists: the first sync made it). */
  drop(raw: Uint8Array): Promise<void>;
  /** Message-IDs (with angle brackets) now in the capture or the processed folder. */
  messageIds(folder: 'capture' | 'processed'): Promise<string[]>;
  /** Where the send scenario writes to, and whom it copies blind. */
  recipient: string;
  bcc: string;
  /**
   * Asserts that exactly one copy with this Message-ID left and sits in Sent, sent the provider's way,
   * reaching the Bcc recipient without showing it to the others (where the rig can see delivery).
   */
  expectSentOnce(messageId: string): Promise<void>;
  /** Starts counting provider work; `check` asserts the provider's economy for `captured` messages. */
  meter?(): { check(captured: number): void };
  close(): Promise<void>;
}

/** Economy is measured on this many messages per run (a full capture batch of the pipeline). */
const economyRun = 100;

export function captureScenarios(provider: string, startRig: () => Promise<MailRig>): void {
  describe.each(testDrivers())(`capture and send on ${provider} (%s)`, (driver) => {
    let rig: MailRig;
    let t: TestDb;
    beforeEach(async () => {
      rig = await startRig();
      t = await createTestDb(driver);
    });
    afterEach(async () => {
      await t?.cleanup();
      await rig?.close();
    });

    async function world(fault: Fault = {}) {
      const { scope, userId } = await createTestCompany(t.db);
      const vault = testVault();
      const factory = withFaults(rig.factory, fault);
      const engine = testEngine(t.db, vault, { features: [captureFeature()], handlers: [sendMailHandler], factory, clock: rig.clock, ...(rig.oauth ? { oauth: rig.oauth } : {}) });
      const account = await rig.connect(t.db, vault, scope, userId);
      expect(await engine.sync(account)).toEqual({ outcome: 'succeeded', items: 0, errors: 0 }); // makes the capture folders
      const activitiesOf = async (contactId: string) => (await t.db.repos.activities.listForContact(scope, contactId, { limit: 500 })).items;
      return { db: t.db, scope, userId, engine, account, factory, activitiesOf };
    }

    it('files dropped mail on every matching contact, moves it to Processed, at the provider economy', async () => {
      const w = await world();
      const contact = (name: string, emails: string[]) => w.db.repos.contacts.create(w.scope, { name, emails });
      const margaret = await contact('Margaret Ellis', ['margaret@oakridge.example', 'm.ellis@home.example']);
      const tom = await contact('Tom', ['tom@obrien.example']);
      const sue = await contact('Sue', ['sue@replies.example']);
      await contact('Not in it', ['nobody@else.example']);
      await rig.drop(rawMessage({ id: 'in-1@oakridge.example', from: 'Margaret <M.Ellis@Home.EXAMPLE>', to: rig.mailbox, cc: 'tom@obrien.example', replyTo: 'sue@replies.example', subject: 'Lawn' }));
      await rig.drop(rawMessage({ id: 'out-1@tandem.test', from: `Me <${rig.mailbox}>`, to: 'margaret@oakridge.example', subject: 'Re: Lawn' }));
      // Seeded mail fills the run to a full pipeline batch: a few heavy ones (long text, HTML threads, inline
      // images, attachments — binary through each provider's encoding), the rest small, to stay quick.
      const seed = (seed: number, count: number, profile: 'mixed' | 'small') =>
        seedMessages({ seed, count, mailbox: rig.mailbox, contacts: ['Tom <tom@obrien.example>', 'Stranger <someone@far.example>'], profile });
      // A provider without cost counters (IMAP) needs no full batch.
      const run = rig.meter ? economyRun : 12;
      const filler = [...seed(9, 8, 'mixed'), ...seed(10, run - 10, 'small')];
      expect(new Set(filler.map((m) => m.messageId)).size).toBe(run - 2); // distinct mail, so nothing dedupes away
      for (const m of filler) await rig.drop(m.raw);

      const meter = rig.meter?.();
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: run, errors: 0 });
      meter?.check(run);

      const inbound = await w.db.repos.activities.findByDedupeKey(w.scope, '<in-1@oakridge.example>');
      expect(inbound).toMatchObject({ type: 'email', direction: 'inbound', status: 'filed', subject: 'Lawn', regarding: null });
      expect(inbound?.contactIds).toEqual([margaret.id, tom.id, sue.id].sort());
      const outbound = await w.db.repos.activities.findByDedupeKey(w.scope, '<out-1@tandem.test>');
      expect(outbound).toMatchObject({ direction: 'outbound', status: 'filed', contactIds: [margaret.id] });
      expect(await rig.messageIds('capture')).toEqual([]);
      const processed = await rig.messageIds('processed');
      expect(processed).toHaveLength(run);
      expect(processed).toEqual(expect.arrayContaining(['<in-1@oakridge.example>', '<out-1@tandem.test>', ...filler.map((m) => m.messageId)]));
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, w.account.id)).toEqual([]);
      const onTom = (await w.activitiesOf(tom.id)).length;
      expect(onTom).toBeGreaterThan(1);

      // A second run finds nothing new and changes nothing.
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 0, errors: 0 });
      expect(await w.activitiesOf(margaret.id)).toHaveLength(2);
      expect(await w.activitiesOf(tom.id)).toHaveLength(onTom);
    });

    it('keeps mail matching no contact as unmatched until the user files it', async () => {
      const w = await world();
      await rig.drop(rawMessage({ id: 'stranger@far.example', from: 'Stranger <stranger@far.example>', to: rig.mailbox, cc: 'other@far.example', subject: 'Quote request' }));
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
      const unmatched = (await w.db.repos.activities.listUnmatched(w.scope)).items;
      expect(unmatched.map((a) => [a.subject, a.status, a.contactIds])).toEqual([['Quote request', 'unmatched', []]]);
      expect(JSON.stringify(unmatched[0])).toContain('stranger@far.example');
      expect(await rig.messageIds('processed')).toEqual(['<stranger@far.example>']);

      const contact = await w.db.repos.contacts.create(w.scope, { name: 'Stranger', emails: ['stranger@far.example'] });
      const filed = await w.db.repos.activities.fileToContacts(w.scope, unmatched[0]?.id ?? '', [contact.id]);
      expect(filed).toMatchObject({ status: 'filed', contactIds: [contact.id], subject: 'Quote request' });
      expect((await w.db.repos.activities.listUnmatched(w.scope)).items).toEqual([]);
      expect((await w.activitiesOf(contact.id)).map((a) => a.id)).toEqual([filed.id]);
    });

    it('after a crash between store and move the rerun only moves: no duplicate', async () => {
      const w = await world({ move: 1 });
      const c = await w.db.repos.contacts.create(w.scope, { name: 'C', emails: ['c@client.example'] });
      const ids = [0, 1, 2].map((i) => `<crash-${i}@client.example>`);
      for (const id of ids) await rig.drop(rawMessage({ id: id.slice(1, -1), from: 'c@client.example', to: rig.mailbox }));

      expect(await w.engine.sync(w.account)).toMatchObject({ outcome: 'failed', kind: 'transient' });
      expect(await w.activitiesOf(c.id)).toHaveLength(3);
      expect((await rig.messageIds('capture')).sort()).toEqual(ids);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, w.account.id)).toHaveLength(3);

      rig.clock.advance(60 * 60_000); // past the backoff the failed run recorded
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 3, errors: 0 });
      expect(w.factory.moveCalls).toBe(2); // the failed move, then the rerun's
      expect(await w.activitiesOf(c.id)).toHaveLength(3);
      expect(await rig.messageIds('capture')).toEqual([]);
      expect((await rig.messageIds('processed')).sort()).toEqual(ids);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, w.account.id)).toEqual([]);
    });

    it('a move whose answer was lost is not repeated into duplicates', async () => {
      const w = await world({ moveLost: 1 });
      const c = await w.db.repos.contacts.create(w.scope, { name: 'L', emails: ['l@client.example'] });
      const ids = [0, 1].map((i) => `<lost-${i}@client.example>`);
      for (const id of ids) await rig.drop(rawMessage({ id: id.slice(1, -1), from: 'l@client.example', to: rig.mailbox }));

      expect(await w.engine.sync(w.account)).toMatchObject({ outcome: 'failed', kind: 'transient' });
      expect(await rig.messageIds('capture')).toEqual([]);
      rig.clock.advance(60 * 60_000);
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 0, errors: 0 });
      expect(await w.activitiesOf(c.id)).toHaveLength(2);
      expect((await rig.messageIds('processed')).sort()).toEqual(ids);
      // The same mail dragged in again later is recognised by its Message-ID.
      await rig.drop(rawMessage({ id: 'lost-0@client.example', from: 'l@client.example', to: rig.mailbox }));
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
      expect(await w.activitiesOf(c.id)).toHaveLength(2);
    });

    it('a send that times out after the provider accepted it lands in Sent once', async () => {
      const w = await world({ sendTimeout: 1 });
      const contact = await w.db.repos.contacts.create(w.scope, { name: 'Recipient', emails: [rig.recipient] });
      const q = await queueEmail(w.db, w.scope, { id: w.userId }, { to: [{ address: rig.recipient }], bcc: [{ address: rig.bcc }], subject: 'Spring quote', text: 'Quote attached.', html: '<p>Quote <script>x()</script></p>' }, { clock: rig.clock });
      expect(q.activity).toMatchObject({ status: 'queued', direction: 'outbound', contactIds: [contact.id], dedupeKey: q.messageId, accountId: w.account.id });

      expect(await w.engine.outbox.drain()).toEqual(['retry']);
      expect(await w.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'queued' });
      rig.clock.advance(10 * 60_000);
      expect(await w.engine.outbox.drain()).toEqual(['already_delivered']);
      expect(w.factory.sends).toBe(1);
      await rig.expectSentOnce(q.messageId);
      expect(await w.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'sent', failureReason: null });
      expect(await w.engine.outbox.drain()).toEqual([]);
    });
  });
}
