import { Router, type RequestHandler } from 'express';
import type { SimContext } from '../context.js';
import { requestPath } from '../http/request-path.js';
import { sendBodyNotWellFormed, sendGroupNotFound, sendUserNotFound, sendValidationFailed } from './errors.js';
import { groupJson, userJson } from './representations.js';
import { readNewGroup } from './requests.js';

/** Okta pages group members 1000 at a time by default and caps `limit` at 10000. */
const DEFAULT_MEMBER_PAGE = 1000;
const MAX_MEMBER_PAGE = 10_000;

/** Okta's groups: read, create, delete, and their members. Mounted at `/api/v1/groups`. */
export function oktaGroupRouter(ctx: SimContext): Router {
  const router = Router();

  router.post('/', (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendBodyNotWellFormed(res);
    const reading = readNewGroup(body as Record<string, unknown>);
    if ('causes' in reading) return sendValidationFailed(res, reading.causes);
    const created = ctx.okta.createGroup(reading.name, reading.description);
    if (created === 'name_taken') {
      return sendValidationFailed(res, [
        { field: 'name', message: 'An object with this field already exists in the current organization' },
      ]);
    }
    res.json(groupJson(created, ctx.baseUrl, ctx.okta.lastMembershipUpdated(created.id)));
  });

  router.get('/:groupId', (req, res) => {
    const group = ctx.okta.findGroup(req.params.groupId);
    if (!group) return sendGroupNotFound(res, req.params.groupId);
    res.json(groupJson(group, ctx.baseUrl, ctx.okta.lastMembershipUpdated(group.id)));
  });

  router.delete('/:groupId', (req, res) => {
    const group = ctx.okta.findGroup(req.params.groupId);
    if (!group) return sendGroupNotFound(res, req.params.groupId);
    ctx.okta.deleteGroup(group.id);
    res.status(204).end();
  });

  router.get('/:groupId/users', (req, res) => {
    const group = ctx.okta.findGroup(req.params.groupId);
    if (!group) return sendGroupNotFound(res, req.params.groupId);
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
    res.json(
      page.map((id) => {
        const user = ctx.okta.findUserById(id)!;
        return userJson(user, ctx.okta.managerOf(user.person), ctx.baseUrl);
      }),
    );
  });

  // Membership changes take the user's id, not a login: Okta answers 404 for anything else.
  const membership =
    (change: (groupId: string, userId: string) => void): RequestHandler =>
    (req, res) => {
      const group = ctx.okta.findGroup(req.params.groupId as string);
      if (!group) return sendGroupNotFound(res, req.params.groupId as string);
      const user = ctx.okta.findUserById(req.params.userId as string);
      if (!user) return sendUserNotFound(res, req.params.userId as string);
      change(group.id, user.person.oktaId);
      res.status(204).end();
    };
  router.put(
    '/:groupId/users/:userId',
    membership((g, u) => ctx.okta.addMember(g, u)),
  );
  router.delete(
    '/:groupId/users/:userId',
    membership((g, u) => ctx.okta.removeMember(g, u)),
  );

  return router;
}
