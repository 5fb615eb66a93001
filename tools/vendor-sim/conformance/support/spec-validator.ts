import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { convertToJsonSchema, type SpecDialect } from './json-schema.js';

type Json = Record<string, unknown>;

/** A documented response: its schema pointer (if the vendor documents a body) and where it came from. */
export interface DocumentedResponse {
  /** JSON pointer to the body schema inside the description, when one is documented. */
  schemaPointer?: string;
  /** How the response was found, for failure messages. */
  source: string;
}

const escapePointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Validates response bodies against one vendor description. The whole description is added to ajv once, after its
 * OpenAPI quirks are converted, and each response schema is compiled on first use by pointing into it, so `$ref`s are
 * resolved by ajv within the vendor's own document and only the schemas actually reached get compiled.
 */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    name: string,
    private readonly document: Json,
    private readonly dialect: SpecDialect,
  ) {
    convertToJsonSchema(document, dialect);
    this.id = `https://vendor-specs.invalid/${name}.json`;
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
    // ajv-formats is CommonJS; its function is also its own `default`, which is what ESM type-checking sees.
    ajvFormats.default(this.ajv);
    this.ajv.addSchema({ ...document, $id: this.id });
  }

  /** The operation object for a documented path and method; fails loudly if the vendor does not document it. */
  operation(path: string, method: string): Json {
    const operation = ((this.document.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()];
    if (!operation) throw new Error(`${this.id}: ${method.toUpperCase()} ${path} is not documented`);
    return operation as Json;
  }

  /** HTTP methods the description documents for a path, lower-case. */
  methodsOf(path: string): string[] {
    return Object.keys(((this.document.paths as Json)[path] as Json | undefined) ?? {});
  }

  /** Status codes the operation documents (`default` included as such). */
  documentedStatuses(path: string, method: string): string[] {
    return Object.keys(this.operation(path, method).responses as Json);
  }

  /** Resolves a `#/...` reference to its JSON pointer and target. */
  resolve(ref: string): { pointer: string; node: Json } {
    const pointer = ref.replace(/^#/, '');
    const node = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((n, part) => (n as Json)[part], this.document);
    return { pointer, node: node as Json };
  }

  /**
   * The response documented for a status: the operation's own entry, or the given shared `#/components/responses/...`
   * fallback when the vendor documents that status once for the whole API instead of per operation.
   */
  documentedResponse(path: string, method: string, status: number | 'default', fallbackRef?: string): DocumentedResponse | undefined {
    const responses = this.operation(path, method).responses as Json;
    let pointer = `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${status}`;
    let source = `${method.toUpperCase()} ${path} → ${status}`;
    let response = responses[String(status)] as Json | undefined;
    if (!response && fallbackRef) {
      ({ pointer } = this.resolve(fallbackRef));
      response = this.resolve(fallbackRef).node;
      source = `${fallbackRef} (shared response)`;
    }
    if (!response) return undefined;
    while (typeof response.$ref === 'string') {
      ({ pointer, node: response } = this.resolve(response.$ref));
    }
    if (this.dialect === 'swagger2') {
      return { schemaPointer: response.schema ? `${pointer}/schema` : undefined, source };
    }
    const json = (response.content as Json | undefined)?.['application/json'] as Json | undefined;
    return { schemaPointer: json?.schema ? `${pointer}/content/application~1json/schema` : undefined, source };
  }

  /** Validates a value against the schema at a pointer (`/components/schemas/X` or a response schema pointer). */
  errors(schemaPointer: string, value: unknown): string[] {
    let validate = this.compiled.get(schemaPointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${this.id}#${schemaPointer}` });
      this.compiled.set(schemaPointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}
