/**
 * A company's SMTP relay settings. The store keeps them (password encrypted); the API validates
 * input with this schema. TLS modes: `tls` connects with TLS from the start (usually port 465,
 * RFC 8314 3.3), `starttls` upgrades a plain connection and refuses to go on without it (usually
 * 587), `none` sends in the clear (only for a relay on a trusted network).
 */
import { z } from 'zod';

export const relayTlsModes = ['none', 'starttls', 'tls'] as const;
export type RelayTlsMode = (typeof relayTlsModes)[number];

export const relaySettingsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  tls: z.enum(relayTlsModes),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Name sent in EHLO; default the machine's host name. */
  heloName: z.string().min(1).optional(),
  /** Verify the relay's certificate (default true; off only for a relay with a private CA not installed here). */
  rejectUnauthorized: z.boolean().default(true),
  connectionTimeoutMs: z.number().int().positive().default(15_000),
  socketTimeoutMs: z.number().int().positive().default(60_000),
});

export type RelaySettingsInput = z.input<typeof relaySettingsSchema>;
export type RelaySettings = z.output<typeof relaySettingsSchema>;

export function parseRelaySettings(input: unknown): RelaySettings {
  return relaySettingsSchema.parse(input);
}
