/** Which description format a schema comes from. */
export type SpecDialect = 'openapi3' | 'swagger2';

type Node = Record<string, unknown>;

/**
 * Rewrites one schema node's OpenAPI quirks into JSON Schema (draft-07) that ajv understands:
 * - OpenAPI 3.0 `nullable: true` becomes a `null` type (and a `null` enum member);
 * - OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric draft-07 forms;
 * - examples are dropped;
 * - Slack's Swagger 2.0 file writes "one of these" as `items: [a, b]` on non-array schemas, which JSON Schema would
 *   silently ignore; it becomes `anyOf: [a, b]` so the alternatives are really checked.
 */
function convertNode(node: Node, dialect: SpecDialect): void {
  // Examples are documentation; some carry `id`/`$id` values such as `https://{yourOktaDomain}/…` that a JSON Schema
  // validator would try to resolve as schema identifiers.
  delete node.example;
  delete node.examples;
  if (dialect === 'openapi3' && node.nullable === true) {
    delete node.nullable;
    if (typeof node.type === 'string') {
      node.type = [node.type, 'null'];
      if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
    } else {
      // No single type to widen (a $ref or a composition): accept null next to the schema itself.
      const inner = { ...node };
      for (const key of Object.keys(node)) delete node[key];
      node.anyOf = [inner, { type: 'null' }];
    }
  }
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (node[bound] === true) {
      node[bound] = node[limit];
      delete node[limit];
    } else if (node[bound] === false) {
      delete node[bound];
    }
  }
  if (dialect === 'swagger2' && Array.isArray(node.items) && node.type !== 'array') {
    node.anyOf = node.items;
    delete node.items;
  }
}

/** Converts every schema in a description, in place (walking the whole document is cheap and idempotent). */
export function convertToJsonSchema(document: unknown, dialect: SpecDialect): void {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      convertNode(value as Node, dialect);
      stack.push(...Object.values(value));
    }
  }
}
