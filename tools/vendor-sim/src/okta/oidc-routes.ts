import { Router } from 'express';
import { issuerOf, type SimContext } from '../context.js';
import { faultMiddleware } from '../faults/middleware.js';
import { sendOktaError } from './errors.js';

/** The discovery document and JWKS of Okta's `default` authorization server. Mounted at `/oauth2/default`. */
export function oktaOidcRouter(ctx: SimContext): Router {
  const router = Router();
  router.use(faultMiddleware('okta', ctx.faults, (res, status) => sendOktaError(res, status)));
  router.get(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'], (_req, res) => {
    res.json(ctx.oidc.discovery(issuerOf(ctx)));
  });
  router.get('/v1/keys', (_req, res) => {
    // Okta lets clients cache keys; rotation is announced by a new `kid`.
    res.setHeader('Cache-Control', 'max-age=3600, must-revalidate');
    res.json(ctx.oidc.jwks());
  });
  return router;
}
