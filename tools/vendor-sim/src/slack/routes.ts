import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { SimContext } from '../context.js';
import { faultMiddleware } from '../faults/middleware.js';
import { sendSlackError, sendSlackFault } from './errors.js';
import { slackMethods, type SlackArgs } from './methods.js';

/** Slack takes the token as `Authorization: Bearer xox…` or as a `token` argument. */
function tokenOf(req: Request, args: SlackArgs): string | undefined {
  const bearer = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
  if (bearer) return bearer[1];
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}

/** Slack Web API subset, one route per method as on slack.com. Mounted at `/api`. */
export function slackRouter(ctx: SimContext): Router {
  const router = Router();
  router.use(faultMiddleware('slack', ctx.faults, sendSlackFault));
  router.use(express.urlencoded({ extended: false }), express.json());

  const call: RequestHandler = (req, res) => {
    res.setHeader('X-Slack-Req-Id', randomUUID().replaceAll('-', ''));
    const args: SlackArgs = { ...(req.query as SlackArgs), ...((req.body as SlackArgs | undefined) ?? {}) };
    const token = tokenOf(req, args);
    if (!token) return sendSlackError(res, 'not_authed');
    const expected = ctx.credentials.slackToken;
    if (!token.startsWith('xox') || (expected !== undefined && token !== expected)) return sendSlackError(res, 'invalid_auth');
    const method = slackMethods[req.params.method as string];
    if (!method) return sendSlackError(res, 'unknown_method');
    const result = method(args, ctx);
    if ('error' in result) return sendSlackError(res, result.error as string);
    res.json(result);
  };
  router.get('/:method', call);
  router.post('/:method', call);
  return router;
}
