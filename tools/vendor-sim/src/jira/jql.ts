import { seedJiraProject } from '../seed/directory.js';
import type { JiraIssue } from './store.js';

/** A JQL query the simulator understands: clauses joined by AND, each `project = X` or `labels = X`. */
export type JqlFilter = (issue: JiraIssue) => boolean;

/** Thrown for JQL the simulator does not understand; Jira answers such a query 400 with its message. */
export class JqlError extends Error {}

const CLAUSE = /^(project|labels)\s*=\s*(?:"([^"]*)"|([^\s"]+))$/i;

/**
 * Parses the subset of JQL the system uses (`project = JIT AND labels = "jit-request-…"`). Anything
 * else is refused, as Jira refuses JQL it cannot parse, rather than matching too much.
 */
export function parseJql(jql: string): JqlFilter {
  const clauses = jql
    .trim()
    .split(/\s+AND\s+/i)
    .filter(Boolean);
  if (clauses.length === 0) throw new JqlError('Error in the JQL Query: the query is empty.');
  const tests = clauses.map((clause): JqlFilter => {
    const match = CLAUSE.exec(clause.trim());
    if (!match) throw new JqlError(`Error in the JQL Query: the simulator does not understand '${clause}'.`);
    const value = match[2] ?? match[3];
    if (match[1].toLowerCase() === 'project') {
      const wanted = value.toUpperCase();
      return () => wanted === seedJiraProject.key || value === seedJiraProject.id;
    }
    return (issue) => issue.labels.includes(value);
  });
  return (issue) => tests.every((test) => test(issue));
}
