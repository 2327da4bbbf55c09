/**
 * The API's answers as the UI reads them (contract of issue 8; routes in src/api/routes). Fields the
 * UI only displays are lenient (nullish) so a route that adds or omits an optional field does not
 * break a screen; fields the UI acts on are strict.
 */
import { z } from 'zod';

const nullableText = z.string().nullish().transform((v) => v ?? null);

export const roleSchema = z.enum(['admin', 'member']);
export const meSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: roleSchema }),
  company: z.object({ id: z.string(), name: z.string() }),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof meSchema>;

export const calendarPrivacySchema = z.enum(['public', 'private']);
export type CalendarPrivacy = z.infer<typeof calendarPrivacySchema>;

export const colleagueSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema.optional(),
  calendarPrivacy: calendarPrivacySchema.optional(),
});
export type Colleague = z.infer<typeof colleagueSchema>;
export const colleaguesSchema = z.object({ items: z.array(colleagueSchema) });

export const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  companyName: nullableText,
  phone: nullableText,
  street: nullableText,
  city: nullableText,
  region: nullableText,
  postalCode: nullableText,
  country: nullableText,
  emails: z.array(z.string()),
});
export type Contact = z.infer<typeof contactSchema>;
export const contactListSchema = z.object({ items: z.array(contactSchema) });

export const regardingTypeSchema = z.enum(['opportunity', 'property', 'work_ticket']);
export type RegardingType = z.infer<typeof regardingTypeSchema>;
export const regardingSchema = z.object({ type: regardingTypeSchema, id: z.string(), label: z.string() });
export type Regarding = z.infer<typeof regardingSchema>;
export const regardingSearchSchema = z.object({ items: z.array(regardingSchema) });

const addressSchema = z.object({ address: z.string(), name: z.string().nullish() });
export type Address = z.infer<typeof addressSchema>;

export const attachmentSchema = z.object({
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string().nullish(),
  refusedReason: z.string().nullish(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const activityStatusSchema = z.string();
export const activitySchema = z.object({
  id: z.string(),
  type: z.enum(['email', 'appointment', 'note']),
  direction: z.string().nullish(),
  subject: z.string().nullish(),
  from: addressSchema.nullish(),
  to: z.array(addressSchema).default([]),
  cc: z.array(addressSchema).default([]),
  occurredAt: z.string(),
  bodyText: nullableText,
  bodyHtml: nullableText,
  attachments: z.array(attachmentSchema).default([]),
  /** Outgoing mail: queued → sent, or failed with failureReason. */
  status: z.string().nullish(),
  failureReason: nullableText,
  regarding: regardingSchema.nullish().transform((v) => v ?? null),
  contactIds: z.array(z.string()).default([]),
});
export type Activity = z.infer<typeof activitySchema>;
export const activityPageSchema = z.object({ items: z.array(activitySchema), nextCursor: z.string().nullish() });
export type ActivityPage = z.infer<typeof activityPageSchema>;

export const attendeeSchema = z.object({ email: z.string(), name: z.string().nullish(), response: z.string().nullish() });
export const appointmentSchema = z.object({
  id: z.string(),
  ownerUserId: z.string(),
  subject: z.string(),
  location: nullableText,
  bodyText: nullableText,
  startAt: z.string(),
  endAt: z.string(),
  startLocal: z.string(),
  endLocal: z.string(),
  timeZone: z.string(),
  allDay: z.boolean(),
  sensitivity: z.string().default('normal'),
  attendees: z.array(attendeeSchema).default([]),
  origin: z.enum(['crm', 'provider']),
  readOnly: z.boolean().optional(),
  kind: z.enum(['single', 'series_master', 'occurrence', 'exception']).default('single'),
  seriesId: z.string().nullish(),
  cancelled: z.boolean().nullish(),
  canEdit: z.boolean().optional(),
  /** Pushed to the provider yet (Tandem-made appointments are written through the outbox). */
  synced: z.boolean().optional(),
});
export type Appointment = z.infer<typeof appointmentSchema>;
export const busyBlockSchema = z.object({
  visibility: z.literal('busy'),
  subject: z.string(),
  ownerUserId: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  allDay: z.boolean(),
});
export type BusyBlock = z.infer<typeof busyBlockSchema>;
export const appointmentViewSchema = z.discriminatedUnion('visibility', [
  z.object({ visibility: z.literal('full'), appointment: appointmentSchema }),
  busyBlockSchema,
]);
export type AppointmentView = z.infer<typeof appointmentViewSchema>;
export const appointmentViewsSchema = z.object({ items: z.array(appointmentViewSchema) });

export const sharesSchema = z.object({ items: z.array(z.object({ userId: z.string(), name: z.string() })) });

export const providerSchema = z.enum(['microsoft', 'google', 'exchange', 'imap']);
export type Provider = z.infer<typeof providerSchema>;
export const expiryWarningSchema = z.enum(['none', '14d', '3d']);
export const accountSchema = z.object({
  id: z.string(),
  provider: providerSchema,
  mailboxAddress: z.string(),
  status: z.string(),
  statusReason: nullableText,
  lastSuccessAt: nullableText,
  nextRunAt: nullableText,
  expiresAt: nullableText,
  expiryWarning: expiryWarningSchema.default('none'),
});
export type Account = z.infer<typeof accountSchema>;
export const syncSettingsSchema = z.object({
  syncEmail: z.boolean(),
  syncCalendar: z.boolean(),
  syncCaptureFolder: z.boolean(),
  calendarPrivacy: calendarPrivacySchema,
  provider: providerSchema.nullable(),
  account: accountSchema.nullable(),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

export const nextStepSchema = z.object({
  next: z.discriminatedUnion('type', [
    z.object({ type: z.literal('redirect'), url: z.string() }),
    z.object({ type: z.literal('done') }),
    z.object({ type: z.literal('error'), code: z.string(), message: z.string(), adminConsentUrl: z.string().nullish() }),
  ]),
});
export type NextStep = z.infer<typeof nextStepSchema>['next'];

export const syncRunSchema = z.object({
  startedAt: z.string(),
  finishedAt: nullableText,
  items: z.number().nullish(),
  errors: z.number().nullish(),
  errorKind: nullableText,
  message: nullableText,
});
export const syncHealthSchema = z.object({
  items: z.array(
    accountSchema.extend({
      user: z.object({ id: z.string(), name: z.string() }),
      runs: z.array(syncRunSchema).default([]),
    }),
  ),
});
export type SyncHealthItem = z.infer<typeof syncHealthSchema>['items'][number];

// Shapes of src/mailauth (RecordToPublish, RecordCheck, DomainCheckResult) as the admin routes return them.
export const recordToPublishSchema = z.object({
  purpose: z.string(),
  host: z.string(),
  type: z.string(),
  value: z.string(),
  action: z.string().nullish(),
  replaces: z.array(z.string()).default([]),
  explanation: z.string().default(''),
});
export type RecordToPublish = z.infer<typeof recordToPublishSchema>;
export const checkStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;
export const recordCheckSchema = z.object({
  record: z.string(),
  status: checkStatusSchema,
  code: z.string(),
  explanation: z.string(),
  host: z.string(),
  found: z.array(z.string()).default([]),
  issues: z.array(z.object({ code: z.string(), status: checkStatusSchema, explanation: z.string() })).default([]),
});
export type RecordCheck = z.infer<typeof recordCheckSchema>;
export const domainCheckSchema = z.object({
  domain: z.string(),
  checkedAt: z.string(),
  overall: z.enum(['pass', 'fail']),
  spf: recordCheckSchema,
  dkim: recordCheckSchema,
  dmarc: recordCheckSchema,
  alignment: recordCheckSchema,
});
export type DomainCheck = z.infer<typeof domainCheckSchema>;
export const domainSchema = z.object({
  id: z.string(),
  domain: z.string(),
  records: z.array(recordToPublishSchema).default([]),
  check: domainCheckSchema.nullish().transform((v) => v ?? null),
});
export type Domain = z.infer<typeof domainSchema>;
export const domainsSchema = z.object({ items: z.array(domainSchema) });
