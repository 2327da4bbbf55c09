/**
 * Routes are declared once with zod schemas; the same declaration validates requests (400 with field
 * errors), types the handler, and feeds the OpenAPI document. Auth and CSRF are declared, not coded
 * per route.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, type FieldError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who is calling, resolved from the session cookie by the auth hook. */
export interface Caller {
  userId: string;
  companyId: string;
  role: 'admin' | 'member';
  sessionId: string;
  /** The session's CSRF token (not a secret from its own user; /api/me hands it to the UI). */
  csrfToken: string;
}

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface AuthedRouteContext<P, Q, B> extends RouteContext<P, Q, B> {
  caller: Caller;
}

interface RouteBase<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: HttpMethod;
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Documented success status (200 default). */
  status?: number;
  response?: Schema;
  bodyLimit?: number;
}

export interface PublicRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>
  extends RouteBase<P, Q, B> {
  auth: 'none';
  handler(ctx: RouteContext<Infer<P>, Infer<Q>, Infer<B>>): Promise<unknown>;
}

export interface SessionRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>
  extends RouteBase<P, Q, B> {
  auth: 'session' | 'admin';
  handler(ctx: AuthedRouteContext<Infer<P>, Infer<Q>, Infer<B>>): Promise<unknown>;
}

export type RouteDef<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> =
  | PublicRoute<P, Q, B>
  | SessionRoute<P, Q, B>;

/** Identity function that keeps the schemas' inferred types flowing into the handler. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  def: PublicRoute<P, Q, B> | SessionRoute<P, Q, B>,
): RouteDef {
  return def as unknown as RouteDef;
}

export function zodFieldErrors(error: z.ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Validates one part of the request; collects field errors rather than stopping at the first. */
export function parsePart(schema: Schema | undefined, value: unknown, where: string, errors: FieldError[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  errors.push(...zodFieldErrors(result.error, where));
  return undefined;
}

export function validationError(errors: FieldError[]): ApiError {
  return new ApiError('validation_failed', undefined, { fields: errors });
}

/** Common param and paging schemas. */
export const idParams = z.object({ id: z.uuid() });
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
