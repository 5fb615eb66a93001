import type { Response } from 'express';
import type { z } from 'zod';

/** Answers a `/_sim` request whose body failed validation: 400 naming every offending field. */
export function sendInvalidBody(res: Response, error: z.ZodError): void {
  const issues = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  res.status(400).json({
    error: `invalid request body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    fields: [...new Set(issues.map((i) => i.field))],
    issues,
  });
}
