import { describe, expect, it } from 'vitest';
import { connectionExpiresAt, connectionHealth, renewOnSignIn, shouldRefreshAccessToken, warningToSend } from './token-lifecycle';

const DAY = 86_400_000;
const connectedAt = '2026-08-01T12:00:00.000Z';
const daysAfter = (d: number, base = connectedAt) => new Date(Date.parse(base) + d * DAY);

describe('connection lifetime', () => {
  it('lives 90 days from connecting', () => {
    expect(connectionExpiresAt({ connectedAt }).toISOString()).toBe('2026-10-30T12:00:00.000Z');
  });

  it('is renewed by a later sign-in, never shortened by an older one', () => {
    expect(connectionExpiresAt({ connectedAt, renewedAt: '2026-09-01T08:00:00.000Z' }).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(connectionExpiresAt({ connectedAt, renewedAt: '2026-07-01T08:00:00.000Z' }).toISOString()).toBe('2026-10-30T12:00:00.000Z');
  });

  it.each([
    [0, 'ok'],
    [75.9, 'ok'],
    [76, 'warn_14d'],
    [86.9, 'warn_14d'],
    [87, 'warn_3d'],
    [89.99, 'warn_3d'],
    [90, 'expired'],
    [200, 'expired'],
  ])('day %s after connecting → %s', (day, health) => {
    expect(connectionHealth({ connectedAt }, daysAfter(day))).toBe(health);
  });

  it('a sign-in on day 80 turns a warning back to ok', () => {
    const renewal = renewOnSignIn(daysAfter(80));
    expect(renewal.expiryWarned).toBe('none');
    expect(renewal.expiresAt).toBe(daysAfter(170).toISOString());
    expect(connectionHealth({ connectedAt, renewedAt: renewal.renewedAt }, daysAfter(81))).toBe('ok');
  });
});

describe('expiry warnings', () => {
  it.each([
    ['ok', 'none', null],
    ['warn_14d', 'none', '14d'],
    ['warn_14d', '14d', null],
    ['warn_3d', 'none', '3d'],
    ['warn_3d', '14d', '3d'],
    ['warn_3d', '3d', null],
    ['expired', 'none', null],
  ] as const)('%s, already warned %s → %s', (health, warned, send) => {
    expect(warningToSend(health, warned)).toBe(send);
  });
});

describe('refresh-ahead', () => {
  const now = new Date('2026-11-02T09:00:00Z');
  it.each([
    ['expires in an hour', '2026-11-02T10:00:00Z', false],
    ['expires in 5 min 1 s', '2026-11-02T09:05:01Z', false],
    ['expires in 4 min', '2026-11-02T09:04:00Z', true],
    ['already expired', '2026-11-02T08:00:00Z', true],
    ['unknown expiry', null, true],
    ['garbage expiry', 'soon', true],
  ])('%s → refresh %s', (_name, expiresAt, refresh) => {
    expect(shouldRefreshAccessToken(expiresAt, now)).toBe(refresh);
  });

  it('takes a configured margin', () => {
    expect(shouldRefreshAccessToken('2026-11-02T09:10:00Z', now, 15 * 60_000)).toBe(true);
  });
});
