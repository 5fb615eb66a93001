import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTopology, natsAuthorizationBlock } from '@jit/events';
import { PrivateNatsServer } from '@jit/events/testing';
import { connectBus, loadConfig } from '@jit/platform';

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, as deploy/nats/README.md makes them. */
function makeCertificates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jit-nats-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=jit-test-ca');
  openssl('req', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=nats');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    'server.pem',
    '-extfile',
    'ext.cnf',
  );
  return dir;
}

describe('the bus over TLS', () => {
  const certs = makeCertificates();
  let server: PrivateNatsServer;
  const service = { name: 'intake', defaultPort: 0 };

  beforeAll(async () => {
    const tls = `tls { cert_file: "${certs}/server.pem", key_file: "${certs}/server-key.pem", ca_file: "${certs}/ca.pem", timeout: 2 }`;
    server = await PrivateNatsServer.start({ config: `${tls}\n${natsAuthorizationBlock(defaultTopology, { intake: { password: 'p' } })}` });
  });
  afterAll(() => server?.stop());

  it('logs in over TLS trusting the CA in NATS_TLS_CA', async () => {
    const config = loadConfig(service, {
      JIT_MODE: 'local',
      NATS_URL: server.url,
      NATS_USER: 'intake',
      NATS_PASSWORD: 'p',
      NATS_TLS_CA: join(certs, 'ca.pem'),
    });
    const nc = await connectBus(config, 'intake', { reconnect: false });
    try {
      expect(nc.info?.tls_required).toBe(true);
      await nc.flush();
    } finally {
      await nc.close();
    }
  });

  it('refuses a server whose certificate no configured CA signed', async () => {
    const config = loadConfig(service, { JIT_MODE: 'local', NATS_URL: server.url, NATS_USER: 'intake', NATS_PASSWORD: 'p' });
    await expect(connectBus(config, 'intake', { reconnect: false, timeout: 3000 })).rejects.toThrow(
      'unable to verify the first certificate',
    );
  });
});
