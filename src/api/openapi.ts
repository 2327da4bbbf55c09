/** Builds the OpenAPI 3.1 document from the route declarations (zod 4 emits JSON Schema itself). */
import { z } from 'zod';
import { errorCatalogue } from './errors';
import type { RouteDef } from './route';

type JsonObject = Record<string, unknown>;

function schemaOf(s: z.ZodType | undefined, io: 'input' | 'output'): JsonObject | undefined {
  if (!s) return undefined;
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  delete json.$schema;
  return json;
}

function parametersOf(s: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  const json = schemaOf(s, 'input');
  const props = (json?.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    schema,
  }));
}

export function buildOpenApi(routes: RouteDef[], info: { title: string; version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: JsonObject = {
      summary: r.summary,
      tags: r.tags,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      responses: {
        [String(r.status ?? 200)]: {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: schemaOf(r.response, 'output') } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      ...(r.auth === 'none' ? { security: [] } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    security: [{ session: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'tandem_session', description: 'Writes also need the X-CSRF-Token header.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(errorCatalogue) },
                message: { type: 'string' },
                fields: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  };
}
