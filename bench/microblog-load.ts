// Load generation for the microblog benchmark: a fixed number of concurrent loops, each
// awaiting one operation at a time, bounded by time and by a number of operations; latency
// percentiles and throughput; where the CPU went meanwhile (this process, the server process,
// the database's backends, read from /proc, so that a 2-core machine's figures say who was
// busy); and database counters per operation.
import fs from 'node:fs';

export type Operation = (loop: number, n: number) => Promise<void>;

export interface Cpu {
  /** CPU seconds per wall-clock second (1.0 = one core busy), or null where /proc could not be read. */
  readonly loadGenerator: number;
  readonly server: number | null;
  readonly postgres: number | null;
}

export interface Measurement {
  readonly concurrency: number;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly cpu: Cpu;
  /** Database counters (Processes.counters) per operation. */
  readonly perOperation: Readonly<Record<string, number>>;
}

/** The processes whose CPU time is attributed: the server (a child process) and the database backends serving this bench. */
export interface Processes {
  readonly serverPid: number | undefined;
  /** Backend pids of the bench's database, asked for before and after each slice. */
  readonly postgresPids: () => Promise<number[]>;
  /** Cumulative counters read before and after each slice (transactions, WAL, …); reported per operation. */
  readonly counters: () => Promise<Record<string, number>>;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** utime + stime of a process in seconds, or undefined when it cannot be read. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface CpuSample {
  readonly self: NodeJS.CpuUsage;
  readonly server: number | undefined;
  readonly postgres: ReadonlyMap<number, number>;
}

async function sampleCpu(processes: Processes): Promise<CpuSample> {
  const postgres = new Map<number, number>();
  for (const pid of await processes.postgresPids()) {
    const s = processCpuSeconds(pid);
    if (s !== undefined) postgres.set(pid, s);
  }
  return { self: process.cpuUsage(), server: processes.serverPid === undefined ? undefined : processCpuSeconds(processes.serverPid), postgres };
}

/** CPU seconds spent between two samples; backends that appeared meanwhile count from zero. */
function cpuBetween(a: CpuSample, b: CpuSample): { self: number; server: number | null; postgres: number | null } {
  const self = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6;
  const server = a.server !== undefined && b.server !== undefined ? b.server - a.server : null;
  let postgres: number | null = b.postgres.size > 0 ? 0 : null;
  for (const [pid, s] of b.postgres) postgres = (postgres ?? 0) + s - (a.postgres.get(pid) ?? 0);
  return { self, server, postgres };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Sums timed slices of one operation into one Measurement. */
export class Tally {
  private operations = 0;
  private elapsedMs = 0;
  private cpu = { self: 0, server: 0 as number | null, postgres: 0 as number | null };
  private readonly counted = new Map<string, number>();
  private readonly latencies: number[] = [];
  private started = 0;

  constructor(
    private readonly concurrency: number,
    private readonly op: Operation,
    private readonly processes: Processes,
    /** At most this many operations are recorded in all slices together. */
    private readonly maxOperations: number,
  ) {}

  get full(): boolean {
    return this.operations >= this.maxOperations;
  }

  /** Runs the loops for `ms` (or until the operation budget is spent); the slice ends when the last operation has finished. */
  async slice(ms: number, record = true): Promise<void> {
    const budget = record ? this.maxOperations - this.operations : Number.POSITIVE_INFINITY;
    if (budget <= 0) return;
    const countersBefore = await this.processes.counters();
    const before = await sampleCpu(this.processes);
    const sliceStart = performance.now();
    const deadline = sliceStart + ms;
    let begun = 0;
    let failed = false;
    const latencies: number[] = [];
    const settled = await Promise.allSettled(
      Array.from({ length: this.concurrency }, async (_, loop) => {
        while (!failed && begun < budget && performance.now() < deadline) {
          const n = this.started++;
          begun++;
          const t = performance.now();
          try {
            await this.op(loop, n);
          } catch (err) {
            failed = true;
            throw err;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = performance.now() - sliceStart;
    // Every loop has stopped before the first error is passed on, so nothing is left in flight.
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    if (!record) return;
    const cpu = cpuBetween(before, await sampleCpu(this.processes));
    for (const [name, value] of Object.entries(await this.processes.counters())) this.counted.set(name, (this.counted.get(name) ?? 0) + value - (countersBefore[name] ?? 0));
    this.elapsedMs += elapsed;
    this.operations += latencies.length;
    this.cpu = {
      self: this.cpu.self + cpu.self,
      server: this.cpu.server === null || cpu.server === null ? null : this.cpu.server + cpu.server,
      postgres: this.cpu.postgres === null || cpu.postgres === null ? null : this.cpu.postgres + cpu.postgres,
    };
    for (const l of latencies) this.latencies.push(l);
  }

  result(): Measurement {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 2);
    const perWallSecond = (s: number | null) => (s === null ? null : round(s / (this.elapsedMs / 1000), 2));
    return {
      concurrency: this.concurrency,
      operations: this.operations,
      seconds: round(this.elapsedMs / 1000, 2),
      perSecond: Math.round((this.operations / this.elapsedMs) * 1000),
      latencyMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: round(sorted[sorted.length - 1] ?? 0, 2) },
      cpu: { loadGenerator: perWallSecond(this.cpu.self)!, server: perWallSecond(this.cpu.server), postgres: perWallSecond(this.cpu.postgres) },
      perOperation: Object.fromEntries([...this.counted].map(([name, total]) => [name, round(total / Math.max(1, this.operations), 2)])),
    };
  }
}

export interface PairSettings {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly sliceMs: number;
  readonly maxOperations: number;
}

/**
 * Measures Flurfunk and its raw baseline in alternating slices (A B, B A, A B, …), so that
 * both see the same machine: on this shared VM the rates drift within minutes.
 */
export async function measurePair(settings: PairSettings, processes: Processes, a: Operation, b: Operation): Promise<[Measurement, Measurement]> {
  const ta = new Tally(settings.concurrency, a, processes, settings.maxOperations);
  const tb = new Tally(settings.concurrency, b, processes, settings.maxOperations);
  await ta.slice(settings.warmupMs, false);
  await tb.slice(settings.warmupMs, false);
  const slices = Math.max(1, Math.round(settings.measureMs / settings.sliceMs));
  for (let i = 0; i < slices; i++) {
    for (const t of i % 2 === 0 ? [ta, tb] : [tb, ta]) await t.slice(settings.measureMs / slices);
  }
  return [ta.result(), tb.result()];
}

export function describe(m: Measurement): string {
  const cpu = `CPU: load generator ${m.cpu.loadGenerator}, server ${m.cpu.server ?? 'n/a'}, PostgreSQL ${m.cpu.postgres ?? 'n/a'}`;
  return `${String(m.perSecond).padStart(6)}/s  p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms (${m.operations} in ${m.seconds} s; ${cpu})`;
}
