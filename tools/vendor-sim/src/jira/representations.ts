import { seedJiraProject } from '../seed/directory.js';
import type { JiraAccount, JiraComment, JiraIssue } from './store.js';
import type { JiraStatus, JiraTransition } from './workflow.js';

/** Jira writes timestamps with milliseconds and a `+0000` offset, e.g. `2026-01-05T09:00:00.000+0000`. */
export function jiraDate(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** A user as Jira embeds it in issues and comments (`UserDetails`). */
export function userDetailsJson(account: JiraAccount, baseUrl: string): Record<string, unknown> {
  return {
    self: `${baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(account.accountId)}`,
    accountId: account.accountId,
    emailAddress: account.email,
    displayName: account.email.split('@')[0],
    active: true,
    timeZone: 'Etc/UTC',
    accountType: 'atlassian',
  };
}

/** A status with its category (`StatusDetails`). */
export function statusJson(status: JiraStatus, baseUrl: string): Record<string, unknown> {
  return {
    self: `${baseUrl}/rest/api/3/status/${status.id}`,
    description: status.description,
    iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${baseUrl}/rest/api/3/statuscategory/${status.category.id}`,
      id: status.category.id,
      key: status.category.key,
      colorName: status.category.colorName,
      name: status.category.name,
    },
  };
}

/** A transition as `GET .../transitions` lists it (`IssueTransition`). */
export function transitionJson(transition: JiraTransition, baseUrl: string): Record<string, unknown> {
  return {
    id: transition.id,
    name: transition.name,
    to: statusJson(transition.to, baseUrl),
    hasScreen: false,
    isGlobal: true,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    looped: false,
  };
}

/** A comment (`Comment`). */
export function commentJson(issue: JiraIssue, comment: JiraComment, baseUrl: string): Record<string, unknown> {
  const author = userDetailsJson(comment.author, baseUrl);
  return {
    self: `${baseUrl}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author,
    body: comment.body,
    updateAuthor: author,
    created: jiraDate(comment.created),
    updated: jiraDate(comment.updated),
    jsdPublic: true,
  };
}

/** A page of comments (`PageOfComments`); the simulator returns them all on one page. */
export function commentPageJson(issue: JiraIssue, baseUrl: string, startAt = 0, maxResults = 5000): Record<string, unknown> {
  const page = issue.comments.slice(startAt, startAt + maxResults);
  return {
    startAt,
    maxResults,
    total: issue.comments.length,
    comments: page.map((c) => commentJson(issue, c, baseUrl)),
  };
}

/** Every field the simulator keeps, in the shape `GET /issue/{key}` returns them. */
function allFields(issue: JiraIssue, baseUrl: string): Record<string, unknown> {
  const reporter = userDetailsJson(issue.reporter, baseUrl);
  return {
    summary: issue.summary,
    description: issue.description,
    status: statusJson(issue.status, baseUrl),
    labels: issue.labels,
    project: {
      self: `${baseUrl}/rest/api/3/project/${seedJiraProject.id}`,
      id: seedJiraProject.id,
      key: seedJiraProject.key,
      name: seedJiraProject.name,
      projectTypeKey: 'software',
      simplified: true,
    },
    issuetype: {
      self: `${baseUrl}/rest/api/3/issuetype/${seedJiraProject.issueType.id}`,
      id: seedJiraProject.issueType.id,
      description: 'A small, distinct piece of work.',
      iconUrl: `${baseUrl}/images/icons/issuetypes/task.svg`,
      name: seedJiraProject.issueType.name,
      subtask: false,
      hierarchyLevel: 0,
    },
    reporter,
    creator: reporter,
    assignee: null,
    resolution: issue.resolved
      ? { self: `${baseUrl}/rest/api/3/resolution/10000`, id: '10000', description: 'Work has been completed.', name: 'Done' }
      : null,
    resolutiondate: issue.resolved ? jiraDate(issue.resolved) : null,
    created: jiraDate(issue.created),
    updated: jiraDate(issue.updated),
    statuscategorychangedate: jiraDate(issue.statusChanged),
    comment: { ...commentPageJson(issue, baseUrl), self: `${baseUrl}/rest/api/3/issue/${issue.id}/comment` },
  };
}

/**
 * An issue (`IssueBean`). `fields` is the request's comma-separated `fields` parameter: `*all`/`*navigable` (or
 * nothing) return every field, a list returns only those, and `-name` removes one.
 */
export function issueJson(issue: JiraIssue, baseUrl: string, fields?: string): Record<string, unknown> {
  let selected = allFields(issue, baseUrl);
  const requested = (fields ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const included = requested.filter((f) => !f.startsWith('-') && !f.startsWith('*'));
  const excluded = requested.filter((f) => f.startsWith('-')).map((f) => f.slice(1));
  if (included.length > 0 && !requested.some((f) => f.startsWith('*'))) {
    selected = Object.fromEntries(Object.entries(selected).filter(([name]) => included.includes(name)));
  }
  for (const name of excluded) delete selected[name];
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    fields: selected,
  };
}
