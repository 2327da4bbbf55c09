/**
 * Demo data for `tandem demo` and first runs: the company "Greenleaf Landscaping" with three users,
 * 50 contacts, a few opportunities / properties / work tickets and activities. Deterministic (no
 * randomness) and idempotent: a second call finds the company and changes nothing.
 *
 * Sign in as ava@greenleaf.example (admin), ben@greenleaf.example or cara@greenleaf.example (members),
 * password "tandem-demo".
 */
import type { Db } from './db';
import type { Scope } from './repos';

export const demoCompanyName = 'Greenleaf Landscaping';
export const demoPassword = 'tandem-demo';
export const demoUsers = [
  { email: 'ava@greenleaf.example', name: 'Ava Greenleaf', role: 'admin' as const },
  { email: 'ben@greenleaf.example', name: 'Ben Ortiz', role: 'member' as const },
  { email: 'cara@greenleaf.example', name: 'Cara Nguyen', role: 'member' as const },
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
      userIds.push((await repos.users.create(scope, { ...u, password: demoPassword, timezone: 'America/Los_Angeles' })).id);
    }
    const contactIds: string[] = [];
    for (let i = 0; i < 50; i++) contactIds.push((await repos.contacts.create(scope, { ...contactSpec(i), createdBy: userIds[i % 3] })).id);

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
    return answer(company.id, true);
  });
}
