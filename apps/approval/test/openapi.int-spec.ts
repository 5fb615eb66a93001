import { connectTestNats, deleteTopology } from '@jit/events/testing';
import { checkedOpenApi, startTestService } from '@jit/platform/testing';
import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { approvalService } from '../src/service.js';

describe('approval OpenAPI', () => {
  let sim: VendorSim;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let document: any;
  let scopes: Record<string, string | undefined>;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0 });
    service = await startTestService(approvalService, {
      name: 'approval_openapi',
      env: { JIT_DEMO_API_KEY: 'approval-openapi-key-0123456789', OKTA_ORG_URL: sim.url, OKTA_API_TOKEN: 'okta-token' },
    });
    const checked = await checkedOpenApi(service.app, service.url);
    document = checked.document;
    scopes = checked.scopes;
  });
  afterAll(async () => {
    await service?.stop();
    if (service) await removeStreams(service.topology);
    await sim?.close();
  });

  it('serves, without a token, a valid OpenAPI 3.1 document of every route the app registers and every input its handlers read, each with its scope', () => {
    expect(scopes).toEqual({
      'GET /healthz': undefined,
      'GET /readyz': undefined,
      'GET /metrics': undefined,
      'GET /v1/approvals': 'approvals:decide',
      'POST /v1/approvals/:requestId/decision': 'approvals:decide',
      'POST /slack/events': undefined,
      'POST /v1/policy/dry-run': 'admin',
    });
  });

  it('documents the decision from the schemas that validate it, and the Slack endpoint as signed by Slack rather than by a bearer token', () => {
    const decide = document.paths['/v1/approvals/{requestId}/decision'].post;
    expect(decide.requestBody.content['application/json'].schema.properties.decision).toEqual({
      type: 'string',
      enum: ['approve', 'deny'],
    });
    expect(decide.parameters).toContainEqual(
      expect.objectContaining({ name: 'requestId', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) }),
    );
    expect(Object.keys(decide.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '429']);

    const slack = document.paths['/slack/events'].post;
    expect(slack.security).toEqual([]);
    expect(Object.keys(slack.responses).sort()).toEqual(['200', '400', '401', '404']);
  });
});

async function removeStreams(topology: Parameters<typeof deleteTopology>[1]): Promise<void> {
  const nc = await connectTestNats();
  await deleteTopology(nc, topology);
  await nc.close();
}
