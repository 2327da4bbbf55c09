import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../domain/clock';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { queueEmail, SendError } from './send-mail';

const clock = new FakeClock('2026-11-02T09:00:00Z');
const fixedId = () => '00000000-0000-4000-8000-000000000001';

async function rejection(p: Promise<unknown>): Promise<SendError> {
  const e: unknown = await p.then(
    () => new Error('expected queueEmail to refuse'),
    (err: unknown) => err,
  );
  if (!(e instanceof SendError)) throw e;
  return e;
}

describe.each(testDrivers())('queueEmail (%s)', (driver) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(driver);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function userWithMailbox(address = 'ava@greenleaf.example') {
    const { scope, userId } = await createTestCompany(t.db);
    const account = await t.db.repos.accounts.create(scope, { userId, provider: 'imap', mailboxAddress: address, now: clock.now() });
    return { scope, userId, account };
  }

  it('refuses a user without a connected mailbox with not_connected', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const e = await rejection(queueEmail(t.db, scope, { id: userId }, { to: [{ address: 'a@b.example' }], subject: 'Hi' }, { clock }));
    expect(e.code).toBe('not_connected');
    expect(e.message).toContain('SMTP relay');
  });

  it('refuses header injection and bad addresses with field errors, writing nothing', async () => {
    const { scope, userId } = await userWithMailbox();
    const injected = await rejection(queueEmail(t.db, scope, { id: userId }, { to: [{ address: 'a@b.example' }], subject: 'Hi\r\nBcc: victim@x.example' }, { clock }));
    expect(injected).toMatchObject({ code: 'invalid_input', fields: [{ path: 'subject' }] });
    const badName = await rejection(queueEmail(t.db, scope, { id: userId }, { to: [{ address: 'a@b.example', name: 'A\nBcc: x@y.example' }], subject: 'Hi' }, { clock }));
    expect(badName.fields[0]?.path).toBe('to.0.name');
    const invalid = await rejection(queueEmail(t.db, scope, { id: userId }, { to: [{ address: 'not an address' }], subject: 'Hi' }, { clock }));
    expect(invalid.fields.map((f) => f.path)).toEqual(['to.0.address']);
    const none = await rejection(queueEmail(t.db, scope, { id: userId }, { to: [], subject: 'Hi' }, { clock }));
    expect(none.fields.map((f) => f.path)).toEqual(['to']);
    expect(await t.db.repos.outbox.list(scope)).toEqual([]);
  });

  it('refuses a Regarding that names no record of the company', async () => {
    const { scope, userId } = await userWithMailbox();
    const e = await rejection(
      queueEmail(t.db, scope, { id: userId }, { to: [{ address: 'a@b.example' }], subject: 'Hi', regarding: { type: 'opportunity', id: '00000000-0000-4000-8000-0000000000aa' } }, { clock }),
    );
    expect(e.fields).toEqual([{ path: 'regarding', message: 'opportunity not found' }]);
    expect(await t.db.repos.outbox.list(scope)).toEqual([]);
  });

  it('writes the activity and its outbox row together: a failing outbox insert leaves no activity', async () => {
    const first = await userWithMailbox('ava@greenleaf.example');
    const queued = await queueEmail(t.db, first.scope, { id: first.userId }, { to: [{ address: 'a@b.example' }], subject: 'One', attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('hello').toString('base64') }] }, { clock, newId: fixedId });
    expect(queued.messageId).toBe('<00000000-0000-4000-8000-000000000001@tandem.greenleaf.example>');
    expect(queued.activity.attachments).toEqual([{ name: 'a.txt', contentType: 'text/plain', size: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const row = await t.db.repos.outbox.get(first.scope, queued.outboxId);
    expect(row?.payload).toMatchObject({ messageId: queued.messageId, recipients: ['a@b.example'] });

    // Another company whose ids collide: its outbox insert fails on the unique idempotency key.
    const second = await userWithMailbox('ben@greenleaf.example');
    await expect(queueEmail(t.db, second.scope, { id: second.userId }, { to: [{ address: 'a@b.example' }], subject: 'Two' }, { clock, newId: fixedId })).rejects.toThrow(/idempotency key/);
    expect(await t.db.repos.activities.findByDedupeKey(second.scope, queued.messageId)).toBeUndefined();
    expect(await t.db.repos.outbox.list(second.scope)).toEqual([]);
  });
});
