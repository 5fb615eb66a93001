import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument, type DocumentInfo, type HandWrittenPaths, type OpenApiDocument } from './document.js';

/** Where a service serves its API documentation: the UI, and the document as JSON. */
export const DOCS_PATH = '/docs';
/** The OpenAPI document as JSON. */
export const DOCS_JSON_PATH = '/docs-json';

/**
 * Serves the OpenAPI document at `/docs-json` and Swagger UI at `/docs`, from swagger-ui-dist's
 * own files (no CDN, so it works offline). Both are plain HTTP routes outside Nest's router, so
 * no guard applies: the documentation is public. Call before the app is initialised, so these
 * routes come before Nest's not-found handler.
 */
export function serveOpenApi(app: INestApplication, info: DocumentInfo, handWritten?: HandWrittenPaths): void {
  let document: OpenApiDocument | undefined;
  // Built on first request: by then every module's controllers are known.
  const factory = (): OpenApiDocument => (document ??= buildOpenApiDocument(app, info, handWritten));
  SwaggerModule.setup(DOCS_PATH.slice(1), app, factory as never, {
    jsonDocumentUrl: DOCS_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: `${info.title} API`,
  });
}
