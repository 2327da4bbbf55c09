/** The SMTP relay as the API answers about it (src/api/routes/mailauth.ts, relay-status.ts). */
import { z } from 'zod';

export const relayTlsModes = ['tls', 'starttls', 'none'] as const;
export const relayTlsSchema = z.enum(relayTlsModes);
export type RelayTls = z.infer<typeof relayTlsSchema>;

/** Admin view: never the password, only whether one is stored. */
export const relaySchema = z.object({
  host: z.string(),
  port: z.number(),
  tls: relayTlsSchema,
  username: z.string().nullish().transform((v) => v ?? null),
  passwordSet: z.boolean(),
  updatedAt: z.string().nullish(),
});
export type Relay = z.infer<typeof relaySchema>;
export const relayAnswerSchema = z.object({ relay: relaySchema.nullable() });

export const relayTestSchema = z.union([
  z.object({ ok: z.literal(true), messageId: z.string(), response: z.string(), signed: z.boolean() }),
  z.object({ ok: z.literal(false), kind: z.string(), code: z.string(), message: z.string(), relayResponse: z.string().nullish() }),
]);
export type RelayTestResult = z.infer<typeof relayTestSchema>;

/** The signed-in user's own sending through the relay (any user may ask). */
export const relayStatusSchema = z.object({
  fromAddress: z.string(),
  hasSyncedMailbox: z.boolean(),
  relayConfigured: z.boolean(),
  domain: z.object({ domain: z.string(), checkedAt: z.string().nullable(), overall: z.enum(['pass', 'fail']).nullable() }).nullable(),
  ready: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  failing: z.array(z.object({ record: z.string(), host: z.string(), explanation: z.string() })).default([]),
});
export type RelayStatus = z.infer<typeof relayStatusSchema>;
