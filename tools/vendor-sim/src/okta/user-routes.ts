import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import type { SimContext } from '../context.js';
import type { OktaUser } from './directory.js';
import { sendBodyNotWellFormed, sendOktaError, sendUserNotFound, sendValidationFailed } from './errors.js';
import { groupJson, userJson } from './representations.js';
import { readNewUser } from './requests.js';
import { searchUsers } from './user-search.js';
import type { LifecycleOperation, LifecycleRefusal } from './user-lifecycle.js';

const LIFECYCLE_OPERATIONS: readonly LifecycleOperation[] = ['activate', 'deactivate', 'suspend', 'unsuspend'];

/** A boolean query parameter as Okta reads it: `true` or `false`, the default when absent, anything else invalid. */
function booleanQuery(value: unknown, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** Okta's answers when a user's status does not allow the operation. */
function sendRefusal(res: Response, refusal: LifecycleRefusal, idOrLogin: string): void {
  switch (refusal) {
    case 'already_deactivated':
      // Okta answers the deactivation of a DEPROVISIONED user as if the user were not there (E0000007); integrations
      // read that code as "already deactivated".
      return sendUserNotFound(res, idOrLogin);
    case 'already_active':
      return sendOktaError(res, 403, 'Activation failed because the user is already active', { code: 'E0000016' });
    case 'not_active':
      return sendOktaError(res, 400, 'Api validation failed: suspendUser', { causes: ['Cannot suspend a user that is not active'] });
    case 'not_suspended':
      return sendOktaError(res, 400, 'Api validation failed: unsuspendUser', { causes: ['Cannot unsuspend a user that is not suspended'] });
    default: {
      const _exhaustive: never = refusal;
      return _exhaustive;
    }
  }
}

/** Okta's users: read, create, lifecycle and delete. Mounted at `/api/v1/users`. */
export function oktaUserRouter(ctx: SimContext): Router {
  const router = Router();
  const json = (user: OktaUser) => userJson(user, ctx.okta.managerOf(user.person), ctx.baseUrl);

  router.post('/', (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendBodyNotWellFormed(res);
    const activate = booleanQuery(req.query.activate, true);
    if (activate === undefined) return sendValidationFailed(res, [{ field: 'activate', message: 'Does not match required type' }]);
    const reading = readNewUser(body as Record<string, unknown>);
    if ('causes' in reading) return sendValidationFailed(res, reading.causes);
    const unknownGroup = reading.groupIds.find((groupId) => !ctx.okta.findGroup(groupId));
    if (unknownGroup) return sendValidationFailed(res, [{ field: 'groupIds', message: `Group not found: ${unknownGroup}` }]);
    const created = ctx.okta.createUser(reading.user, activate);
    if (created === 'login_taken') {
      return sendValidationFailed(res, [
        { field: 'login', message: 'An object with this field already exists in the current organization' },
      ]);
    }
    for (const groupId of reading.groupIds) ctx.okta.addMember(groupId, created.person.oktaId);
    res.json(json(created));
  });

  // Every match in one page: the simulated org is small, so no `Link: rel="next"` is ever needed.
  router.get('/', (req, res) => {
    const users = ctx.okta.users();
    const search = req.query.search;
    if (search === undefined) return res.json(users.map(json));
    const found = typeof search === 'string' ? searchUsers(users, search) : undefined;
    if (!found) return sendOktaError(res, 400, 'Invalid search criteria.', { code: 'E0000031' });
    res.json(found.map(json));
  });

  router.get('/:idOrLogin', (req, res) => {
    const user = ctx.okta.findUser(req.params.idOrLogin);
    if (!user) return sendUserNotFound(res, req.params.idOrLogin);
    res.json(json(user));
  });

  router.get('/:idOrLogin/groups', (req, res) => {
    const user = ctx.okta.findUser(req.params.idOrLogin);
    if (!user) return sendUserNotFound(res, req.params.idOrLogin);
    res.json(ctx.okta.groupsOf(user.person.oktaId).map((g) => groupJson(g, ctx.baseUrl, ctx.okta.lastMembershipUpdated(g.id))));
  });

  router.delete('/:idOrLogin', (req, res) => {
    const user = ctx.okta.findUser(req.params.idOrLogin);
    if (!user) return sendUserNotFound(res, req.params.idOrLogin);
    ctx.okta.deleteUser(user);
    res.status(204).end();
  });

  const lifecycle =
    (operation: LifecycleOperation): RequestHandler =>
    (req, res) => {
      const idOrLogin = req.params.idOrLogin as string;
      const user = ctx.okta.findUser(idOrLogin);
      if (!user) return sendUserNotFound(res, idOrLogin);
      const step = ctx.okta.changeStatus(user, operation);
      if ('refused' in step) return sendRefusal(res, step.refused, idOrLogin);
      if (operation !== 'activate') return res.status(200).end();
      // Okta e-mails the activation link by default and answers `{}`; with `sendEmail=false` it returns the link instead.
      if (booleanQuery(req.query.sendEmail, true) !== false) return res.json({});
      const activationToken = randomBytes(15).toString('base64url');
      res.json({ activationToken, activationUrl: `${ctx.baseUrl}/tokens/${activationToken}/verify` });
    };
  for (const operation of LIFECYCLE_OPERATIONS) router.post(`/:idOrLogin/lifecycle/${operation}`, lifecycle(operation));

  return router;
}
