import { loadConfig } from '@jit/platform';
import { intakeService } from '../src/service.js';
import { webSettingsOf } from '../src/web/web.config.js';

describe('the web app configuration', () => {
  const production = {
    DATABASE_URL: 'postgres://intake:Vb6-operator-chosen-3q@db.internal:5432/jit',
    NATS_USER: 'intake',
    NATS_PASSWORD: 'Nt8-operator-chosen-bus-4r',
    CATALOG_FILE: '/etc/jit/catalog.json',
    OIDC_ISSUER: 'https://acme.okta.com/oauth2/default',
  };
  const web = {
    WEB_OIDC_CLIENT_ID: '0oa1jitaccessweb',
    WEB_OIDC_CLIENT_SECRET: 'k3J9vQ2mX7pL5nR8wT4yZ6',
    WEB_SESSION_SECRET: 'hQ4-operator-chosen-cookie-key-29fLx7',
    WEB_PUBLIC_URL: 'https://jit.acme.example',
    APPROVAL_URL: 'https://approval.jit.internal',
    AUDIT_URL: 'https://audit.jit.internal',
  };

  it('outside local mode, names every setting the web app needs once its client id is set', () => {
    const attempt = () => loadConfig(intakeService, { ...production, WEB_OIDC_CLIENT_ID: '0oa1jitaccessweb' });
    for (const name of ['WEB_OIDC_CLIENT_SECRET', 'WEB_SESSION_SECRET', 'WEB_PUBLIC_URL', 'APPROVAL_URL', 'AUDIT_URL']) {
      expect(attempt).toThrow(new RegExp(`${name}: required outside local mode`));
    }
  });

  it('outside local mode, refuses placeholder or short secrets and a public URL that is not https', () => {
    const attempt = () =>
      loadConfig(intakeService, {
        ...production,
        ...web,
        WEB_OIDC_CLIENT_SECRET: 'demo-client-secret-000000',
        WEB_SESSION_SECRET: 'too-short',
        WEB_PUBLIC_URL: 'http://jit.acme.example',
      });
    expect(attempt).toThrow(/WEB_OIDC_CLIENT_SECRET: is a demo or test value/);
    expect(attempt).toThrow(/WEB_SESSION_SECRET: is too short/);
    expect(attempt).toThrow(/WEB_PUBLIC_URL: must be an https:\/\/ URL/);
  });

  it('outside local mode the web app is off until its client is configured, and on with every setting given', () => {
    expect(webSettingsOf(loadConfig(intakeService, production)).enabled).toBe(false);
    expect(webSettingsOf(loadConfig(intakeService, { ...production, ...web }))).toMatchObject({
      enabled: true,
      clientId: '0oa1jitaccessweb',
      publicUrl: 'https://jit.acme.example',
      approvalUrl: 'https://approval.jit.internal',
    });
  });

  it('in local mode it is on with the simulator client and a session secret of its own', () => {
    const settings = webSettingsOf(loadConfig(intakeService, { JIT_MODE: 'local' }));
    expect(settings).toMatchObject({ enabled: true, local: true, approvalUrl: 'http://127.0.0.1:3001', auditUrl: 'http://127.0.0.1:3004' });
    expect(settings.sessionSecret.length).toBeGreaterThanOrEqual(32);
  });
});
