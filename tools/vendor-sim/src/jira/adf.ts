import { z } from 'zod';

/** One ADF node: a typed node with optional children, text, attributes and marks. */
export interface AdfNode {
  type: string;
  content?: AdfNode[];
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

const markSchema = z.object({ type: z.string().min(1), attrs: z.record(z.string(), z.unknown()).optional() });

const nodeSchema: z.ZodType<AdfNode> = z.lazy(() =>
  z.object({
    type: z.string().min(1),
    content: z.array(nodeSchema).optional(),
    // ADF forbids empty text nodes.
    text: z.string().min(1).optional(),
    attrs: z.record(z.string(), z.unknown()).optional(),
    marks: z.array(markSchema).optional(),
  }),
);

/** An Atlassian Document Format document: the root is `{type: "doc", version: 1, content: [...]}`. */
export const adfDocumentSchema = z.object({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(nodeSchema),
});

/** A validated ADF document. */
export type AdfDocument = z.infer<typeof adfDocumentSchema>;

/** Jira's message when a rich-text field is given anything but an ADF document. */
export const NOT_ADF_MESSAGE = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
