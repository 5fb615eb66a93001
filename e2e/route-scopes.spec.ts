import 'reflect-metadata';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { HealthController, PUBLIC_ROUTE, REQUIRED_SCOPE, SCOPES, type ServiceDefinition } from '@jit/platform';
import { approvalService } from '../apps/approval/src/service.js';
import { auditService } from '../apps/audit/src/service.js';
import { intakeService } from '../apps/intake/src/service.js';
import { provisionerService } from '../apps/provisioner/src/service.js';
import { schedulerService } from '../apps/scheduler/src/service.js';

const definitions: ServiceDefinition[] = [intakeService, approvalService, provisionerService, schedulerService, auditService];

interface DynamicModule {
  module: Function;
  controllers?: Function[];
  imports?: Module[];
}

type Module = Function | DynamicModule | Promise<unknown>;

/** Every controller a module brings, through its imports, whether the module is a class or a dynamic module. */
function controllersOf(module: Module, seen = new Set<unknown>()): Function[] {
  if (!module || seen.has(module) || module instanceof Promise) return [];
  seen.add(module);
  const type = typeof module === 'function' ? module : module.module;
  const dynamic: Partial<DynamicModule> = typeof module === 'function' ? {} : module;
  const controllers: Function[] = [...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []), ...(dynamic.controllers ?? [])];
  const imports: Module[] = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []), ...(dynamic.imports ?? [])];
  return [...controllers, ...imports.flatMap((imported) => controllersOf(imported, seen))];
}

/** Every route handler of a controller: `METHOD /path` and its function. */
function routesOf(controller: Function): { route: string; handler: Function }[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .map((name) => prototype[name])
    .filter((handler): handler is Function => typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
    .map((handler) => {
      const method = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD'][
        Reflect.getMetadata(METHOD_METADATA, handler) as number
      ];
      const path = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)]
        .map((part: string) => part.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/');
      return { route: `${method} /${path}`, handler };
    });
}

function declaration(controller: Function, handler: Function): string | undefined {
  const scope = Reflect.getMetadata(REQUIRED_SCOPE, handler) ?? Reflect.getMetadata(REQUIRED_SCOPE, controller);
  if (scope !== undefined) return SCOPES.includes(scope) ? `scope ${scope}` : undefined;
  return Reflect.getMetadata(PUBLIC_ROUTE, handler) === true || Reflect.getMetadata(PUBLIC_ROUTE, controller) === true
    ? 'public'
    : undefined;
}

describe('every route states what it needs', () => {
  const routes = definitions.flatMap((definition) =>
    [HealthController, ...new Set(definition.imports.flatMap((module) => controllersOf(module as Module)))].flatMap((controller) =>
      routesOf(controller).map(({ route, handler }) => ({ service: definition.name, route, need: declaration(controller, handler) })),
    ),
  );

  it('finds the routes of every service (the walk itself works)', () => {
    expect(routes.map((r) => `${r.service} ${r.route}`)).toEqual(
      expect.arrayContaining([
        'intake POST /v1/requests',
        'intake POST /v1/admin/keys',
        'approval POST /v1/approvals/:requestId/decision',
        'approval POST /slack/events',
        'audit GET /v1/audit/verify',
        'provisioner POST /v1/reconciliations',
        'scheduler GET /healthz',
      ]),
    );
  });

  it('no route has neither @RequireScope (with a known scope) nor @Public, so none can slip past the scope check', () => {
    expect(routes.filter((r) => r.need === undefined).map((r) => `${r.service} ${r.route}`)).toEqual([]);
  });

  it('maps each API to the scope the issue names', () => {
    const needs = Object.fromEntries(routes.map((r) => [`${r.service} ${r.route}`, r.need]));
    expect(needs).toMatchObject({
      'intake GET /v1/applications': 'scope requests:read',
      'intake GET /v1/requests/:id': 'scope requests:read',
      'intake POST /v1/requests/:id/cancel': 'scope requests:create',
      'approval POST /v1/approvals/:requestId/decision': 'scope approvals:decide',
      'audit GET /v1/audit/requests/:id/timeline': 'scope audit:read',
      'provisioner GET /v1/reconciliations/latest': 'scope admin',
      'intake POST /v1/admin/keys/:id/revoke': 'scope admin',
      'approval POST /slack/events': 'public',
    });
  });
});
