// The server under test in the microblog benchmark: `flurfunk serve` in a child process of its
// own, so that the load generator's CPU is not the server's, and the requests the bench sends
// it as a signed-in person (session cookie; CSRF token and Origin for posts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE } from './microblog-baseline.js';
import type { Session } from './microblog-seed.js';
import type { Person } from './microblog-world.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_MS = 60_000;
const STOP_MS = 20_000;

export interface ServerProcess {
  readonly base: string;
  readonly pid: number;
  stop(): Promise<void>;
}


/** Starts `flurfunk serve` with exactly `env` (plus PATH and HOME) and waits until /readyz answers 200. */
export async function startServer(env: Record<string, string>, logFile: string, profileDir: string | undefined): Promise<ServerProcess> {
  const base = env.PUBLIC_URL!;
  const log = fs.openSync(logFile, 'a');
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(projectRoot, 'src/cli/main.ts'), 'serve'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_MS;
  for (;;) {
    if (gone) throw new Error(`the server exited before it was ready; its log:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within ${READY_MS / 1000} s; its log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    base,
    pid: child.pid!,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM'); // a graceful shutdown, which also writes the CPU profile
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
}

export interface Client {
  readonly base: string;
  readonly sessions: ReadonlyMap<string, Session>;
}

export function headers(client: Client, person: Person, extra: Record<string, string> = {}): Record<string, string> {
  const session = client.sessions.get(person.id)!;
  return { cookie: `flurfunk_session=${session.token}`, accept: 'application/json', ...extra };
}

/** Reads the whole answer; anything but the expected status fails the run with the answer's beginning. */
export async function expectStatus(res: Response, status: number, what: string): Promise<ArrayBuffer> {
  const body = await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  return body;
}

export async function getTimeline(client: Client, person: Person): Promise<ArrayBuffer> {
  return expectStatus(await fetch(`${client.base}/api/timeline?limit=${PAGE}`, { headers: headers(client, person) }), 200, 'timeline');
}

export async function getSearch(client: Client, person: Person, q: string): Promise<ArrayBuffer> {
  return expectStatus(await fetch(`${client.base}/api/search?limit=${PAGE}&q=${encodeURIComponent(q)}`, { headers: headers(client, person) }), 200, 'search');
}

/** Posts as a browser would; resolves to the status, 201 or 202 (stored, but the read models had not caught up). */
export async function post(client: Client, person: Person, spaceId: string, text: string): Promise<201 | 202> {
  const res = await fetch(`${client.base}/api/spaces/${spaceId}/posts`, {
    method: 'POST',
    headers: headers(client, person, { 'content-type': 'application/json', 'x-csrf-token': client.sessions.get(person.id)!.csrfToken, origin: new URL(client.base).origin }),
    body: JSON.stringify({ text }),
  });
  if (res.status === 202) {
    await res.arrayBuffer();
    return 202;
  }
  await expectStatus(res, 201, 'post');
  return 201;
}

/** The ids on a page of posts. */
export function pageIds(body: ArrayBuffer): string {
  return (JSON.parse(Buffer.from(body).toString('utf8')) as { items: { id: string }[] }).items.map((x) => x.id).join();
}
