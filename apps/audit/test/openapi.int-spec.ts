import { connectTestNats, deleteTopology } from '@jit/events/testing';
import { checkedOpenApi, startTestService } from '@jit/platform/testing';
import { auditService } from '../src/service.js';

describe('audit OpenAPI', () => {
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    service = await startTestService(auditService, {
      name: 'audit_openapi',
      env: { JIT_DEMO_API_KEY: 'audit-openapi-key-0123456789', AUDITORS: 'dave@example.com' },
    });
  });
  afterAll(async () => {
    await service?.stop();
    if (service) await removeStreams(service.topology);
  });

  it('serves, without a token, a valid OpenAPI 3.1 document of every route the app registers and every input its handlers read, each with its scope and query parameters', async () => {
    const { document: checked, scopes } = await checkedOpenApi(service.app, service.url);
    const document = checked as any;

    expect(scopes).toEqual({
      'GET /healthz': undefined,
      'GET /readyz': undefined,
      'GET /metrics': undefined,
      'GET /v1/audit/events': 'audit:read',
      'GET /v1/audit/access-report': 'audit:read',
      'GET /v1/audit/requests/:id/timeline': 'audit:read',
      'GET /v1/audit/verify': 'audit:read',
      'GET /v1/audit/checkpoints': 'audit:read',
      'POST /v1/audit/checkpoints': 'audit:read',
      'GET /v1/audit/lingering': 'audit:read',
    });
    const events = document.paths['/v1/audit/events'].get;
    expect(events.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:requestId', 'query:type', 'query:from', 'query:cursor', 'query:limit']),
    );
    expect(Object.keys(document.paths['/v1/audit/access-report'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
  });
});

async function removeStreams(topology: Parameters<typeof deleteTopology>[1]): Promise<void> {
  const nc = await connectTestNats();
  await deleteTopology(nc, topology);
  await nc.close();
}
