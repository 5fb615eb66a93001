import express, { Router } from 'express';
import { z } from 'zod';
import { issuerOf, type SimContext } from '../context.js';
import { faultSpecSchema } from '../faults/fault-spec.js';
import { sendInvalidBody } from '../http/validation.js';

/** Body of `POST /_sim/token`. */
export const tokenRequestSchema = z
  .object({
    sub: z.string().min(1),
    scopes: z.array(z.string().min(1)).optional(),
    expiresIn: z.number().int().positive().max(86_400).optional(),
    emailVerified: z.boolean().optional(),
  })
  .strict();

/** Body of `PUT /_sim/okta/rate-limit`: Okta's per-minute org budget, changed while the simulator runs. */
export const oktaRateLimitSchema = z.object({ perMinute: z.number().int().positive() }).strict();

/**
 * Returns the simulator to its seed state: only the seeded people and groups, everyone ACTIVE, no memberships,
 * issues, messages or faults, a fresh rate-limit window.
 */
export function resetState(ctx: SimContext): void {
  ctx.people.reset();
  ctx.okta.reset();
  ctx.oktaRateLimit.reset();
  ctx.jira.reset();
  ctx.slack.reset();
  ctx.faults.clear();
  ctx.authorizationCodes.clear();
}

/** The simulator's own control endpoints; not part of any vendor API. Mounted at `/_sim`. */
export function simRouter(ctx: SimContext): Router {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  router.post('/reset', (_req, res) => {
    resetState(ctx);
    res.status(204).end();
  });

  router.post('/token', async (req, res) => {
    const parsed = tokenRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendInvalidBody(res, parsed.error);
    const user = ctx.okta.findUser(parsed.data.sub)?.person;
    res.json(await ctx.oidc.mint(issuerOf(ctx), { ...parsed.data, user }));
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.list());
  });
  router.post('/faults', (req, res) => {
    const parsed = faultSpecSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendInvalidBody(res, parsed.error);
    res.status(201).json(ctx.faults.add(parsed.data));
  });
  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });

  router.get('/okta/rate-limit', (_req, res) => {
    res.json({ perMinute: ctx.oktaRateLimit.perWindow });
  });
  router.put('/okta/rate-limit', (req, res) => {
    const parsed = oktaRateLimitSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendInvalidBody(res, parsed.error);
    ctx.oktaRateLimit.setLimit(parsed.data.perMinute);
    res.json({ perMinute: ctx.oktaRateLimit.perWindow });
  });

  router.get('/slack/messages', (req, res) => {
    const email = typeof req.query.email === 'string' ? req.query.email : '';
    const person = ctx.slack.findByEmail(email);
    if (!person) return res.status(404).json({ error: `no Slack member with e-mail '${email}'` });
    res.json(ctx.slack.messagesIn(ctx.slack.dmChannelOf(person)).map(({ channel, ts, text, blocks }) => ({ channel, ts, text, blocks })));
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'unknown simulator endpoint' });
  });
  router.use(((err: { status?: number; message?: string }, _req, res, next) => {
    if (err.status !== 400) return next(err);
    res.status(400).json({ error: `malformed JSON body: ${err.message ?? ''}`, fields: ['(body)'] });
  }) as express.ErrorRequestHandler);
  return router;
}
