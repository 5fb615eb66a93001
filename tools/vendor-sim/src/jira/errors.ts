import type { Response } from 'express';

/** Jira's `ErrorCollection`: general messages plus messages keyed by field. */
export interface JiraErrorCollection {
  errorMessages: string[];
  errors: Record<string, string>;
}

/** Answers with a Jira `ErrorCollection`. */
export function sendJiraError(res: Response, status: number, errorMessages: string[], errors: Record<string, string> = {}): void {
  const body: JiraErrorCollection = { errorMessages, errors };
  res.status(status).json(body);
}

/** Jira's answer for an issue that does not exist or cannot be seen. */
export function sendIssueNotFound(res: Response): void {
  sendJiraError(res, 404, ['Issue does not exist or you do not have permission to see it.']);
}

/** The generic error a fault answers with. */
export function sendJiraFault(res: Response, status: number): void {
  sendJiraError(res, status, [status === 429 ? 'Rate limit exceeded.' : `Simulated failure (HTTP ${status}).`]);
}
