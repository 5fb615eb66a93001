import { connectTestNats, deleteTopology } from '@jit/events/testing';
import { checkedOpenApi, startTestService } from '@jit/platform/testing';
import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../src/service.js';
import { simulatorEnv } from './support/vendor-env.js';

describe('provisioner OpenAPI', () => {
  let sim: VendorSim;
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0 });
    service = await startTestService(provisionerService, {
      name: 'provisioner_openapi',
      env: simulatorEnv(sim, { JIT_DEMO_API_KEY: 'provisioner-openapi-key-0123456789', RECONCILE_INTERVAL_MS: '3600000' }),
    });
  });
  afterAll(async () => {
    await service?.stop();
    if (service) await removeStreams(service.topology);
    await sim?.close();
  });

  it('serves, without a token, a valid OpenAPI 3.1 document of every route the app registers and every input its handlers read, each with its scope', async () => {
    const { document: checked, scopes } = await checkedOpenApi(service.app, service.url);
    const document = checked as any;

    expect(scopes).toEqual({
      'GET /healthz': undefined,
      'GET /readyz': undefined,
      'GET /metrics': undefined,
      'POST /v1/reconciliations': 'admin',
      'GET /v1/reconciliations/latest': 'admin',
    });
    expect(document.paths['/v1/reconciliations'].post.responses).toHaveProperty('409');
  });
});

async function removeStreams(topology: Parameters<typeof deleteTopology>[1]): Promise<void> {
  const nc = await connectTestNats();
  await deleteTopology(nc, topology);
  await nc.close();
}
