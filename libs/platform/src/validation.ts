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
 * Control characters are refused before the schema runs (see `controlCharacterIssues`): a body's
 * text may hold tabs and line breaks, a single value or a query (`where` naming a query) nothing of the kind.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, name: { field?: string; where?: string } = {}): z.output<S> {
  const where = name.where ?? '(body)';
  // A single value (header, path parameter) or a query never carries layout; a body (JSON, a Slack payload) may.
  const text = name.field !== undefined || /query/.test(where) ? 'strict' : 'free';
  const controls = controlCharacterIssues(input, { text, field: name.field ?? '' });
  if (controls.length > 0) refuse(controls);
  const parsed = schema.safeParse(input, { error: limitMessage });
  if (parsed.success) return parsed.data;
  refuse(
    parsed.error.issues.map((issue) => ({
      field: name.field ?? fieldOf(issue, where),
      message: issue.message,
    })),
  );
}

/**
 * The message of a broken length or size limit, naming the limit (`must be at most 2000 characters`),
 * for every schema that does not say its own; zod's default reads `Too big: expected string to have
 * <=2000 characters`. Passed to every parse, so it ranks below a schema's own message: a schema-wide
 * `error` would hide it (see `typeMessage`).
 */
export function limitMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return undefined;
  const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  const bound =
    issue.code === 'too_big' ? (issue.inclusive === false ? 'less than' : 'at most') : issue.inclusive === false ? 'more than' : 'at least';
  switch (issue.origin) {
    case 'string':
      if (issue.code === 'too_small' && limit === 1 && issue.inclusive !== false) return 'must not be empty';
      return `must be ${bound} ${limit} ${limit === 1 ? 'character' : 'characters'}`;
    case 'array':
    case 'set':
      return `must have ${bound} ${limit} ${limit === 1 ? 'item' : 'items'}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${bound} ${limit}`;
    default:
      return undefined;
  }
}

/**
 * A schema's own message for a missing value or one of the wrong type, and only for that: given as a
 * schema's whole `error`, a message would also stand for its limits (a 2,001-character justification
 * answered "is required").
 */
export function typeMessage(message: string): (issue: z.core.$ZodRawIssue) => string | undefined {
  return (issue) => (issue.code === 'invalid_type' ? message : undefined);
}

/** Throws the one 400 for these issues. */
function refuse(issues: FieldIssue[]): never {
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}

function fieldOf(issue: z.core.$ZodIssue, fallback: string): string {
  const path = issue.path.map(String).join('.');
  if (path) return path;
  // An unknown key has no path of its own: name the keys.
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return fallback;
}

// C0 controls, DEL and C1 controls. NUL is the one Postgres refuses outright (a 500 if it gets that
// far); the others hide text from a reader (a log line, a CSV cell, a terminal) or forge line breaks.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Free text (a justification, a comment) may be laid out with tabs and line breaks, nothing else.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FREE_TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * The control characters in an input, one issue per field that holds one: NUL and every other C0 or
 * C1 control, in keys and values at any depth. With `text: 'free'` (a JSON body) a string value may
 * still hold tab, line feed and carriage return; ids, names and logins never travel with those, and
 * in `strict` text (a query, a header, a path) nothing is allowed.
 */
export function controlCharacterIssues(input: unknown, options: { text: 'free' | 'strict'; field?: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const valueRule = options.text === 'free' ? FREE_TEXT_CONTROL : CONTROL;
  const message = 'must not contain control characters (NUL, C0 or C1)';
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      if (valueRule.test(value)) issues.push({ field: path || '(body)', message });
      return;
    }
    // Deeper than any body the APIs accept: the schema refuses it, without a deep recursion here.
    if (depth > 32 || value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (CONTROL.test(key)) issues.push({ field: JSON.stringify(key), message });
      else visit(inner, at, depth + 1);
    }
  };
  visit(input, options.field ?? '', 0);
  return issues;
}
