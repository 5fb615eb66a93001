import type { INestApplication } from '@nestjs/common';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { DOCS_PATH, DOCS_JSON_PATH } from './setup.js';
import { MIDDLEWARE_EXTENSION, SCOPE_EXTENSION, UNDOCUMENTED_INPUTS_EXTENSION, type OpenApiDocument } from './document.js';

/** One HTTP route: method and Express-style path. */
export interface RouteKey {
  method: string;
  path: string;
}

/**
 * Every HTTP route the application answers, read from Express's router itself (not from Nest's
 * metadata, which the document is built from), leaving out the documentation's own routes and
 * wildcard mounts (middleware such as the request logger, bound to every path and method).
 */
export function routerRoutes(app: INestApplication): RouteKey[] {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack
    .flatMap(({ route }) => (route ? Object.keys(route.methods).map((method) => ({ method, path: route.path })) : []))
    .filter(({ path }) => !path.includes('*'))
    .filter(({ path }) => path !== DOCS_JSON_PATH && path !== DOCS_PATH && !path.startsWith(`${DOCS_PATH}/`))
    .sort(byRoute);
}

/**
 * Every operation of a document as a route (`{id}` written `:id`), with the scope it states and
 * whether it is undocumented: no `@ApiRoute`, or a handler that reads an input it does not name.
 */
export function documentedRoutes(
  document: OpenApiDocument,
): (RouteKey & { scope?: string; undocumented: boolean | string[]; middleware: boolean })[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method,
        path: path.replace(/\{(\w+)\}/g, ':$1'),
        scope: operation[SCOPE_EXTENSION],
        middleware: operation[MIDDLEWARE_EXTENSION] === true,
        undocumented: operation['x-undocumented'] === true || ((operation[UNDOCUMENTED_INPUTS_EXTENSION] as string[] | undefined) ?? false),
      })),
    )
    .sort(byRoute);
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

// The part of OpenAPI 3.1 the services emit, checked strictly enough to catch a malformed document:
// the official meta-schema is not among the installed packages.
const Parameter = z.object({
  name: z.string().min(1),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  required: z.boolean().optional(),
  description: z.string().optional(),
  schema: z.record(z.string(), z.unknown()),
});
const MediaType = z.object({ schema: z.record(z.string(), z.unknown()).optional(), example: z.unknown().optional() }).strict();
const Response = z.union([
  z.object({ $ref: z.string().startsWith('#/components/responses/') }).strict(),
  z.object({ description: z.string(), content: z.record(z.string(), MediaType).optional() }).strict(),
]);
const operationFields = {
  operationId: z.string().min(1),
  summary: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  parameters: z.array(Parameter).optional(),
  requestBody: z
    .object({ required: z.boolean().optional(), content: z.record(z.string(), MediaType) })
    .strict()
    .optional(),
  responses: z.record(z.string().regex(/^[1-5]\d\d$/), Response).refine((r) => Object.keys(r).length > 0, 'at least one response'),
};
const Operation = z
  .object(operationFields)
  .catchall(z.unknown())
  .refine((o) => Object.keys(o).every((k) => k.startsWith('x-') || k in operationFields), 'only OpenAPI fields or x- extensions');
const Document = z.object({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.object({ title: z.string().min(1), version: z.string().min(1), description: z.string().optional() }),
  paths: z.record(z.string().startsWith('/'), z.partialRecord(z.enum(methods), Operation)),
  components: z.object({
    securitySchemes: z.record(
      z.string(),
      z.object({ type: z.enum(['http', 'apiKey', 'oauth2', 'openIdConnect']), scheme: z.string().optional() }).loose(),
    ),
    schemas: z.record(z.string(), z.record(z.string(), z.unknown())),
    responses: z.record(z.string(), z.object({ description: z.string(), content: z.record(z.string(), MediaType).optional() }).strict()),
  }),
});

/**
 * What is wrong with an OpenAPI document: its shape, path parameters that are not declared (or not
 * required), references and security schemes that do not resolve, JSON Schemas that do not compile
 * (draft 2020-12, strict), and examples their schema refuses. Empty when it is valid.
 */
export function openApiProblems(raw: unknown): string[] {
  const parsed = Document.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const document = raw as OpenApiDocument & {
    components: { securitySchemes: object; schemas: Record<string, unknown>; responses: object };
  };
  const problems: string[] = [];
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addKeyword('example');
  const compile = (where: string, schema: unknown): ((value: unknown) => boolean) | undefined => {
    try {
      const validate = ajv.compile(schema as object);
      return (value) => {
        const valid = validate(value);
        if (!valid) problems.push(`${where}: example refused: ${ajv.errorsText(validate.errors)}`);
        return valid;
      };
    } catch (error) {
      problems.push(`${where}: schema does not compile: ${(error as Error).message}`);
      return undefined;
    }
  };
  compile('components.schemas.Error', document.components.schemas.Error);
  for (const [path, operations] of Object.entries(document.paths)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      const parameters = (operation.parameters ?? []) as z.infer<typeof Parameter>[];
      for (const name of templated) {
        const declared = parameters.find((p) => p.in === 'path' && p.name === name);
        if (!declared?.required) problems.push(`${where}: path parameter ${name} is not declared as required`);
      }
      for (const p of parameters) {
        if (p.in === 'path' && !templated.includes(p.name)) problems.push(`${where}: path parameter ${p.name} is not in the path`);
        compile(`${where} parameter ${p.name}`, p.schema);
      }
      const body = (operation.requestBody as { content: Record<string, { schema?: unknown; example?: unknown }> } | undefined)?.content;
      for (const [type, media] of Object.entries(body ?? {})) {
        const validate = media.schema ? compile(`${where} body ${type}`, media.schema) : undefined;
        if (validate && media.example !== undefined) validate(media.example);
      }
      for (const response of Object.values(operation.responses)) {
        const ref = (response as { $ref?: string }).$ref;
        if (ref && !(ref.split('/').at(-1)! in document.components.responses)) problems.push(`${where}: ${ref} does not resolve`);
      }
      for (const requirement of operation.security as Record<string, string[]>[]) {
        for (const scheme of Object.keys(requirement)) {
          if (!(scheme in document.components.securitySchemes)) problems.push(`${where}: security scheme ${scheme} is not declared`);
        }
      }
    }
  }
  return problems;
}

function byRoute(a: RouteKey, b: RouteKey): number {
  return `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`);
}

/**
 * The scope each documented route states, keyed `METHOD /path/:param`; a route needing none maps to
 * undefined, and a hand-written route of middleware that needs the web app's session to `web session`.
 */
export function routeScopes(document: OpenApiDocument): Record<string, string | undefined> {
  return Object.fromEntries(
    documentedRoutes(document).map((r) => {
      const operation = document.paths[r.path.replace(/:(\w+)/g, '{$1}')]![r.method]!;
      const needsSession = r.middleware && ((operation.security as unknown[] | undefined)?.length ?? 0) > 0;
      return [`${r.method.toUpperCase()} ${r.path}`, needsSession ? 'web session' : r.scope];
    }),
  );
}

/** A service's OpenAPI document once checked whole, and the scope it states for each route. */
export interface CheckedOpenApi {
  document: OpenApiDocument;
  scopes: Record<string, string | undefined>;
}

/**
 * Reads a running service's `/docs-json` without a token and checks it whole: a valid document,
 * exactly the routes Express's router answers (and the hand-written ones of middleware, which the
 * router does not list and the service's own tests call), none undocumented. Throws naming what is wrong.
 */
export async function checkedOpenApi(app: INestApplication, url: string): Promise<CheckedOpenApi> {
  const response = await fetch(`${url}${DOCS_JSON_PATH}`);
  if (response.status !== 200) throw new Error(`${DOCS_JSON_PATH} answered ${response.status}`);
  const document = (await response.json()) as OpenApiDocument;
  const problems = openApiProblems(document);
  const documented = documentedRoutes(document);
  const listed = documented.filter(({ middleware }) => !middleware).map(({ method, path }) => `${method} ${path}`);
  const routed = routerRoutes(app).map(({ method, path }) => `${method} ${path}`);
  problems.push(...routed.filter((route) => !listed.includes(route)).map((route) => `${route}: served but not in the document`));
  problems.push(...listed.filter((route) => !routed.includes(route)).map((route) => `${route}: in the document but not served`));
  problems.push(
    ...documented
      .filter((route) => route.undocumented)
      .map((route) => `${route.method} ${route.path}: undocumented (${String(route.undocumented)})`),
  );
  if (problems.length > 0) throw new Error(`the OpenAPI document does not describe the service:\n${problems.join('\n')}`);
  return { document, scopes: routeScopes(document) };
}
