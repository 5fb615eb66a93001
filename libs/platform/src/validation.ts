import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** One problem with an input: the field it is in and what is wrong. */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * Validates an input against its schema; on failure throws the one 400 of every API, naming each
 * bad field (`field: message; ...`) with the issues in `details.issues`. `field` names the input
 * when it is a single value (a header or a path parameter); `where` names a whole body or query.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, name: { field?: string; where?: string } = {}): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = parsed.error.issues.map((issue) => ({
    field: name.field ?? fieldOf(issue, name.where ?? '(body)'),
    message: issue.message,
  }));
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}

function fieldOf(issue: z.core.$ZodIssue, fallback: string): string {
  const path = issue.path.map(String).join('.');
  if (path) return path;
  // An unknown key has no path of its own: name the keys.
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return fallback;
}
