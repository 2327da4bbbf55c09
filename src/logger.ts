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

interface RequestLike {
  method?: string;
  url?: string;
  id?: string;
}

/**
 * Request lines keep the method and the path only: query strings carry one-time secrets (the OAuth
 * callback's `code` and `state`, webhook validation tokens).
 */
function requestSerializer(req: RequestLike): Record<string, string | undefined> {
  return { method: req.method, url: req.url?.split('?')[0], id: req.id };
}

export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'tandem' },
      serializers: { req: requestSerializer },
    },
    destination,
  );
}

export type { Logger };
