import { createHash } from 'node:crypto';
import type { AdfDocument } from './adf.js';
import { INITIAL_STATUS, type JiraStatus } from './workflow.js';
import { seedJiraProject } from '../seed/directory.js';

/** The Atlassian account behind a basic-auth e-mail. */
export interface JiraAccount {
  accountId: string;
  email: string;
}

/** A comment on an issue. */
export interface JiraComment {
  id: string;
  body: AdfDocument;
  author: JiraAccount;
  created: Date;
  updated: Date;
}

/** An issue in the simulated project. */
export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  description: AdfDocument | null;
  labels: string[];
  status: JiraStatus;
  reporter: JiraAccount;
  created: Date;
  updated: Date;
  statusChanged: Date;
  resolved?: Date;
  comments: JiraComment[];
}

/** What creating an issue needs once the request has been validated. */
export interface NewIssue {
  summary: string;
  description: AdfDocument | null;
  labels: string[];
  reporter: JiraAccount;
}

/** The project's state as `JiraStore.snapshot` returns it. */
export interface JiraSnapshot {
  issues: JiraIssue[];
  nextIssueNumber: number;
  nextCommentId: number;
}

/** Atlassian account ids look like `712020:<uuid>`; derive one from the e-mail so it is stable across runs. */
export function accountFor(email: string): JiraAccount {
  const hex = createHash('sha256').update(email.toLowerCase()).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return { accountId: `712020:${uuid}`, email };
}

/** Issues and comments of the simulated Jira site. */
export class JiraStore {
  private readonly issues = new Map<string, JiraIssue>();
  private nextIssueNumber = 1;
  private nextCommentId = 10_000;

  /** Files a new issue in the seeded project, in the workflow's initial status. */
  create(fields: NewIssue): JiraIssue {
    const number = this.nextIssueNumber++;
    const now = new Date();
    const issue: JiraIssue = {
      ...fields,
      id: String(10_000 + number),
      key: `${seedJiraProject.key}-${number}`,
      status: INITIAL_STATUS,
      created: now,
      updated: now,
      statusChanged: now,
      comments: [],
    };
    this.issues.set(issue.key, issue);
    return issue;
  }

  /** Finds an issue by id or key (keys are case-insensitive in Jira). */
  find(idOrKey: string): JiraIssue | undefined {
    const wanted = idOrKey.toUpperCase();
    return this.issues.get(wanted) ?? [...this.issues.values()].find((i) => i.id === idOrKey);
  }

  /** Issues in the order they were created. */
  all(): JiraIssue[] {
    return [...this.issues.values()];
  }

  /** Adds a comment and bumps the issue's `updated`. */
  comment(issue: JiraIssue, body: AdfDocument, author: JiraAccount): JiraComment {
    const now = new Date();
    const comment: JiraComment = { id: String(this.nextCommentId++), body, author, created: now, updated: now };
    issue.comments.push(comment);
    issue.updated = now;
    return comment;
  }

  /** Moves the issue to a status; entering a done status resolves it, leaving one unresolves it. */
  transition(issue: JiraIssue, to: JiraStatus): void {
    const now = new Date();
    issue.status = to;
    issue.updated = now;
    issue.statusChanged = now;
    issue.resolved = to.category.key === 'done' ? now : undefined;
  }

  /** Issues (with their comments) and the counters, as `restore` takes them back. */
  snapshot(): JiraSnapshot {
    return { issues: [...this.issues.values()], nextIssueNumber: this.nextIssueNumber, nextCommentId: this.nextCommentId };
  }

  /** Replaces the project's issues and counters with a snapshot's. */
  restore(snapshot: JiraSnapshot): void {
    this.issues.clear();
    for (const issue of snapshot.issues) this.issues.set(issue.key, issue);
    this.nextIssueNumber = snapshot.nextIssueNumber;
    this.nextCommentId = snapshot.nextCommentId;
  }

  /** Back to an empty project. */
  reset(): void {
    this.issues.clear();
    this.nextIssueNumber = 1;
    this.nextCommentId = 10_000;
  }
}
