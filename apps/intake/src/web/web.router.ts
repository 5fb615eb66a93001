import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { PinoLogger } from 'nestjs-pino';
import { forward, serviceFor } from './api-forwarding.js';
import { SignIn, type PendingSignIn, type SignedIn } from './sign-in.js';
import type { WebSettings } from './web.config.js';

declare module 'express-session' {
  interface SessionData {
    user?: SignedIn;
    pending?: PendingSignIn;
  }
}

/** The paths of the web app's pages (its router's routes): each is answered with the app's index.html. */
const PAGES = ['/', '/request', '/requests', '/approvals', '/audit', '/audit/requests/:id'];

/** How long a session lasts at most; it also ends when the IdP's access token expires. */
const SESSION_MAX_AGE_MS = 8 * 3600 * 1000;

/** The JSON error shape every service answers with. */
function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/**
 * The web app's backend-for-frontend, mounted in intake: the built pages at `/`, sign-in and
 * sign-out (`/auth/*`), who is signed in (`/web/session`), and the services' public APIs under
 * `/web/api`, called with the signed-in person's token. The browser holds only an HttpOnly,
 * SameSite session cookie; the token stays in the server-side session. Every state-changing call
 * must carry the session's CSRF token in `X-CSRF-Token` (synchroniser token pattern).
 */
export function webRouter(settings: WebSettings, store: session.Store, logger: PinoLogger, now: () => number): Router {
  const router = Router();
  const signIn = new SignIn(settings);
  const secure = settings.publicUrl?.startsWith('https://') ?? false;
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => req.headers['x-csrf-token'] as string | undefined,
    errorConfig: { statusCode: 403, code: 'csrf', message: 'missing or wrong X-CSRF-Token: reload the page and try again' },
  });

  // The pages load only what intake serves; nothing inline, no framing.
  const contentSecurityPolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
      ...(secure ? { upgradeInsecureRequests: [] } : {}),
    },
  });
  const sessions = session({
    store,
    secret: settings.sessionSecret,
    name: secure ? '__Host-jit-session' : 'jit-session',
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: secure,
    // Lax, not Strict: the IdP's redirect back to /auth/callback is a cross-site navigation that must carry the cookie.
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_MAX_AGE_MS },
  });

  const web: RequestHandler[] = [contentSecurityPolicy, sessions];

  router.get('/auth/login', web, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const redirectUri = `${publicUrlOf(req, settings)}/auth/callback`;
      const { url, pending } = await signIn.start(redirectUri, safeReturnTo(req.query.returnTo));
      req.session.pending = pending;
      req.session.save((error: unknown) => (error ? next(error) : res.redirect(302, url)));
    } catch (error) {
      logger.error({ err: error }, 'web sign-in could not start');
      sendError(res, 503, 'idp_unavailable', `sign-in is unavailable: ${(error as Error).message}`);
    }
  });

  router.get('/auth/callback', web, async (req: Request, res: Response, next: NextFunction) => {
    const pending = req.session.pending;
    if (!pending) return sendError(res, 400, 'no_sign_in', 'no sign-in is under way in this browser: start again at /auth/login');
    let user: SignedIn;
    try {
      user = await signIn.finish(new URL(req.originalUrl, publicUrlOf(req, settings)), pending, now());
    } catch (error) {
      logger.warn({ err: error }, 'web sign-in refused');
      delete req.session.pending;
      return sendError(res, 401, 'sign_in_failed', `sign-in failed: ${(error as Error).message}`);
    }
    // A new session id at sign-in, so an id planted before it is worth nothing (session fixation).
    req.session.regenerate((error: unknown) => {
      if (error) return next(error);
      req.session.user = user;
      generateToken(req, true);
      req.session.save((saveError: unknown) => (saveError ? next(saveError) : res.redirect(302, pending.returnTo)));
    });
  });

  router.post('/auth/logout', web, csrfSynchronisedProtection, (req: Request, res: Response, next: NextFunction) => {
    req.session.destroy((error: unknown) => (error ? next(error) : res.status(204).end()));
  });

  router.get('/web/session', web, signedIn(now), (req: Request, res: Response) => {
    const user = req.session.user!;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ login: user.login, name: user.name, csrfToken: generateToken(req) });
  });

  router.use('/web/api', web, signedIn(now), csrfSynchronisedProtection, async (req: Request, res: Response, next: NextFunction) => {
    // Dot segments resolved first (`/v1/requests/../admin/keys` is `/v1/admin/keys`), as the service's own router would.
    const url = new URL(req.url, 'http://web.invalid');
    const path = `${url.pathname}${url.search}`;
    const target = serviceFor(url.pathname, settings, `http://${localAddressOf(req)}`);
    if (!target || (req.method !== 'GET' && req.method !== 'POST')) {
      return sendError(res, 404, 'not_found', `${req.method} /web/api${path} is not an API the web app calls`);
    }
    try {
      await forward(req, res, target, path, req.session.user!.accessToken);
    } catch (error) {
      logger.error({ err: error, target }, 'web app call to a service failed');
      if (!res.headersSent) sendError(res, 502, 'service_unavailable', 'the service did not answer; try again shortly');
      else next(error);
    }
  });

  router.use(
    '/assets',
    contentSecurityPolicy,
    express.static(join(settings.assetsDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }),
  );
  router.get(PAGES, contentSecurityPolicy, (_req: Request, res: Response) => {
    const index = join(settings.assetsDir, 'index.html');
    if (!existsSync(index)) return sendError(res, 503, 'not_built', 'the web app is not built: run npm run build:web');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });

  return router;
}

/** Answers 401 unless someone is signed in and the IdP's token has not expired. */
function signedIn(now: () => number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.session.user;
    if (user && user.expiresAt > now()) return next();
    if (user) delete req.session.user;
    sendError(res, 401, 'unauthenticated', 'not signed in: open /auth/login');
  };
}

/** The redirect target after sign-in: a path of this site only, never another origin. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

/**
 * The web app's origin. Outside local mode it is WEB_PUBLIC_URL (required); in local mode, without
 * it, the address the browser used, so `npm start` works on whatever port it got.
 */
function publicUrlOf(req: Request, settings: WebSettings): string {
  return settings.publicUrl ?? `${req.protocol}://${req.get('host')}`;
}

/** This intake, as the web app's own calls reach it: the address and port the browser's request came in on. */
function localAddressOf(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') && !address.startsWith('::ffff:') ? `[${address}]` : address.replace(/^::ffff:/, '');
  return `${host}:${req.socket.localPort}`;
}
