/** Activity answers for the web tests. */
import type { Activity } from '../api/schemas';

export function activity(n: number, overrides: Partial<Activity> = {}): Activity {
  const day = String(28 - n).padStart(2, '0');
  return {
    id: `act-${n}`,
    type: 'email',
    direction: 'inbound',
    subject: `Subject ${n}`,
    from: { address: 'dana@client.test', name: 'Dana Client' },
    to: [{ address: 'ann@acme.test', name: null }],
    cc: [],
    occurredAt: `2026-10-${day}T09:00:00.000Z`,
    bodyText: `Body ${n}`,
    bodyHtml: null,
    attachments: [],
    status: null,
    failureReason: null,
    regarding: null,
    contactIds: ['ct-1'],
    ...overrides,
  };
}
