import { RequestMethod, type INestApplication } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { z } from 'zod';
import { PUBLIC_ROUTE } from '../auth/auth.guard.js';
import { REQUIRED_SCOPE, type Scope } from '../auth/scopes.js';
import { API_ROUTE, type ApiRouteSpec } from './api-route.js';

/** An OpenAPI 3.1 document, as far as this code builds one. */
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };

/** One operation of the document. */
export type OpenApiOperation = Record<string, unknown> & {
  operationId: string;
  responses: Record<string, unknown>;
  'x-required-scope'?: Scope;
};

/** Extension naming the scope an API key needs for an operation. */
export const SCOPE_EXTENSION = 'x-required-scope';

/** Extension listing what a handler reads that its `@ApiRoute` does not name (a body, a query parameter, a header). */
export const UNDOCUMENTED_INPUTS_EXTENSION = 'x-undocumented-inputs';

/** The security schemes every authenticated route accepts: both travel as `Authorization: Bearer`. */
const securitySchemes = {
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "An access token from the identity provider (OIDC): issuer, audience and expiry are checked against the IdP's JWKS.",
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key sent as the bearer credential, bounded by its scopes (the operation lists the one it needs). A key allowed to act for people names the person in the `On-Behalf-Of` header; the event then records both.',
  },
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'A stable code: invalid_request, unauthenticated, forbidden, not_found, conflict, ...' },
        message: { type: 'string', description: 'What went wrong, for a person to read; a 400 names each bad field (`field: problem`).' },
        details: { description: 'Structured details; a 400 lists `issues: [{ field, message }]`.' },
      },
    },
  },
};

/** The errors of every API, each in the shared shape with an example. */
const errorResponses: Record<number, { name: string; description: string; code: string; message: string; details?: unknown }> = {
  400: {
    name: 'BadRequest',
    description: 'An input is invalid; the message and `details.issues` name each bad field.',
    code: 'invalid_request',
    message: 'justification: must not be empty',
    details: { issues: [{ field: 'justification', message: 'must not be empty' }] },
  },
  401: {
    name: 'Unauthenticated',
    description: 'No bearer credential, or one that is invalid or expired.',
    code: 'unauthenticated',
    message: 'missing Authorization header: send "Authorization: Bearer <token or API key>"',
  },
  403: {
    name: 'Forbidden',
    description: 'The caller may not do this (a missing scope is named).',
    code: 'forbidden',
    message: 'the API key lacks the scope requests:create',
  },
  404: {
    name: 'NotFound',
    description: 'Nothing the caller may see has this id.',
    code: 'not_found',
    message: 'no request 5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10',
  },
  409: {
    name: 'Conflict',
    description: 'The request conflicts with the current state.',
    code: 'conflict',
    message: 'the request is already decided',
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is over the size limit.',
    code: 'payload_too_large',
    message: 'request entity too large',
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'A body sent without `Content-Type: application/json`; it is not read.',
    code: 'unsupported_media_type',
    message: 'Content-Type: expected application/json, got none; the body was not read',
  },
  429: {
    name: 'RateLimited',
    description: 'Too many requests from this caller; `Retry-After` says when to try again.',
    code: 'rate_limited',
    message: 'too many requests',
  },
};

/** Service-wide text of a document. */
export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

/** Extension marking an operation served by Express middleware rather than a controller, documented by hand. */
export const MIDDLEWARE_EXTENSION = 'x-served-by-middleware';

/**
 * Routes a service answers outside Nest's controllers (intake's web app, Express middleware ahead
 * of them), written out by hand, with the security schemes they use. Each operation carries
 * `x-served-by-middleware: true`, which the document tests read: Express's router does not list them.
 */
export interface HandWrittenPaths {
  paths: OpenApiDocument['paths'];
  securitySchemes?: Record<string, Record<string, unknown>>;
}

/**
 * Builds the OpenAPI document of every HTTP route the application registers, from the routes'
 * own metadata: path and method (Nest's), the scope (`@RequireScope`), `@Public()`, and the zod
 * schemas of `@ApiRoute`. A route without `@ApiRoute` is still listed, marked undocumented, so
 * the tests that compare the document with the router catch it.
 */
export function buildOpenApiDocument(app: INestApplication, info: DocumentInfo, handWritten?: HandWrittenPaths): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [path, operations] of Object.entries(handWritten?.paths ?? {})) {
    paths[path] = Object.fromEntries(
      Object.entries(operations).map(([method, operation]) => [method, { ...operation, [MIDDLEWARE_EXTENSION]: true }]),
    );
  }
  for (const route of routesOf(app)) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { ...securitySchemes, ...handWritten?.securitySchemes },
      schemas: { Error: errorSchema },
      responses: Object.fromEntries(
        Object.values(errorResponses).map(({ name, description, code, message, details }) => [
          name,
          {
            description,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/Error' },
                example: { error: { code, message, ...(details ? { details } : {}) } },
              },
            },
          },
        ]),
      ),
    },
  };
}

/** An HTTP route as the application registers it. */
export interface RegisteredRoute {
  method: string;
  /** Express-style path (`/v1/requests/:id`). */
  path: string;
  controller: Function;
  handler: Function;
  handlerName: string;
}

/** Every HTTP route of the application's controllers, read from Nest's own metadata. */
export function routesOf(app: INestApplication): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const handlerName of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[handlerName];
        if (typeof handler !== 'function' || handlerName === 'constructor') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        for (const prefix of prefixes.length ? prefixes : ['/']) {
          for (const path of asArray(paths)) {
            routes.push({ method: RequestMethod[method].toLowerCase(), path: joinPath(prefix, path), controller, handler, handlerName });
          }
        }
      }
    }
  }
  return routes;
}

function operationOf(route: RegisteredRoute): OpenApiOperation {
  const spec = Reflect.getMetadata(API_ROUTE, route.handler) as ApiRouteSpec | undefined;
  const isPublic = Boolean(Reflect.getMetadata(PUBLIC_ROUTE, route.handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, route.controller));
  const scope = (Reflect.getMetadata(REQUIRED_SCOPE, route.handler) ?? Reflect.getMetadata(REQUIRED_SCOPE, route.controller)) as
    Scope | undefined;
  const parameters = parametersOf(route.path, spec);
  const undocumentedInputs = spec ? undocumentedInputsOf(route, spec) : [];
  const description = [spec?.description, scope ? `API keys need the scope \`${scope}\`.` : undefined].filter(Boolean).join('\n\n');

  return {
    operationId: `${route.controller.name.replace(/Controller$/, '')}.${route.handlerName}`,
    summary: spec?.summary ?? 'Undocumented route',
    ...(description ? { description } : {}),
    tags: [route.path.split('/').filter((s) => s && !/^v\d+$/.test(s))[0] ?? 'service'],
    ...(spec ? {} : { 'x-undocumented': true }),
    ...(undocumentedInputs.length ? { [UNDOCUMENTED_INPUTS_EXTENSION]: undocumentedInputs } : {}),
    ...(scope ? { [SCOPE_EXTENSION]: scope } : {}),
    security: isPublic ? [] : [{ bearerJwt: [] }, { apiKey: scope ? [scope] : [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(spec?.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchemaOf(spec.body),
                ...(spec.bodyExample === undefined ? {} : { example: spec.bodyExample }),
              },
            },
          },
        }
      : {}),
    responses: responsesOf(route, spec, isPublic),
  };
}

/** The success answer, then every error the route can give, each a reference to the shared ones. */
function responsesOf(route: RegisteredRoute, spec: ApiRouteSpec | undefined, isPublic: boolean): Record<string, unknown> {
  const status = String(Reflect.getMetadata(HTTP_CODE_METADATA, route.handler) ?? (route.method === 'post' ? 201 : 200));
  const errors = new Set<number>(spec?.errors ?? []);
  if (spec?.body || spec?.query || spec?.params || spec?.headers) errors.add(400);
  if (spec?.body) errors.add(413).add(415);
  if (!isPublic) errors.add(401).add(403).add(429);
  const response = spec?.response;
  const contentTypes = response?.contentTypes ?? (response?.example === undefined ? [] : ['application/json']);
  const content = Object.fromEntries(
    contentTypes.map((type) => [type, type === 'application/json' && response?.example !== undefined ? { example: response.example } : {}]),
  );
  return {
    [status]: { description: response?.description ?? 'Success', ...(contentTypes.length ? { content } : {}) },
    ...Object.fromEntries(
      [...errors].sort((a, b) => a - b).map((code) => [String(code), { $ref: `#/components/responses/${errorResponses[code].name}` }]),
    ),
  };
}

// Headers OpenAPI describes elsewhere (content types, security schemes): a parameter may not name them.
const describedElsewhere = new Set(['accept', 'content-type', 'authorization']);

/**
 * What the handler takes from the request (Nest's `@Body()`, `@Query()`, `@Headers()`) that the
 * route's `@ApiRoute` does not name: an input the document would leave out and the schema not check.
 */
function undocumentedInputsOf(route: RegisteredRoute, spec: ApiRouteSpec): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ?? {}) as Record<string, { data?: unknown }>;
  const queryNames = Object.keys(spec.query?.shape ?? {});
  const headerNames = Object.keys(spec.headers ?? {}).map((name) => name.toLowerCase());
  return Object.entries(args).flatMap(([key, { data }]) => {
    const type = Number(key.split(':')[0]);
    const name = typeof data === 'string' ? data : undefined;
    if (type === RouteParamtypes.BODY && !spec.body) return [name ? `body.${name}` : 'body'];
    if (type === RouteParamtypes.QUERY && (name ? !queryNames.includes(name) : !spec.query)) return [name ? `query.${name}` : 'query'];
    if (
      type === RouteParamtypes.HEADERS &&
      (!name || !(describedElsewhere.has(name.toLowerCase()) || headerNames.includes(name.toLowerCase())))
    ) {
      return [`header ${name ?? '(all)'}`];
    }
    return [];
  });
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Record<string, unknown>;
}

function parametersOf(path: string, spec: ApiRouteSpec | undefined): Parameter[] {
  const inPath = [...path.matchAll(/:(\w+)/g)].map(([, name]) => name);
  const pathParameters = inPath.map((name): Parameter => {
    const schema = spec?.params?.[name];
    return { name, in: 'path', required: true, schema: schema ? jsonSchemaOf(schema) : { type: 'string' } };
  });
  const query = spec?.query ? jsonSchemaOf(spec.query) : undefined;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const queryParameters = Object.entries((query?.properties as Record<string, Record<string, unknown>> | undefined) ?? {}).map(
    ([name, schema]): Parameter => ({ name, in: 'query', required: required.has(name), schema }),
  );
  const headerParameters = Object.entries(spec?.headers ?? {}).map(([name, schema]): Parameter => ({
    name,
    in: 'header',
    required: !schema.safeParse(undefined).success,
    schema: jsonSchemaOf(schema),
  }));
  return [...pathParameters, ...queryParameters, ...headerParameters];
}

/** The JSON Schema of what a zod schema accepts (its input side, before transforms and defaults). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `v1/requests` and `:id/cancel` as `/v1/requests/:id/cancel`. */
function joinPath(prefix: string, path: string): string {
  const segments = [prefix, path].flatMap((part) => part.split('/')).filter(Boolean);
  return `/${segments.join('/')}`;
}
