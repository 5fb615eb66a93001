import { createCloudClient, type CloudClient } from 'jira.js';
import { isRejection, statusOf } from '@jit/vendors';
import { TicketRejectedError, TicketingUnavailableError, type Ticketing } from './ticketing.js';

/** How the Jira adapter reaches Jira Cloud and where it files tickets. */
export interface JiraOptions {
  host: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
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

/** `Ticketing` over Jira Cloud issues, with jira.js (REST API v3); the only code here that sees Jira's errors. */
export class JiraTicketing implements Ticketing {
  private readonly jira: CloudClient;

  constructor(private readonly options: JiraOptions) {
    this.jira = createCloudClient({ host: options.host, auth: { type: 'basic', email: options.email, apiToken: options.apiToken } });
  }

  async open(ticket: { summary: string; description: string }): Promise<string> {
    const created = await this.call(() =>
      this.jira.issues.createIssue({
        fields: {
          project: { key: this.options.projectKey },
          issuetype: { name: this.options.issueType },
          summary: ticket.summary,
          description: adf(ticket.description),
          labels: ['jit-access'],
        },
      }),
    );
    return created.key;
  }

  async comment(key: string, text: string): Promise<void> {
    await this.call(() => this.jira.issueComments.addComment({ issueIdOrKey: key, body: adf(text) }));
  }

  async close(key: string): Promise<void> {
    const { transitions } = await this.call(() => this.jira.issues.getTransitions({ issueIdOrKey: key }));
    const done = transitions?.find((t) => t.name === DONE);
    if (done?.id) {
      await this.call(() => this.jira.issues.doTransition({ issueIdOrKey: key, transition: { id: done.id } }));
      return;
    }
    const issue = await this.call(() => this.jira.issues.getIssue({ issueIdOrKey: key, fields: ['status'] }));
    if (issue.fields?.status?.statusCategory?.key === 'done') return;
    throw new TicketRejectedError(`Jira issue ${key} offers no "${DONE}" transition`);
  }

  /** Runs a Jira call and speaks the port's errors: a 4xx that names a wrong request is rejected, the rest is worth retrying. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const status = statusOf(error);
      const message = `Jira answered ${status ?? 'nothing'}: ${(error as Error).message}`;
      if (isRejection(status)) throw new TicketRejectedError(message, { cause: error });
      throw new TicketingUnavailableError(message, { cause: error });
    }
  }
}
