type Kind = 'object' | 'array' | 'scalar' | 'null';

const kindOf = (value: unknown): Kind =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : 'scalar';

/** Every key path in a JSON value (array items collapsed to `[]`, all items merged) with the kinds found there. */
export function shapeOf(value: unknown, path = '', shape = new Map<string, Set<Kind>>()): Map<string, Set<Kind>> {
  if (path !== '') shape.set(path, (shape.get(path) ?? new Set()).add(kindOf(value)));
  if (Array.isArray(value)) for (const item of value) shapeOf(item, `${path}[]`, shape);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) shapeOf(child, `${path}.${key}`, shape);
  }
  return shape;
}

/**
 * Where a response leaves the fixture's shape: a key path the fixture never shows, or a value of another kind
 * (object/array/scalar) than the fixture has there. Values and required-ness are not compared: the fixtures blank
 * values and merge optional fields of many payloads.
 */
export function shapeMismatches(response: unknown, fixture: unknown): string[] {
  const expected = shapeOf(fixture);
  const mismatches: string[] = [];
  for (const [path, kinds] of shapeOf(response)) {
    const known = expected.get(path);
    if (!known) mismatches.push(`${path} is not in the fixture`);
    else
      for (const kind of kinds) {
        if (kind !== 'null' && !known.has(kind) && !known.has('null'))
          mismatches.push(`${path} is ${kind}, fixture has ${[...known].join('/')}`);
      }
  }
  return mismatches;
}
