import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { SimContext } from '../context.js';
import { faultMiddleware } from '../faults/middleware.js';
import { seedJiraProject } from '../seed/directory.js';
import { adfDocumentSchema, NOT_ADF_MESSAGE } from './adf.js';
import { JqlError, parseJql } from './jql.js';
import { sendIssueNotFound, sendJiraError, sendJiraFault } from './errors.js';
import { commentJson, commentPageJson, issueJson, transitionJson } from './representations.js';
import { accountFor, type JiraAccount } from './store.js';
import { transitionsFrom } from './workflow.js';

/** The Atlassian account that authenticated the request, set by `requireBasicAuth`. */
function accountOf(res: Response): JiraAccount {
  return res.locals.jiraAccount as JiraAccount;
}

/** Jira Cloud's basic auth: `Authorization: Basic base64(email:apiToken)`. */
function requireBasicAuth(ctx: SimContext): RequestHandler {
  return (req, res, next) => {
    const match = /^Basic (\S+)$/.exec(req.get('authorization') ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const separator = decoded.indexOf(':');
    const email = decoded.slice(0, separator);
    const token = decoded.slice(separator + 1);
    const { jiraEmail, jiraApiToken } = ctx.credentials;
    const valid =
      separator > 0 &&
      token.length > 0 &&
      (jiraEmail === undefined || jiraEmail === email) &&
      (jiraApiToken === undefined || jiraApiToken === token);
    if (!valid) {
      return sendJiraError(res, 401, ['You are not authenticated. Authentication required to perform this operation.']);
    }
    res.locals.jiraAccount = accountFor(email);
    next();
  };
}

const namedRef = z.object({ id: z.string().optional(), key: z.string().optional(), name: z.string().optional() });

/** Collects Jira's per-field messages for `POST /issue`, the way Jira reports them all at once. */
function validateCreate(body: unknown): { errors: Record<string, string>; fields?: Record<string, unknown> } {
  const fields = z.object({ fields: z.record(z.string(), z.unknown()) }).safeParse(body);
  if (!fields.success) return { errors: { fields: 'Field "fields" is required.' } };
  const f = fields.data.fields;
  const errors: Record<string, string> = {};
  const project = namedRef.safeParse(f.project);
  if (!project.success || (project.data.key !== seedJiraProject.key && project.data.id !== seedJiraProject.id)) {
    errors.project = 'Specify a valid project ID or key';
  }
  const type = namedRef.safeParse(f.issuetype);
  const { issueType } = seedJiraProject;
  if (!type.success || (type.data.id !== issueType.id && type.data.name?.toLowerCase() !== issueType.name.toLowerCase())) {
    errors.issuetype = 'Specify an issue type';
  }
  if (typeof f.summary !== 'string' || f.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
  if (f.description !== undefined && f.description !== null && !adfDocumentSchema.safeParse(f.description).success) {
    errors.description = NOT_ADF_MESSAGE;
  }
  if (f.labels !== undefined && !z.array(z.string().regex(/^\S+$/)).safeParse(f.labels).success) {
    errors.labels = 'Labels must be a list of strings without spaces.';
  }
  return { errors, fields: f };
}

/** Jira Cloud platform REST API v3 subset: issues, comments and transitions. Mounted at `/rest/api/3`. */
export function jiraRouter(ctx: SimContext): Router {
  const router = Router();
  router.use(faultMiddleware('jira', ctx.faults, sendJiraFault));
  router.use(requireBasicAuth(ctx));
  router.use(express.json({ limit: '1mb' }));

  router.post('/issue', (req, res) => {
    const { errors, fields } = validateCreate(req.body);
    if (Object.keys(errors).length > 0 || !fields) return sendJiraError(res, 400, [], errors);
    const issue = ctx.jira.create({
      summary: fields.summary as string,
      description: (fields.description as z.infer<typeof adfDocumentSchema> | undefined) ?? null,
      labels: (fields.labels as string[] | undefined) ?? [],
      reporter: accountOf(res),
    });
    res.status(201).json({ id: issue.id, key: issue.key, self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}` });
  });

  // Enhanced JQL search (GET with a query string, POST with a body); one page, `isLast` true.
  const search: RequestHandler = (req, res) => {
    const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    const params = z
      .object({
        jql: z.string().min(1),
        maxResults: z.coerce.number().int().min(0).max(5000).default(50),
        fields: z.union([z.string(), z.array(z.string())]).optional(),
      })
      .safeParse(source ?? {});
    if (!params.success) return sendJiraError(res, 400, ['The JQL query and maxResults must be valid.']);
    let matches;
    try {
      matches = ctx.jira.all().filter(parseJql(params.data.jql));
    } catch (error) {
      if (error instanceof JqlError) return sendJiraError(res, 400, [error.message]);
      throw error;
    }
    const fields = [params.data.fields ?? 'id'].flat().join(',');
    res.json({ isLast: true, issues: matches.slice(0, params.data.maxResults).map((issue) => issueJson(issue, ctx.baseUrl, fields)) });
  };
  router.get('/search/jql', search);
  router.post('/search/jql', search);

  router.get('/issue/:issueIdOrKey', (req, res) => {
    const issue = ctx.jira.find(req.params.issueIdOrKey);
    if (!issue) return sendIssueNotFound(res);
    // Jira takes `fields` comma-separated, repeated, or both.
    const fields = [req.query.fields]
      .flat()
      .filter((f): f is string => typeof f === 'string')
      .join(',');
    res.json(issueJson(issue, ctx.baseUrl, fields));
  });

  router.get('/issue/:issueIdOrKey/comment', (req, res) => {
    const issue = ctx.jira.find(req.params.issueIdOrKey);
    if (!issue) return sendIssueNotFound(res);
    const paging = z
      .object({ startAt: z.coerce.number().int().min(0).default(0), maxResults: z.coerce.number().int().min(0).default(5000) })
      .safeParse(req.query);
    if (!paging.success) return sendJiraError(res, 400, ['startAt and maxResults must be non-negative integers.']);
    res.json(commentPageJson(issue, ctx.baseUrl, paging.data.startAt, paging.data.maxResults));
  });

  router.post('/issue/:issueIdOrKey/comment', (req, res) => {
    const issue = ctx.jira.find(req.params.issueIdOrKey);
    if (!issue) return sendIssueNotFound(res);
    // v3 takes comment bodies only as ADF; wiki-markup strings belong to the v2 API.
    const body = adfDocumentSchema.safeParse((req.body as { body?: unknown } | undefined)?.body);
    if (!body.success) return sendJiraError(res, 400, [], { comment: NOT_ADF_MESSAGE });
    const comment = ctx.jira.comment(issue, body.data, accountOf(res));
    res.status(201).json(commentJson(issue, comment, ctx.baseUrl));
  });

  router.get('/issue/:issueIdOrKey/transitions', (req, res) => {
    const issue = ctx.jira.find(req.params.issueIdOrKey);
    if (!issue) return sendIssueNotFound(res);
    res.json({ expand: 'transitions', transitions: transitionsFrom(issue.status).map((t) => transitionJson(t, ctx.baseUrl)) });
  });

  router.post('/issue/:issueIdOrKey/transitions', (req, res) => {
    const issue = ctx.jira.find(req.params.issueIdOrKey);
    if (!issue) return sendIssueNotFound(res);
    const requested = z.object({ transition: z.object({ id: z.string() }) }).safeParse(req.body);
    if (!requested.success) return sendJiraError(res, 400, ["Missing 'transition' identifier"]);
    const transition = transitionsFrom(issue.status).find((t) => t.id === requested.data.transition.id);
    if (!transition) {
      return sendJiraError(res, 400, [`Transition id '${requested.data.transition.id}' is not valid for this issue.`]);
    }
    ctx.jira.transition(issue, transition.to);
    res.status(204).end();
  });

  router.use((_req, res) => sendJiraError(res, 404, ['null for uri: the simulator does not serve this resource']));
  const malformedJson: ErrorRequestHandler = (err: { status?: number; message?: string }, _req, res, next) => {
    if (err.status !== 400) return next(err);
    sendJiraError(res, 400, [`Unexpected character in JSON body: ${err.message ?? ''}`.trim()]);
  };
  router.use(malformedJson);
  return router;
}
