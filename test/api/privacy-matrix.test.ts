/**
 * The privacy matrix through the API: viewer (owner / shared-with / other colleague) × the owner's
 * calendar (Public / Private) × the event's sensitivity at the provider. Details or a "Private" busy
 * block with the same times — never anything in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startApiHarness, type ApiHarness, type Session } from './api-harness';

let h: ApiHarness;
let owner: { id: string; session: Session };
let shared: Session;
let other: Session;

beforeAll(async () => {
  h = await startApiHarness();
  const scope = { companyId: h.a.companyId };
  const mk = async (local: string) => {
    const u = await h.db.repos.users.create(scope, { email: `${local}@matrix.example`, name: local, password: `${local}-password-1` });
    return { id: u.id, session: await signIn(h.app, `${local}@matrix.example`, `${local}-password-1`) };
  };
  owner = await mk('owner');
  shared = (await mk('shared')).session;
  other = (await mk('other')).session;
  const sharedUser = await h.db.repos.users.findByEmail(scope, 'shared@matrix.example');
  await h.db.repos.calendarShares.share(scope, owner.id, sharedUser?.id ?? '');
  for (const sensitivity of ['normal', 'personal', 'private', 'confidential'] as const) {
    await h.db.repos.appointments.create(scope, {
      ownerUserId: owner.id,
      subject: `${sensitivity} meeting`,
      location: 'Back office',
      startAt: new Date('2026-11-04T15:00:00Z'),
      endAt: new Date('2026-11-04T16:00:00Z'),
      startLocal: '2026-11-04T10:00:00',
      endLocal: '2026-11-04T11:00:00',
      timeZone: 'America/New_York',
      allDay: false,
      attendees: [{ email: 'client@customer.example' }],
      sensitivity,
      origin: 'provider',
      readOnly: true,
      providerId: `prov-${sensitivity}`,
      now: h.clock.now(),
    });
  }
});
afterAll(async () => h.close());

type Viewer = 'owner' | 'shared' | 'other';
const sessionOf = (v: Viewer): Session => (v === 'owner' ? owner.session : v === 'shared' ? shared : other);

/** What each viewer sees: true = details, false = busy block. */
const expected: Record<'public' | 'private', Record<Viewer, Record<string, boolean>>> = {
  public: {
    owner: { normal: true, personal: true, private: true, confidential: true },
    shared: { normal: true, personal: true, private: false, confidential: false },
    other: { normal: true, personal: true, private: false, confidential: false },
  },
  private: {
    owner: { normal: true, personal: true, private: true, confidential: true },
    shared: { normal: true, personal: true, private: false, confidential: false },
    other: { normal: false, personal: false, private: false, confidential: false },
  },
};

const cases = (['public', 'private'] as const).flatMap((privacy) =>
  (['owner', 'shared', 'other'] as const).map((viewer) => [privacy, viewer] as const),
);

describe('calendar privacy matrix', () => {
  it.each(cases)('%s calendar seen by %s', async (privacy, viewer) => {
    await h.db.repos.users.update({ companyId: h.a.companyId }, owner.id, { calendarPrivacy: privacy });
    const res = await call(h.app, sessionOf(viewer), 'GET', `/api/appointments?from=2026-11-04T00:00:00Z&to=2026-11-05T00:00:00Z&users=${owner.id}`);
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { visibility: string; subject?: string; appointment?: { subject: string }; startAt?: string }[] }).items;
    expect(items).toHaveLength(4);
    const seen = Object.fromEntries(
      items.map((v, i) => [v.visibility === 'full' ? (v.appointment?.subject.split(' ')[0] ?? '') : `block${i}`, v.visibility === 'full']),
    );
    const details = Object.entries(expected[privacy][viewer]).filter(([, d]) => d).map(([s]) => s).sort();
    expect(Object.keys(seen).filter((k) => !k.startsWith('block')).sort()).toEqual(details);
    for (const v of items.filter((x) => x.visibility === 'busy')) {
      expect(v).toMatchObject({ subject: 'Private', startAt: '2026-11-04T15:00:00.000Z' });
      expect(JSON.stringify(v)).not.toMatch(/meeting|Back office|client@customer/);
    }
  });
});
