import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private `nats-server -js` a test can stop and restart, keeping its port and its store. */
export class PrivateNatsServer {
  private child?: ChildProcess;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'jit-nats-'));

  private configFile?: string;

  private constructor(readonly port: number) {}

  /**
   * Starts a server on a free port. `config` is a nats-server configuration (an `authorization`
   * block, say) that the server loads with the command-line settings on top.
   */
  static async start(options: { config?: string } = {}): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort());
    if (options.config !== undefined) {
      server.configFile = join(mkdtempSync(join(tmpdir(), 'jit-nats-conf-')), 'nats.conf');
      writeFileSync(server.configFile, options.config, { mode: 0o600 });
    }
    await server.restart();
    return server;
  }

  /** Replaces the configuration the server loads at its next `restart` (a changed password, say). */
  reconfigure(config: string): void {
    if (!this.configFile) throw new Error('this server was started without a configuration file');
    writeFileSync(this.configFile, config, { mode: 0o600 });
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port and store, and waits until it accepts connections. */
  async restart(): Promise<void> {
    const config = this.configFile ? ['-c', this.configFile] : [];
    this.child = spawn('nats-server', [...config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    // Up once it greets a client with INFO: that holds whatever login or TLS its configuration asks for.
    while (!(await greets(this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server on port ${this.port} did not start within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A loopback port nothing listens on right now (the system's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
