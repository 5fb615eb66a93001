import { z } from 'zod';

/** The vendors a fault can target. */
export const vendors = ['okta', 'jira', 'slack'] as const;

/** A vendor the simulator speaks for. */
export type Vendor = (typeof vendors)[number];

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Body of `POST /_sim/faults`. */
export const faultSpecSchema = z
  .object({
    vendor: z.enum(vendors),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(httpMethods))
      .optional(),
    /** Glob over the request path: `*` matches any run of characters (slashes included), `?` one character. */
    path: z.string().startsWith('/'),
    status: z.number().int().min(400).max(599).optional(),
    count: z.number().int().positive().optional(),
    seconds: z.number().positive().max(86_400).optional(),
    latencyMs: z.number().int().nonnegative().max(120_000).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined, {
    message: 'a fault needs a status, a latencyMs, or both',
    path: ['status'],
  });

/** A validated fault request. */
export type FaultSpec = z.infer<typeof faultSpecSchema>;
