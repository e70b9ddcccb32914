// Runs Flurfunk's CLI and test fixtures as real child processes (TypeScript through tsx).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts a TypeScript entry point in a child process with exactly the given environment. */
export function startTs(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `flurfunk <args>` to completion. */
export function runCli(args: string[], env: Record<string, string>): Promise<Finished> {
  return finished(startTs('src/cli/main.ts', args, env));
}

/**
 * Runs `flurfunk <args>` to completion inside this process: the same command line (program.ts,
 * which main.ts runs) with exactly the environment and working folder a child of runCli gets,
 * its stdout and stderr captured and process.exitCode as the exit code. Saves the child's start
 * (tsx, imports, WebAssembly) where a test is about what a command does, not about the process:
 * tests of exit on signals, locks between processes or a process's start keep runCli. The
 * embedded database's folder lock holds here as well, so stop the world's runtime first.
 */
export async function runCliInProcess(args: string[], env: Record<string, string>): Promise<Finished> {
  const { runCommandLine } = await import('../../src/cli/program.js');
  const saved = { env: { ...process.env }, cwd: process.cwd(), exitCode: process.exitCode };
  let stdout = '';
  let stderr = '';
  const restoreOut = captureWrites(process.stdout, (text) => (stdout += text));
  const restoreErr = captureWrites(process.stderr, (text) => (stderr += text));
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, { PATH: saved.env.PATH ?? '', HOME: saved.env.HOME ?? '', ...env });
  process.chdir(projectRoot);
  process.exitCode = undefined;
  try {
    await runCommandLine([process.execPath, path.join(projectRoot, 'src/cli/main.ts'), ...args]);
    const code = process.exitCode ?? 0;
    return { code: typeof code === 'number' ? code : Number(code), signal: null, stdout, stderr };
  } finally {
    restoreOut();
    restoreErr();
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved.env);
  }
}

/** Sends what is written to `stream` (console.log, commander) to `append` instead; returns the undo. */
function captureWrites(stream: NodeJS.WriteStream, append: (text: string) => void): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'write');
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    rest.find((r): r is () => void => typeof r === 'function')?.();
    return true;
  };
  Object.defineProperty(stream, 'write', { value: write, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(stream, 'write', own);
    else Reflect.deleteProperty(stream, 'write');
  };
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process ends first. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const hit = lines.find((l) => pattern.test(l));
      if (hit !== undefined) {
        child.stdout?.off('data', onData);
        child.off('close', onClose);
        resolve(hit);
      }
    };
    const onClose = (code: number | null) => reject(new Error(`process ended (${code}) before printing ${pattern}`));
    child.stdout?.on('data', onData);
    child.once('close', onClose);
  });
}

/** The URL a `flurfunk serve` child announces once it listens (it must log at info level). */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"Flurfunk is listening"/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('close', () => reject(new Error(`serve ended early: ${seen}`)));
  });
}
