// A Flurfunk server for HTTP tests: its own world, the shipped policy, a port known before it
// listens (so PUBLIC_URL, and with it the development provider's issuer, is right), and a
// restart that keeps database, data folder and port.
import { startServer, type RunningServer } from '../../src/http/server.js';
import { freePort } from './browser.js';
import { createWorld, type World } from './world.js';

export interface TestServer {
  readonly world: World;
  readonly base: string;
  readonly server: RunningServer;
  /** Stops the server and starts a new one on the same world and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFlurfunk(extraEnv: Record<string, string> = {}, options: { clock?: () => Date; port?: number } = {}): Promise<TestServer> {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const world = await createWorld({ PORT: String(port), PUBLIC_URL: base, ...extraEnv });
  let server = await startServer(await world.start({ policy: { watch: false }, clock: options.clock }));
  return {
    world,
    base,
    get server() {
      return server;
    },
    async restart() {
      await server.shutdown('test restart');
      await world.stop();
      server = await startServer(await world.start({ policy: { watch: false }, clock: options.clock }));
    },
    async stop() {
      await server.shutdown('test finished');
      await world.stop();
    },
  };
}
