import { randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { SimContext } from '../context.js';
import { faultMiddleware } from '../faults/middleware.js';
import { requestPath } from '../http/request-path.js';
import { sendOktaError } from './errors.js';
import { groupJson, userJson } from './representations.js';

/** Okta pages group members 1000 at a time by default and caps `limit` at 10000. */
const DEFAULT_MEMBER_PAGE = 1000;
const MAX_MEMBER_PAGE = 10_000;

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

/** Okta's management API subset: users, groups and group membership. Mounted at `/api/v1`. */
export function oktaManagementRouter(ctx: SimContext): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('X-Okta-Request-Id', randomUUID());
    next();
  });
  router.use(rateLimit(ctx));
  router.use(faultMiddleware('okta', ctx.faults, (res, status) => sendOktaError(res, status)));
  router.use(requireApiToken(ctx));

  const userNotFound = (id: string) => `Not found: Resource not found: ${id} (User)`;
  const groupNotFound = (id: string) => `Not found: Resource not found: ${id} (UserGroup)`;

  router.get('/users/:idOrLogin', (req, res) => {
    const user = ctx.okta.findUser(req.params.idOrLogin);
    if (!user) return sendOktaError(res, 404, userNotFound(req.params.idOrLogin));
    res.json(userJson(user, ctx.baseUrl));
  });

  router.get('/users/:idOrLogin/groups', (req, res) => {
    const user = ctx.okta.findUser(req.params.idOrLogin);
    if (!user) return sendOktaError(res, 404, userNotFound(req.params.idOrLogin));
    res.json(ctx.okta.groupsOf(user.oktaId).map((g) => groupJson(g, ctx.baseUrl, ctx.okta.lastMembershipUpdated(g.id))));
  });

  router.get('/groups/:groupId', (req, res) => {
    const group = ctx.okta.findGroup(req.params.groupId);
    if (!group) return sendOktaError(res, 404, groupNotFound(req.params.groupId));
    res.json(groupJson(group, ctx.baseUrl, ctx.okta.lastMembershipUpdated(group.id)));
  });

  router.get('/groups/:groupId/users', (req, res) => {
    const group = ctx.okta.findGroup(req.params.groupId);
    if (!group) return sendOktaError(res, 404, groupNotFound(req.params.groupId));
    const requested = Number(req.query.limit ?? DEFAULT_MEMBER_PAGE);
    const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_MEMBER_PAGE) : DEFAULT_MEMBER_PAGE;
    const ids = ctx.okta.memberIds(group.id);
    // `after` is the cursor Okta hands out in the `next` link: the id of the last member on the previous page.
    const after = typeof req.query.after === 'string' ? ids.indexOf(req.query.after) + 1 : 0;
    const page = ids.slice(after, after + limit);
    const pageUrl = `${ctx.baseUrl}${requestPath(req)}`;
    const links = [`<${pageUrl}?limit=${limit}>; rel="self"`];
    if (after + limit < ids.length) links.push(`<${pageUrl}?after=${page[page.length - 1]}&limit=${limit}>; rel="next"`);
    res.setHeader('Link', links);
    res.json(page.map((id) => userJson(ctx.okta.findUser(id)!, ctx.baseUrl)));
  });

  // Membership changes take the user's id, not a login: Okta answers 404 for anything else.
  const membership =
    (change: (groupId: string, userId: string) => void): RequestHandler =>
    (req, res) => {
      const group = ctx.okta.findGroup(req.params.groupId as string);
      if (!group) return sendOktaError(res, 404, groupNotFound(req.params.groupId as string));
      const user = ctx.okta.users().find((u) => u.oktaId === req.params.userId);
      if (!user) return sendOktaError(res, 404, userNotFound(req.params.userId as string));
      change(group.id, user.oktaId);
      res.status(204).end();
    };
  router.put(
    '/groups/:groupId/users/:userId',
    membership((g, u) => ctx.okta.addMember(g, u)),
  );
  router.delete(
    '/groups/:groupId/users/:userId',
    membership((g, u) => ctx.okta.removeMember(g, u)),
  );

  router.use((req, res) => sendOktaError(res, 404, `Not found: Resource not found: ${requestPath(req)}`));
  return router;
}
