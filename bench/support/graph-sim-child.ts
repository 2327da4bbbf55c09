/**
 * The Microsoft 365 simulator in a process of its own, for benchmarks that must not charge the
 * pipeline with the simulator's serving time (a real Graph serves from Microsoft's machines, as a
 * real Dovecot serves IMAP from its own process). Driven over the IPC channel of fork():
 * see graph-sim-remote.ts for the messages.
 */
import { startMicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import type { SimRequest, SimReply } from './graph-sim-remote';

const mailboxes = (process.env.GRAPH_SIM_MAILBOXES ?? '').split(',').filter(Boolean);
const env = await startMicrosoftTestEnv({ mailboxes: mailboxes.map((address) => ({ address, type: 'user' as const })) });
const { handle } = env.sim;

async function answer(req: SimRequest): Promise<SimReply> {
  switch (req.type) {
    case 'place':
      for (const raw of req.raws) await handle.placeMessage(req.mailbox, req.folder, Buffer.from(raw, 'base64'));
      return { id: req.id, value: req.raws.length };
    case 'count':
      return { id: req.id, value: handle.counters.count(req.mailbox, req.operation) };
    case 'folderSize':
      return { id: req.id, value: handle.listFolderMessages(req.mailbox, req.folder).length };
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { id: req.id, value: (user + system) / 1000 };
    }
    case 'close':
      await env.close();
      return { id: req.id, value: 0 };
  }
}

function send(reply: SimReply): void {
  if (!process.send) throw new Error('graph-sim-child runs only under fork() with an IPC channel');
  process.send(reply);
}

process.on('message', (req: SimRequest) => {
  void answer(req).then(
    (reply) => {
      send(reply);
      if (req.type === 'close') process.disconnect?.();
    },
    (e: unknown) => send({ id: req.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
send({ id: 0, value: 0, url: env.sim.url });
