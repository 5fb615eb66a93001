import { checkedOpenApi } from '@jit/platform/testing';
import { startIntake, type IntakeHarness } from './support/intake.js';

describe('intake OpenAPI', () => {
  let intake: IntakeHarness;

  beforeAll(async () => {
    intake = await startIntake('intake_openapi');
  });
  afterAll(() => intake?.close());

  it('serves, without a token, a valid OpenAPI 3.1 document of every route the app registers and every input its handlers read, each with its scope', async () => {
    const { scopes } = await checkedOpenApi(intake.app, intake.url);

    expect(scopes).toEqual({
      'GET /healthz': undefined,
      'GET /readyz': undefined,
      'GET /metrics': undefined,
      'GET /v1/applications': 'requests:read',
      'POST /v1/requests': 'requests:create',
      'GET /v1/requests': 'requests:read',
      'GET /v1/requests/:id': 'requests:read',
      'POST /v1/requests/:id/cancel': 'requests:create',
      'POST /v1/requests/:id/revoke': 'requests:create',
      'POST /v1/requests/:id/extend': 'requests:create',
      'POST /v1/admin/keys': 'admin',
      'GET /v1/admin/keys': 'admin',
      'POST /v1/admin/keys/:id/rotate': 'admin',
      'POST /v1/admin/keys/:id/revoke': 'admin',
      // The web app's routes, Express middleware documented by hand: sign-in is public, the rest needs its session.
      'GET /auth/login': undefined,
      'GET /auth/callback': undefined,
      'POST /auth/logout': 'web session',
      'GET /web/session': 'web session',
      'GET /web/api/:path': 'web session',
      'POST /web/api/:path': 'web session',
    });
  });

  it('serves every hand-written route of the web app, answering a caller without a session as its entry says', async () => {
    const document = (await (await fetch(`${intake.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { 'x-served-by-middleware'?: boolean; responses: Record<string, unknown> }>>;
    };
    const answers: Record<string, { status: number; documented: boolean }> = {};
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation['x-served-by-middleware']) continue;
        const response = await fetch(`${intake.url}${path.replace('{path}', 'v1/requests')}`, {
          method: method.toUpperCase(),
          redirect: 'manual',
        });
        answers[`${method.toUpperCase()} ${path}`] = {
          status: response.status,
          documented: String(response.status) in operation.responses,
        };
      }
    }
    expect(answers).toEqual({
      // This harness's IdP issuer answers nothing: sign-in cannot start (the web e2e tests sign in for real).
      'GET /auth/login': { status: 503, documented: true },
      'GET /auth/callback': { status: 400, documented: true },
      'POST /auth/logout': { status: 403, documented: true },
      'GET /web/session': { status: 401, documented: true },
      'GET /web/api/{path}': { status: 401, documented: true },
      'POST /web/api/{path}': { status: 401, documented: true },
    });
  });

  it('documents the request body, its example and every error of POST /v1/requests from the schema that validates it', async () => {
    const document = (await (await fetch(`${intake.url}/docs-json`)).json()) as any;
    const submit = document.paths['/v1/requests'].post;

    expect(submit.requestBody.content['application/json'].schema.required).toEqual(['applicationId', 'justification']);
    expect(submit.requestBody.content['application/json'].example).toMatchObject({ applicationId: expect.any(String) });
    expect(Object.keys(submit.responses).sort()).toEqual(['202', '400', '401', '403', '409', '413', '415', '429']);
    expect(submit.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(submit.security).toEqual([{ bearerJwt: [] }, { apiKey: ['requests:create'] }]);
    expect(document.components.securitySchemes).toMatchObject({
      bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'http', scheme: 'bearer' },
    });
  });

  it('serves Swagger UI at /docs from its own files, with no script or stylesheet from elsewhere', async () => {
    const page = await fetch(`${intake.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*href)=["']([^"']+)["']/g)].map(([, src]) => src);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(src, page.url));
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
  });
});
