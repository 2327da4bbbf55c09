/**
 * The one place that reads process.env. Validated once at start-up; everything else receives a Config.
 */
import { z } from 'zod';

const optionalUrl = z.url().optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  TANDEM_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  TANDEM_SECRET_KEY: z.string().optional(),
  TANDEM_PUBLIC_URL: optionalUrl,
  TANDEM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TANDEM_CAPTURE_INTERVAL_MINUTES: z.coerce.number().positive().default(5),
  TANDEM_CALENDAR_INTERVAL_MINUTES: z.coerce.number().positive().default(5),
  /** Messages per fetch / store / move round of a capture run (default 100: five Graph $batch requests of 20). */
  TANDEM_CAPTURE_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  TANDEM_WORKERS: z.enum(['on', 'off']).default('on'),
  MICROSOFT_CLIENT_ID: z.string().optional(),
  MICROSOFT_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  MICROSOFT_AUTHORITY_HOST: optionalUrl,
  MICROSOFT_GRAPH_URL: optionalUrl,
  GOOGLE_OAUTH_URL: optionalUrl,
  GOOGLE_GMAIL_URL: optionalUrl,
  GOOGLE_CALENDAR_URL: optionalUrl,
  /** Pub/Sub topic Gmail publishes mailbox changes to (projects/<p>/topics/<t>); push needs it. */
  GOOGLE_PUBSUB_TOPIC: z.string().optional(),
  /** The service account the Gmail push subscription signs its OIDC tokens as; required with the topic. */
  GOOGLE_PUBSUB_SERVICE_ACCOUNT: z.string().optional(),
  /** The audience set on that push subscription (Pub/Sub's default: the push endpoint URL). */
  GOOGLE_PUBSUB_AUDIENCE: z.string().optional(),
  /** Where Google publishes the keys signing those tokens (the simulator serves its own). */
  GOOGLE_PUBSUB_JWKS_URL: optionalUrl,
  /** DNS servers for the sending-domain checks (comma list, host or host:port); default the system's. */
  TANDEM_DNS_SERVERS: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Base64 or hex 32-byte key; required with PostgreSQL, generated into dataDir for PGlite. */
  secretKey: string | undefined;
  publicUrl: string;
  logLevel: Env['TANDEM_LOG_LEVEL'];
  captureIntervalMs: number;
  captureBatchSize: number;
  calendarIntervalMs: number;
  runWorkers: boolean;
  microsoft: { clientId: string; clientSecret: string; authorityHost: string; graphUrl: string };
  google: {
    clientId: string;
    clientSecret: string;
    oauthUrl: string;
    gmailUrl: string;
    calendarUrl: string;
    pubsubTopic: string | undefined;
    /** How Gmail's Pub/Sub pushes prove they come from Google (set whenever pubsubTopic is). */
    pubsubAuth?: { audience: string; serviceAccountEmail: string; jwksUrl: string };
  };
  dnsServers: string[] | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.TANDEM_SECRET_KEY) {
    throw new ConfigError('TANDEM_SECRET_KEY is required when DATABASE_URL is set (every node must share the key).');
  }
  if (e.GOOGLE_PUBSUB_TOPIC && !e.GOOGLE_PUBSUB_SERVICE_ACCOUNT) {
    throw new ConfigError(
      'GOOGLE_PUBSUB_SERVICE_ACCOUNT is required with GOOGLE_PUBSUB_TOPIC: the push subscription must use authentication with that service account, so Tandem can refuse pushes that do not come from it.',
    );
  }
  const publicUrl = e.TANDEM_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.TANDEM_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    secretKey: e.TANDEM_SECRET_KEY,
    publicUrl,
    logLevel: e.TANDEM_LOG_LEVEL,
    captureIntervalMs: e.TANDEM_CAPTURE_INTERVAL_MINUTES * 60_000,
    captureBatchSize: e.TANDEM_CAPTURE_BATCH_SIZE,
    calendarIntervalMs: e.TANDEM_CALENDAR_INTERVAL_MINUTES * 60_000,
    runWorkers: e.TANDEM_WORKERS === 'on',
    microsoft: {
      clientId: e.MICROSOFT_CLIENT_ID ?? '',
      clientSecret: e.MICROSOFT_CLIENT_SECRET ?? '',
      authorityHost: e.MICROSOFT_AUTHORITY_HOST ?? 'https://login.microsoftonline.com',
      graphUrl: e.MICROSOFT_GRAPH_URL ?? 'https://graph.microsoft.com/v1.0',
    },
    google: {
      clientId: e.GOOGLE_CLIENT_ID ?? '',
      clientSecret: e.GOOGLE_CLIENT_SECRET ?? '',
      oauthUrl: e.GOOGLE_OAUTH_URL ?? 'https://oauth2.googleapis.com',
      gmailUrl: e.GOOGLE_GMAIL_URL ?? 'https://gmail.googleapis.com',
      calendarUrl: e.GOOGLE_CALENDAR_URL ?? 'https://www.googleapis.com',
      pubsubTopic: e.GOOGLE_PUBSUB_TOPIC,
      ...(e.GOOGLE_PUBSUB_SERVICE_ACCOUNT
        ? {
            pubsubAuth: {
              audience: e.GOOGLE_PUBSUB_AUDIENCE ?? `${publicUrl.replace(/\/+$/, '')}/api/webhooks/google/gmail`,
              serviceAccountEmail: e.GOOGLE_PUBSUB_SERVICE_ACCOUNT,
              jwksUrl: e.GOOGLE_PUBSUB_JWKS_URL ?? 'https://www.googleapis.com/oauth2/v3/certs',
            },
          }
        : {}),
    },
    dnsServers: e.TANDEM_DNS_SERVERS ? e.TANDEM_DNS_SERVERS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  };
}
