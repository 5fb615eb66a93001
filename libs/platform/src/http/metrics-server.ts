import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { register } from 'prom-client';

/**
 * Serves `/metrics` alone on its own port (`METRICS_PORT`), so scrapes can be kept to an internal
 * network while the API port faces callers; the API port then answers 404 for `/metrics`.
 */
export async function startMetricsServer(host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: 'only GET /metrics is served here' } }));
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      () =>
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } })),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
