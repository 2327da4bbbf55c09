/**
 * Send chaos (issue 6): M mails queued through the outbox while ~20 % of Graph's sendMail requests
 * are carried out and then have their connection dropped (the client cannot know the mail went), and
 * one worker process is killed with kill -9 halfway. Exactly M land in Sent Items, each once, and
 * every activity ends 'sent': after an ambiguous failure the worker finds the Message-ID in Sent
 * instead of sending again.
 * Size: TANDEM_CHAOS_SENDS (the figure is 1,000). Default 500, about 15 s on 2 cores (1,000 took 18 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail } from '../../src/sync/send/send-mail';
import { createTestCompany, testDrivers } from '../support/test-db';
import { connectMicrosoftAccount } from '../capture/capture-harness';
import { envCount, startChaosWorld, type ChaosWorld } from './chaos-harness';
import { startMicrosoftChaos, type MicrosoftChaos } from './microsoft-chaos';

const M = envCount('TANDEM_CHAOS_SENDS', 500);

describe.runIf(testDrivers().includes('postgres'))('sends under timeouts after acceptance and kill -9 (Microsoft 365 simulator)', () => {
  let ms: MicrosoftChaos;
  let world: ChaosWorld;

  beforeAll(async () => {
    ms = await startMicrosoftChaos(7);
  });
  afterAll(async () => {
    await world?.close();
    await ms?.sim.close();
  });

  it(`${M} sends → exactly ${M} in Sent Items, all 'sent'`, async () => {
    const { handle, mailbox } = ms;
    world = await startChaosWorld({ ...ms.workerEnv });
    const { scope, userId } = await createTestCompany(world.t.db);
    await ms.ensureFolders();
    await connectMicrosoftAccount(world.t.db, world.vault, scope, userId, mailbox, ms.credentials, ms.endpoints, new Date());
    handle.faults.add({ kind: 'drop_after_accept', match: 'sendMail', rate: 0.2 });

    const queued: string[] = [];
    for (let i = 0; i < M; i++) {
      const q = await queueEmail(world.t.db, scope, { id: userId }, { to: [{ address: `customer${i % 7}@oakridge-hoa.example` }], subject: `Quote ${i}`, text: `Quote number ${i}.` });
      queued.push(q.messageId);
    }
    expect(new Set(queued).size).toBe(M);
    await Promise.all([world.start('A'), world.start('B')]);
    await world.wakeOutbox();

    const sentActivities = () => world.count(`select count(*) as n from activities where company_id = $1 and status = 'sent'`, [scope.companyId]);
    await world.waitFor('half the sends', async () => (await sentActivities()) >= M / 2, 300_000, 100);
    await world.kill('A');
    await world.start('A');
    await world.waitFor(`${M} sent`, async () => {
      await world.wakeOutbox();
      return (await sentActivities()) === M;
    }, 600_000, 1_000);

    const sent = handle.sentItems(mailbox);
    expect(sent.length).toBe(M);
    expect(new Set(sent.map((m) => m.internetMessageId))).toEqual(new Set(queued));
    expect(await world.count(`select count(*) as n from activities where company_id = $1 and direction = 'outbound' and status <> 'sent'`, [scope.companyId])).toBe(0);
    expect(world.kills).toBe(1);
    // Each mail crossed the wire once: no ambiguous failure (nor the kill) led to a second sendMail,
    // and the drops did happen, each answered by a look into Sent Items.
    const ops = handle.counters.snapshot().requests[mailbox] ?? {};
    expect(ops.sendMail).toBe(M);
  }, 900_000);
});
