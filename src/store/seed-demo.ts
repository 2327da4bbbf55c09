/**
 * Demo data for `tandem demo` and first runs: the company "Greenleaf Landscaping" with three users,
 * 50 contacts plus the customers who write to the simulated mailboxes, a few opportunities /
 * properties / work tickets and activities, and Ben's Private calendar. Deterministic (no randomness)
 * and idempotent: a second call finds the company and changes nothing.
 *
 * Sign in as ava@greenleaf.example (admin), ben@greenleaf.example or cara@greenleaf.example (members),
 * password "tandem-demo".
 */
import { localToUtc, utcToLocal } from '../domain/zoned-time';
import type { Db } from './db';
import type { Scope } from './repos';

export const demoCompanyName = 'Greenleaf Landscaping';
export const demoPassword = 'tandem-demo';
export const demoTimeZone = 'America/Los_Angeles';
/** Ben keeps his calendar Private: colleagues see his appointments as "Private" busy blocks. */
export const demoUsers = [
  { email: 'ava@greenleaf.example', name: 'Ava Greenleaf', role: 'admin' as const, calendarPrivacy: 'public' as const },
  { email: 'ben@greenleaf.example', name: 'Ben Ortiz', role: 'member' as const, calendarPrivacy: 'private' as const },
  { email: 'cara@greenleaf.example', name: 'Cara Nguyen', role: 'member' as const, calendarPrivacy: 'public' as const },
];

/**
 * The customers who write to the simulated mailboxes of `tandem demo` (sim/common/seed-content.ts),
 * so mail moved into the Tandem folder there is filed on a contact instead of waiting as unmatched.
 */
export const demoCorrespondents = [
  { name: 'Margaret Ellis', email: 'margaret.ellis@oakridge-hoa.example', companyName: 'Oakridge HOA' },
  { name: "Tom O'Brien", email: 'tom@obrien-properties.example', companyName: "O'Brien Properties" },
  { name: 'Jürgen Müller', email: 'j.mueller@gartenbau-mueller.example', companyName: 'Gartenbau Müller' },
  { name: 'Lena Größe', email: 'lena.groesse@stadtwerke-nord.example', companyName: 'Stadtwerke Nord' },
  { name: 'José Muñoz', email: 'jose.munoz@viveros-sol.example', companyName: 'Viveros Sol' },
  { name: 'Ana Peña Ibáñez', email: 'ana.pena@riego-levante.example', companyName: 'Riego Levante' },
  { name: '田中 太郎', email: 'tanaka@niwa-design.example', companyName: 'Niwa Design' },
  { name: '佐藤 花子', email: 'hanako.sato@midori-kanri.example', companyName: 'Midori Kanri' },
  { name: 'Priya Raman', email: 'priya@maplecourt-apartments.example', companyName: 'Maple Court Apartments' },
  { name: 'Riverside Office Park (facilities)', email: 'facilities@riverside-park.example', companyName: 'Riverside Office Park' },
  { name: 'Dr. Samuel Greene', email: 'sgreene@greene-dental.example', companyName: 'Greene Dental' },
  { name: 'Chloé Durand', email: 'chloe.durand@bellevue-residences.example', companyName: 'Bellevue Residences' },
  { name: 'Hillcrest Church (office)', email: 'admin@hillcrest-church.example', companyName: 'Hillcrest Church' },
  { name: 'Marcus Webb', email: 'marcus@webb-irrigation.example', companyName: 'Webb Irrigation' },
  { name: 'Sofía Herrera', email: 'sofia@herrera-floral.example', companyName: 'Herrera Floral' },
  { name: 'Lakeside Supply Co. (orders)', email: 'orders@lakeside-supply.example', companyName: 'Lakeside Supply Co.' },
];

/** Ben's appointments, by day from the seeding day (his time zone), so the current week always shows some. */
const privateAppointments = [
  { dayOffset: -1, start: '09:00', end: '10:30', subject: 'Dentist', location: 'Hillside Dental' },
  { dayOffset: 0, start: '13:00', end: '14:00', subject: 'Interview: crew lead candidate', location: 'Office' },
  { dayOffset: 1, start: '11:00', end: '12:00', subject: 'Pay review with Ava', location: 'Office' },
  { dayOffset: 3, start: '15:00', end: '16:00', subject: 'Parent-teacher meeting', location: 'Oakmont School' },
];

export interface DemoSignIn {
  companyId: string;
  created: boolean;
  password: string;
  users: { email: string; role: 'admin' | 'member' }[];
}

const firstNames = ['Olivia', 'Liam', 'Emma', 'Noah', 'Sophia', 'James', 'Mia', 'Lucas', 'Amelia', 'Mateo', 'Harper', 'Elijah', 'Evelyn', 'Henry', 'Aria', 'Theo', 'Luna', 'Jack', 'Chloe', 'Samuel', 'Nora', 'David', 'Zoe', 'Joseph', 'Priya'];
const lastNames = ['Martinez', 'Okafor', 'Lindqvist', 'Patel', 'Brennan', 'Kowalski', 'Haddad', 'Fischer', 'Tanaka', 'Moreau', 'Sullivan', 'Reyes', 'Novak', 'Adeyemi', 'Larsen', 'Chen', 'Whitaker', 'Rossi', 'Gallagher', 'Silva', 'Dubois', 'Ahmed', 'Keller', 'Murphy', 'Sato'];
const organisations = [
  { name: 'Maple Ridge HOA', domain: 'mapleridge-hoa.example' },
  { name: 'Brightwater Property Management', domain: 'brightwater-pm.example' },
  { name: 'Cedar Point Office Park', domain: 'cedarpoint.example' },
  { name: 'Hillside Dental', domain: 'hillsidedental.example' },
  { name: 'Oakmont School District', domain: 'oakmont-schools.example' },
  { name: 'Riverside Apartments', domain: 'riverside-apts.example' },
  { name: 'Summit Realty', domain: 'summitrealty.example' },
  { name: 'Willow Creek Church', domain: 'willowcreek.example' },
  { name: 'Harbor View Hotel', domain: 'harborview-hotel.example' },
  { name: 'Pinecrest Medical Center', domain: 'pinecrest-med.example' },
];
const streets = ['Elm Street', 'Oak Avenue', 'Birch Lane', 'Cedar Court', 'Lakeview Drive', 'Meadow Road', 'Sunset Boulevard', 'Hawthorn Way', 'Juniper Place', 'Aspen Circle'];
const cities = [
  { city: 'Portland', region: 'OR', postal: '97205' },
  { city: 'Beaverton', region: 'OR', postal: '97005' },
  { city: 'Lake Oswego', region: 'OR', postal: '97034' },
  { city: 'Vancouver', region: 'WA', postal: '98660' },
  { city: 'Tigard', region: 'OR', postal: '97223' },
];

const at = <T>(list: readonly T[], i: number): T => {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('empty demo list');
  return item;
};

function contactSpec(i: number) {
  const first = at(firstNames, i);
  // Stride 7 walks all 25 last names; the shift keeps the second 25 contacts from repeating the first.
  const last = at(lastNames, i * 7 + 3 + Math.floor(i / lastNames.length));
  const org = at(organisations, i);
  const place = at(cities, i * 3);
  const emails = [`${first}.${last}@${org.domain}`.toLowerCase()];
  // Every third contact also writes from a personal address: capture must match either.
  if (i % 3 === 0) emails.push(`${first}${last}${i}@mail.example`.toLowerCase());
  return {
    name: `${first} ${last}`,
    companyName: org.name,
    phone: `(503) 555-${String(1000 + i * 37).slice(-4)}`,
    street: `${100 + ((i * 53) % 900)} ${at(streets, i * 5)}`,
    city: place.city,
    region: place.region,
    postalCode: place.postal,
    country: 'US',
    emails,
  };
}

export async function seedDemo(db: Db, options: { now?: Date } = {}): Promise<DemoSignIn> {
  const now = options.now ?? new Date();
  const answer = (companyId: string, created: boolean): DemoSignIn => ({
    companyId,
    created,
    password: demoPassword,
    users: demoUsers.map(({ email, role }) => ({ email, role })),
  });
  const existing = await db.repos.companies.findByNameForSystem(demoCompanyName);
  if (existing) return answer(existing.id, false);

  return db.transaction(async ({ repos }) => {
    const company = await repos.companies.create({ name: demoCompanyName });
    const scope: Scope = { companyId: company.id };
    const userIds: string[] = [];
    for (const u of demoUsers) {
      userIds.push((await repos.users.create(scope, { ...u, password: demoPassword, timezone: demoTimeZone })).id);
    }
    const contactIds: string[] = [];
    for (let i = 0; i < 50; i++) contactIds.push((await repos.contacts.create(scope, { ...contactSpec(i), createdBy: userIds[i % 3] })).id);
    for (const [i, c] of demoCorrespondents.entries()) {
      await repos.contacts.create(scope, { name: c.name, companyName: c.companyName, emails: [c.email], createdBy: userIds[i % 3] });
    }

    const properties = [];
    for (let i = 0; i < 4; i++) {
      const place = at(cities, i);
      properties.push(
        await repos.records.createProperty(scope, {
          name: `${at(organisations, i).name} grounds`,
          street: `${200 + i * 40} ${at(streets, i + 2)}`,
          city: place.city,
          region: place.region,
          postalCode: place.postal,
          country: 'US',
        }),
      );
    }
    const opportunityNames = ['Spring cleanup contract', 'Irrigation retrofit', 'Snow removal 2026-27', 'Native plant redesign', 'Weekly mowing renewal'];
    const opportunities = [];
    for (const [i, name] of opportunityNames.entries()) {
      opportunities.push(await repos.records.createOpportunity(scope, { name, stage: at(['lead', 'qualified', 'proposal'] as const, i), amount: String(2500 + i * 1750), contactId: contactIds[i] }));
    }
    const ticketTitles = ['Replace broken sprinkler heads', 'Trim hedges along entrance', 'Aerate and overseed lawn', 'Remove fallen oak limb'];
    for (const [i, title] of ticketTitles.entries()) {
      await repos.records.createWorkTicket(scope, { title, status: at(['open', 'scheduled', 'in_progress', 'done'] as const, i), propertyId: at(properties, i).id });
    }

    const hour = 3600_000;
    const activities = [
      { contact: 0, type: 'note' as const, subject: 'Walked the property with Olivia', hoursAgo: 50 },
      { contact: 0, type: 'email' as const, subject: 'Re: Spring cleanup quote', hoursAgo: 26, regarding: 0 },
      { contact: 1, type: 'email' as const, subject: 'Irrigation schedule for May', hoursAgo: 20, regarding: 1 },
      { contact: 2, type: 'note' as const, subject: 'Prefers calls after 3pm', hoursAgo: 12 },
      { contact: 3, type: 'email' as const, subject: 'Invoice question', hoursAgo: 3 },
    ];
    for (const [i, a] of activities.entries()) {
      const contact = contactSpec(a.contact);
      await repos.activities.create(scope, {
        type: a.type,
        direction: a.type === 'email' ? 'inbound' : null,
        subject: a.subject,
        from: a.type === 'email' ? { address: at(contact.emails, 0), name: contact.name } : null,
        to: a.type === 'email' ? [{ address: demoUsers[0]?.email ?? '', name: demoUsers[0]?.name }] : [],
        occurredAt: new Date(now.getTime() - a.hoursAgo * hour),
        bodyText: `${a.subject}.`,
        status: a.type === 'email' ? 'filed' : null,
        dedupeKey: a.type === 'email' ? `<demo-${i}@greenleaf.example>` : null,
        regarding: a.regarding === undefined ? null : { type: 'opportunity', id: at(opportunities, a.regarding).id },
        createdBy: userIds[0],
        contactIds: [at(contactIds, a.contact)],
      });
    }

    const ben = at(userIds, 1);
    const today = utcToLocal(now, demoTimeZone).slice(0, 10);
    for (const a of privateAppointments) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) + a.dayOffset * 24 * hour).toISOString().slice(0, 10);
      const startLocal = `${day}T${a.start}:00`;
      const endLocal = `${day}T${a.end}:00`;
      await repos.appointments.create(scope, {
        ownerUserId: ben,
        createdByUserId: ben,
        subject: a.subject,
        location: a.location,
        startAt: localToUtc(startLocal, demoTimeZone),
        endAt: localToUtc(endLocal, demoTimeZone),
        startLocal,
        endLocal,
        timeZone: demoTimeZone,
        now,
      });
    }
    return answer(company.id, true);
  });
}
