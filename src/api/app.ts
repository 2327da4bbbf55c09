/**
 * Builds the Fastify app: one error handler speaking the error catalogue, declared routes validated
 * with zod, session auth + CSRF on writes, health / readiness / metrics, OpenAPI, and the web UI.
 */
import { existsSync } from 'node:fs';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import { ApiError } from './errors';
import { buildOpenApi } from './openapi';
import { parsePart, validationError, type Caller, type RouteDef } from './route';
import type { FieldError } from './errors';

export const SESSION_COOKIE = 'tandem_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionLookup {
  /** Resolves a session cookie value to the caller and the session's CSRF token; null when unknown or expired. */
  resolve(token: string): Promise<Caller | null>;
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  sessions: SessionLookup;
  routes: RouteDef[];
  /** True when the database answers and migrations are applied. */
  ready(): Promise<boolean>;
  /** Built web UI folder (web/dist); served at / when present. */
  webRoot?: string;
  secureCookies?: boolean;
  bodyLimit?: number;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only drops pino's extra generic parameter.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1_048_576,
    trustProxy: true,
  });
  await app.register(cookie);

  app.setErrorHandler((err: unknown, request, reply) => {
    if (err instanceof ApiError) {
      if (err.status >= 500) request.log.error({ err }, 'api error');
      return reply.status(err.status).send(err.toBody());
    }
    const fastifyCode = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
    const status = typeof err === 'object' && err !== null && 'statusCode' in err ? Number((err as { statusCode: unknown }).statusCode) : 500;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(new ApiError('payload_too_large').toBody());
    if (status >= 400 && status < 500) {
      return reply.status(400).send(new ApiError('bad_request', err instanceof Error ? err.message : undefined).toBody());
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(new ApiError('internal').toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || !deps.webRoot) return reply.status(404).send(new ApiError('not_found').toBody());
    // Single-page app: unknown non-API paths get index.html so client-side routes survive a reload.
    return reply.sendFile('index.html');
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpRequests
      .labels(request.method, request.routeOptions.url ?? 'unknown', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await deps.ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ ok });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  const openapi = buildOpenApi(deps.routes, { title: 'Tandem API', version: '0.1.0' });
  app.get('/api/openapi.json', async () => openapi);

  for (const def of deps.routes) registerRoute(app, def, deps);

  if (deps.webRoot && existsSync(deps.webRoot)) {
    await app.register(fastifyStatic, { root: deps.webRoot, prefix: '/', wildcard: false });
  }
  return app;
}

async function authenticate(request: FastifyRequest, def: RouteDef, sessions: SessionLookup): Promise<Caller> {
  const token = request.cookies[SESSION_COOKIE];
  const session = token ? await sessions.resolve(token) : null;
  if (!session) throw new ApiError('unauthenticated');
  if (unsafeMethods.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !timingSafeEqualStrings(sent, session.csrfToken)) throw new ApiError('csrf_failed');
  }
  if (def.auth === 'admin' && session.role !== 'admin') throw new ApiError('forbidden');
  return session;
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function registerRoute(app: FastifyInstance, def: RouteDef, deps: AppDeps): void {
  app.route({
    method: def.method,
    url: def.url,
    ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
    handler: async (request, reply) => {
      const caller = def.auth === 'none' ? undefined : await authenticate(request, def, deps.sessions);
      const errors: FieldError[] = [];
      const params = parsePart(def.params, request.params, 'params', errors);
      const query = parsePart(def.query, request.query, 'query', errors);
      const body = parsePart(def.body, request.body, 'body', errors);
      if (errors.length) {
        // Malformed ids are "not found", exactly like other companies' ids: no oracle for id shapes.
        if (errors.every((e) => e.path.startsWith('params.'))) throw new ApiError('not_found');
        throw validationError(errors);
      }
      const ctx = { params, query, body, request, reply };
      const result = def.auth === 'none' ? await def.handler(ctx as never) : await def.handler({ ...ctx, caller } as never);
      if (reply.sent) return reply;
      reply.status(def.status ?? (result === undefined ? 204 : 200));
      return result === undefined ? reply.send() : result;
    },
  });
}
