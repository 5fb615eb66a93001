import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { SimContext } from '../context.js';
import { faultMiddleware } from '../faults/middleware.js';
import { requestPath } from '../http/request-path.js';
import { sendBodyNotWellFormed, sendOktaError } from './errors.js';
import { oktaGroupRouter } from './group-routes.js';
import { oktaUserRouter } from './user-routes.js';

/** Sets `X-Rate-Limit-*` on every response and answers 429 (E0000047) once the per-minute budget is spent. */
function rateLimit(ctx: SimContext): RequestHandler {
  return (_req, res, next) => {
    const decision = ctx.oktaRateLimit.take();
    res.setHeader('X-Rate-Limit-Limit', String(decision.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(decision.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(decision.resetAt));
    if (decision.allowed) return next();
    sendOktaError(res, 429);
  };
}

/** Okta's API-token scheme: `Authorization: SSWS <token>`; anything else is E0000011. */
function requireApiToken(ctx: SimContext): RequestHandler {
  return (req, res, next) => {
    const match = /^SSWS (\S+)$/.exec(req.get('authorization') ?? '');
    const expected = ctx.credentials.oktaApiToken;
    if (match && (expected === undefined || match[1] === expected)) return next();
    sendOktaError(res, 401);
  };
}

/** Okta's management API subset: users and their lifecycle, groups and group membership. Mounted at `/api/v1`. */
export function oktaManagementRouter(ctx: SimContext): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('X-Okta-Request-Id', randomUUID());
    next();
  });
  // Every operation below counts against the one per-minute budget, as Okta's org-wide limits do.
  router.use(rateLimit(ctx));
  router.use(faultMiddleware('okta', ctx.faults, (res, status) => sendOktaError(res, status)));
  router.use(requireApiToken(ctx));
  router.use(express.json());

  router.use('/users', oktaUserRouter(ctx));
  router.use('/groups', oktaGroupRouter(ctx));

  router.use((req, res) => sendOktaError(res, 404, `Not found: Resource not found: ${requestPath(req)}`));
  router.use(((err: { type?: string }, _req, res, next) => {
    if (err.type !== 'entity.parse.failed') return next(err);
    sendBodyNotWellFormed(res);
  }) as ErrorRequestHandler);
  return router;
}
