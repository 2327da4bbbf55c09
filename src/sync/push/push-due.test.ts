import { describe, expect, it } from 'vitest';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/push-subscriptions';
import { dueForEnsure, isDue, localLeasePrefix } from './push-due';

const now = new Date('2026-11-02T09:00:00Z');
const hours = (h: number) => new Date(now.getTime() + h * 3600_000);

function account(over: Partial<ConnectedAccount> = {}): ConnectedAccount {
  return {
    id: 'a1',
    companyId: 'c1',
    provider: 'microsoft',
    status: 'active',
    disconnectedAt: null,
    syncEmail: true,
    syncCalendar: true,
    syncCaptureFolder: true,
    captureFolderId: 'f-tandem',
    processedFolderId: 'f-processed',
    ...over,
  } as ConnectedAccount;
}

function row(resource: 'capture' | 'calendar', expiresInHours: number, over: Partial<PushSubscriptionRow> = {}): PushSubscriptionRow {
  return { id: `r-${resource}`, companyId: 'c1', accountId: 'a1', resource, providerSubscriptionId: `s-${resource}`, clientState: 'x', expiresAt: hours(expiresInHours), data: null, extra: null, createdAt: now, ...over };
}

const a1 = [{ id: 'a1', companyId: 'c1' }];

describe('dueForEnsure', () => {
  it.each([
    ['both held and fresh', account(), [row('capture', 100), row('calendar', 100)], []],
    ['capture missing', account(), [row('calendar', 100)], a1],
    ['capture folder not created yet: only calendar wanted', account({ captureFolderId: null }), [row('calendar', 100)], []],
    ['calendar expiring within a day', account(), [row('capture', 100), row('calendar', 23)], a1],
    ['calendar turned off but still held', account({ syncCalendar: false }), [row('capture', 100), row('calendar', 100)], a1],
    ['needs reconnect holding rows', account({ status: 'needs_reconnect' }), [row('capture', 100)], a1],
    ['needs reconnect holding nothing', account({ status: 'needs_reconnect' }), [], []],
    ['IMAP accounts are the watchers’ business', account({ provider: 'imap' }), [], []],
  ] as const)('%s', (_name, acc, rows, expected) => {
    expect(dueForEnsure([acc], [...rows], now)).toEqual(expected);
  });

  it('rows of accounts no longer listed are stale; local-watcher leases are not', () => {
    const orphan = row('capture', 100, { accountId: 'gone', companyId: 'c2' });
    const lease = row('capture', 1, { accountId: 'imap-1', providerSubscriptionId: `${localLeasePrefix}imap-1` });
    expect(dueForEnsure([], [orphan, lease], now)).toEqual([{ id: 'gone', companyId: 'c2' }]);
  });
});

describe('isDue', () => {
  it('renews a Gmail watch once a day although it lasts seven, everything else a day before expiry', () => {
    expect(isDue('google', row('capture', 6 * 24 + 1), now)).toBe(false);
    expect(isDue('google', row('capture', 6 * 24 - 1), now)).toBe(true);
    expect(isDue('google', row('calendar', 25), now)).toBe(false);
    expect(isDue('microsoft', row('capture', 25), now)).toBe(false);
    expect(isDue('microsoft', row('capture', 23), now)).toBe(true);
  });
});
