import type { CloudClient } from 'jira.js';
import { formatDuration } from '@jit/events';
import { isRejection, statusOf } from '@jit/vendors';
import { TicketRejectedError, TicketingUnavailableError, type TicketDraft, type Ticketing } from './ticketing.js';

/** How the Jira adapter reaches Jira Cloud and where it files tickets. */
export interface JiraOptions {
  host: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  /** How long one Jira call may take before it counts as failed (and is retried); jira.js sets no limit of its own. Default 30 s. */
  timeoutMs?: number;
}

/** The transition that closes a ticket, found by name because transition ids differ per workflow. */
const DONE = 'Done';

/** An Atlassian Document Format document, one paragraph per line; jira.js sends plain strings to API v2 instead. */
function adf(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n').map((line) => ({ type: 'paragraph', content: line ? [{ type: 'text', text: line }] : [] })),
  };
}

/**
 * The label that ties a ticket to what it records. Only letters, digits, `-` and `_` are kept: Jira
 * labels hold no spaces, and the label goes inside a JQL string, where a quote would change the query.
 */
function referenceLabel(reference: string): string {
  return `jit-request-${reference.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * `Ticketing` over Jira Cloud issues, with jira.js (REST API v3); the only code here that sees Jira's errors.
 * jira.js is loaded with the first call, not at start: it is a sixth of an idle provisioner's memory
 * (docs/PERFORMANCE.md), and a provisioner with nothing to record has no use for it yet.
 */
export class JiraTicketing implements Ticketing {
  private client?: Promise<CloudClient>;

  constructor(private readonly options: JiraOptions) {}

  private get jira(): Promise<CloudClient> {
    const { host, email, apiToken } = this.options;
    this.client ??= import('jira.js').then(({ createCloudClient }) =>
      createCloudClient({ host, auth: { type: 'basic', email, apiToken } }),
    );
    return this.client;
  }

  /**
   * Each ticket carries a label naming its reference, and is looked up by it before one is created:
   * a retry after a crash between Jira's answer and the recorded key finds the first ticket instead of
   * filing a second. Jira's search index trails a create by seconds; a retry comes a claim lease
   * (minutes) later.
   */
  async open(ticket: TicketDraft): Promise<string> {
    const label = referenceLabel(ticket.reference);
    const jira = await this.jira;
    const found = await this.call(() =>
      jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
        jql: `project = "${this.options.projectKey}" AND labels = "${label}"`,
        fields: ['id'],
        maxResults: 1,
      }),
    );
    const existing = found.issues?.[0]?.key;
    if (existing) return existing;
    const created = await this.call(() =>
      jira.issues.createIssue({
        fields: {
          project: { key: this.options.projectKey },
          issuetype: { name: this.options.issueType },
          summary: ticket.summary,
          description: adf(ticket.description),
          labels: ['jit-access', label],
        },
      }),
    );
    return created.key;
  }

  async comment(key: string, text: string): Promise<void> {
    const jira = await this.jira;
    await this.call(() => jira.issueComments.addComment({ issueIdOrKey: key, body: adf(text) }));
  }

  async close(key: string): Promise<void> {
    const jira = await this.jira;
    const { transitions } = await this.call(() => jira.issues.getTransitions({ issueIdOrKey: key }));
    const done = transitions?.find((t) => t.name === DONE);
    if (done?.id) {
      await this.call(() => jira.issues.doTransition({ issueIdOrKey: key, transition: { id: done.id } }));
      return;
    }
    const issue = await this.call(() => jira.issues.getIssue({ issueIdOrKey: key, fields: ['status'] }));
    if (issue.fields?.status?.statusCategory?.key === 'done') return;
    throw new TicketRejectedError(`Jira issue ${key} offers no "${DONE}" transition`);
  }

  /** Runs a Jira call and speaks the port's errors: a 4xx that names a wrong request is rejected, the rest is worth retrying. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await this.withinTimeout(operation());
    } catch (error) {
      if (error instanceof TicketingUnavailableError) throw error;
      const status = statusOf(error);
      const message = `Jira answered ${status ?? 'nothing'}: ${(error as Error).message}`;
      if (isRejection(status)) throw new TicketRejectedError(message, { cause: error });
      throw new TicketingUnavailableError(message, { cause: error });
    }
  }

  /** jira.js takes no abort signal: a call that outlasts the limit is given up on (its late answer ignored) and retried later. */
  private async withinTimeout<T>(call: Promise<T>): Promise<T> {
    const ms = this.options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TicketingUnavailableError(`Jira did not answer within ${formatDuration(ms / 1000)}`)), ms);
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
