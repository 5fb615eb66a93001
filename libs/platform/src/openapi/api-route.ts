import { applyDecorators, SetMetadata, UseGuards, UsePipes, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { JsonBodyGuard } from '../http/json-body.js';
import { parseInput } from '../validation.js';

/** Metadata key under which a route records what `@ApiRoute` says about it. */
export const API_ROUTE = 'jit:api-route';

/**
 * An error a route may answer beyond those its inputs and authentication imply (400 with inputs, 413 and 415
 * with a body, 401/403/429 unless public): a public route that checks a signature of its own says 401.
 */
export type DeclaredError = 400 | 401 | 404 | 409;

/**
 * What a route takes and answers. The schemas are the very zod schemas the handler validates with:
 * the document is generated from them and the route refuses, with the one 400, any input they refuse.
 */
export interface ApiRouteSpec {
  summary: string;
  description?: string;
  /** The JSON body. */
  body?: z.ZodType;
  /** An example body, checked against `body` by the OpenAPI tests. */
  bodyExample?: unknown;
  /** The query string, one property per parameter. */
  query?: z.ZodObject;
  /** Path parameters by name; a parameter not named here is documented as a string. */
  params?: Record<string, z.ZodType>;
  /** Request headers by name (documented; a header's handler validates it, as pipes never see headers). */
  headers?: Record<string, z.ZodType>;
  /** The answer on success. */
  response: { description: string; example?: unknown; contentTypes?: string[] };
  errors?: DeclaredError[];
}

/**
 * Documents a route from the schemas that validate it. Body, query and path parameters are checked
 * here, before the handler runs and after the guards (so 401 and 403 still come first); the
 * handler receives its input untouched, so its own `parseInput` with the same schema reads the same.
 * A route with a body refuses one that is not `application/json` (415) rather than run without it.
 */
export function ApiRoute(spec: ApiRouteSpec): MethodDecorator {
  const checks = [SetMetadata(API_ROUTE, spec), UsePipes(new DocumentedInputPipe(spec))];
  if (spec.body) checks.push(UseGuards(JsonBodyGuard));
  return applyDecorators(...checks);
}

/** Refuses an input its route's documented schema refuses. */
class DocumentedInputPipe implements PipeTransform {
  constructor(private readonly spec: ApiRouteSpec) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && this.spec.body && metadata.data === undefined) parseInput(this.spec.body, value ?? {});
    if (metadata.type === 'query' && this.spec.query && metadata.data === undefined)
      parseInput(this.spec.query, value, { where: '(query)' });
    const param = metadata.type === 'param' && metadata.data ? this.spec.params?.[metadata.data] : undefined;
    if (param && metadata.data) parseInput(param, value, { field: metadata.data });
    return value;
  }
}
