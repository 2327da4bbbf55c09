/**
 * Root logger. Redaction is configured once here for every secret-bearing field name; child loggers
 * bind {accountId, provider, jobId}. Message bodies are redacted too (they are customer data).
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export const redactedPaths = [
  'password',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'id_token',
  'clientSecret',
  'client_secret',
  'secretKey',
  'authorization',
  'cookie',
  'code_verifier',
  'codeVerifier',
  'raw',
  'mime',
  'bodyText',
  'bodyHtml',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
  '*.cookie',
  '*.raw',
  '*.mime',
  '*.bodyText',
  '*.bodyHtml',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'credentials',
  '*.credentials',
];

export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'tandem' },
    },
    destination,
  );
}

export type { Logger };
