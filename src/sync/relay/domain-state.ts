/**
 * What a sending domain keeps in its `last_check` column: the settings chosen when it was added (the
 * DMARC report address, an optional SPF include naming the relay's own SPF record) and the last live
 * check. sending_domains has no columns for the settings, so they live beside the result; reading
 * goes through this schema so a row written by an older build degrades to "never checked".
 */
import { z } from 'zod';
import { checkCodeStatus, type CheckCode, type DomainCheckResult } from '../../mailauth';

const codes = Object.keys(checkCodeStatus) as [CheckCode, ...CheckCode[]];
const status = z.enum(['pass', 'warn', 'fail']);

const recordCheckSchema = z.object({
  record: z.enum(['spf', 'dkim', 'dmarc', 'alignment']),
  status,
  code: z.enum(codes),
  explanation: z.string(),
  host: z.string(),
  found: z.array(z.string()),
  issues: z.array(z.object({ code: z.enum(codes), status, explanation: z.string() })),
});

export const domainCheckResultSchema = z.object({
  domain: z.string(),
  checkedAt: z.string(),
  overall: z.enum(['pass', 'fail']),
  spf: recordCheckSchema,
  dkim: recordCheckSchema,
  dmarc: recordCheckSchema,
  alignment: recordCheckSchema,
}) satisfies z.ZodType<DomainCheckResult>;

export const domainStateSchema = z.object({
  dmarcReportAddress: z.email(),
  /** The relay's SPF record to include (e.g. spf.relay.example); absent → the relay host's addresses. */
  spfInclude: z.string().min(1).optional(),
  result: domainCheckResultSchema.nullable().default(null),
});

export type DomainState = z.infer<typeof domainStateSchema>;
