import { describe, expect, it } from 'vitest';
import { makeAppointment } from './appointment-fixture';
import { sensitivities, type Sensitivity } from './appointment-types';
import { PrivacyError, projectAppointment, projectAppointments, type CalendarPrivacy, type OwnerCalendar } from './privacy';

const viewers = { owner: 'u-owner', shared: 'u-shared', other: 'u-other' } as const;
type ViewerKind = keyof typeof viewers;

const calendar = (privacy: CalendarPrivacy): OwnerCalendar => ({ privacy, sharedWith: new Set([viewers.shared]) });

/** The whole matrix, spelled out rather than computed, so the rule is readable here. */
const expected: Record<ViewerKind, Record<CalendarPrivacy, Record<Sensitivity, 'full' | 'busy'>>> = {
  owner: {
    public: { normal: 'full', personal: 'full', private: 'full', confidential: 'full' },
    private: { normal: 'full', personal: 'full', private: 'full', confidential: 'full' },
  },
  shared: {
    public: { normal: 'full', personal: 'full', private: 'busy', confidential: 'busy' },
    private: { normal: 'full', personal: 'full', private: 'busy', confidential: 'busy' },
  },
  other: {
    public: { normal: 'full', personal: 'full', private: 'busy', confidential: 'busy' },
    private: { normal: 'busy', personal: 'busy', private: 'busy', confidential: 'busy' },
  },
};

const rows = (Object.keys(viewers) as ViewerKind[]).flatMap((viewer) =>
  (['public', 'private'] as const).flatMap((privacy) => sensitivities.map((sensitivity) => ({ viewer, privacy, sensitivity, want: expected[viewer][privacy][sensitivity] }))),
);

describe('privacy projection matrix', () => {
  it('covers 3 viewers × 2 calendar settings × 4 sensitivities', () => {
    expect(rows).toHaveLength(24);
  });

  it.each(rows)('$viewer viewer, $privacy calendar, $sensitivity event → $want', ({ viewer, privacy, sensitivity, want }) => {
    const appt = makeAppointment({ sensitivity });
    const view = projectAppointment({ userId: viewers[viewer], companyId: 'co-1' }, appt, calendar(privacy));
    expect(view.visibility).toBe(want);
    if (view.visibility === 'full') expect(view.appointment).toBe(appt);
  });
});

describe('busy block', () => {
  const appt = makeAppointment({ sensitivity: 'private' });
  const view = projectAppointment({ userId: 'u-other', companyId: 'co-1' }, appt, calendar('public'));

  it('keeps the times and says Private', () => {
    expect(view).toEqual({
      visibility: 'busy',
      subject: 'Private',
      ownerUserId: 'u-owner',
      startAt: appt.startAt,
      endAt: appt.endAt,
      startLocal: appt.startLocal,
      endLocal: appt.endLocal,
      timeZone: 'Europe/Berlin',
      allDay: false,
      showAs: 'busy',
    });
  });

  it('leaks no detail or id anywhere in its serialised form', () => {
    const json = JSON.stringify(view);
    for (const secret of [appt.subject, appt.location, appt.bodyText, 'client@example.com', appt.id, appt.providerId, appt.etag, appt.iCalUid, 'prop-1', 'acc-1']) {
      expect(json).not.toContain(secret);
    }
  });

  it('keeps a free item free', () => {
    const free = projectAppointment({ userId: 'u-other', companyId: 'co-1' }, makeAppointment({ showAs: 'free' }), calendar('private'));
    expect(free).toMatchObject({ visibility: 'busy', showAs: 'free' });
  });
});

describe('projectAppointments', () => {
  it('treats an owner with no calendar settings as Private', () => {
    const views = projectAppointments({ userId: 'u-other', companyId: 'co-1' }, [makeAppointment(), makeAppointment({ ownerUserId: 'u-open' })], new Map([['u-open', calendar('public')]]));
    expect(views.map((v) => v.visibility)).toEqual(['busy', 'full']);
  });

  it('refuses an appointment of another company', () => {
    expect(() => projectAppointment({ userId: 'u-owner', companyId: 'co-2' }, makeAppointment(), calendar('public'))).toThrow(PrivacyError);
  });
});
