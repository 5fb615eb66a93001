import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';

/** The path Slack posts button clicks (interactivity payloads) to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Keeps the body of `POST /slack/events` as the raw bytes Slack signed. Nest installs its JSON and
 * urlencoded parsers when the app initialises, before any module middleware, and a parsed body
 * cannot be turned back into the exact bytes; so the raw parser is put on the Express app while
 * providers are built, which is earlier. (The platform does not create the app with `rawBody`.)
 */
@Injectable()
export class SlackRawBody {
  constructor(adapterHost: HttpAdapterHost) {
    const app = adapterHost.httpAdapter.getInstance<express.Express>();
    app.use(SLACK_EVENTS_PATH, express.raw({ type: () => true, limit: '1mb' }));
  }
}

/** The raw body the parser above kept; empty when there was none. */
export function rawBodyOf(body: unknown): string {
  return Buffer.isBuffer(body) ? body.toString('utf8') : '';
}
