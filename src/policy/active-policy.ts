// Which policy set decides right now, in this process and in every other process on the same
// database. Activation is an event on the `policy` stream carrying the set's files, so every
// process compiles exactly the same set; each one follows the stream (woken by NOTIFY on a
// server, in-process on the embedded database) and switches within a second.
//
// The folder is the admins' proposal: at start and whenever it changes, a set that validates
// and passes its own tests is activated (PolicyActivated); one that does not is recorded as
// PolicyRejected with its located problems, and the last good set stays active.
import os from 'node:os';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { FlurfunkError, PolicyInvalidError, WrongExpectedVersionError } from '../errors.js';
import type { EventStore, Subscription } from '../events/event-store.js';
import type { JsonObject, RecordedEvent } from '../events/types.js';
import type { Logger } from '../log/logger.js';
import type { CompiledPolicy } from './compile.js';
import { diffPolicies, type PolicyDiff } from './diff.js';
import { compileFiles, loadPolicyFolder, testFailures } from './load-policy.js';

export const POLICY_STREAM = 'policy';
export const POLICY_ACTOR = 'system:policy';
const DEBOUNCE_MS = 300;
const MAX_DIFF_LINES = 200;

export type PolicyTrigger = 'startup' | 'file-change';

export interface RejectedPolicy {
  readonly at: Date;
  readonly version: string | null;
  readonly problems: readonly string[];
}

interface Activation {
  readonly streamVersion: number;
  readonly version: string;
  readonly files: Record<string, string>;
  /** When it was activated (its event); undefined for one being activated now. */
  readonly at?: Date;
}

export interface ActivePolicyOptions {
  readonly store: EventStore;
  readonly dir: string;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Watch the folder and activate changes (serve); off for one-shot commands and some tests. */
  readonly watch: boolean;
}

export class ActivePolicy {
  private active: CompiledPolicy | undefined;
  private activatedAt = new Date(0);
  private rejected: RejectedPolicy | undefined;
  /** The test files the folder held with the active set, when this process read them there. */
  private tests: { readonly version: string; readonly files: Readonly<Record<string, string>> } | undefined;
  private streamVersion = 0;
  private watcher: FSWatcher | undefined;
  private follower: Subscription | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(policy: CompiledPolicy) => void>();

  private constructor(private readonly options: ActivePolicyOptions) {}

  /** Activates the folder's set (or keeps the last activated one) and starts following. */
  static async start(options: ActivePolicyOptions): Promise<ActivePolicy> {
    const active = new ActivePolicy(options);
    await active.init();
    return active;
  }

  get current(): CompiledPolicy {
    if (!this.active) throw new Error('no active policy'); // start() guarantees one
    return this.active;
  }

  get version(): string {
    return this.current.version;
  }

  get since(): Date {
    return this.activatedAt;
  }

  get lastRejected(): RejectedPolicy | undefined {
    return this.rejected;
  }

  /**
   * The test files that came with the active set from the folder (name → text), or undefined
   * when this process has not read that set from its folder (activated by another process).
   */
  get testFiles(): Readonly<Record<string, string>> | undefined {
    return this.tests && this.active?.version === this.tests.version ? this.tests.files : undefined;
  }

  /** Called with each newly active policy (after activation here or in another process). */
  onChange(listener: (policy: CompiledPolicy) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the folder now (what the watcher does after a change). */
  reload(trigger: PolicyTrigger = 'file-change'): Promise<void> {
    this.reloading = this.reloading.then(() => this.proposeFolder(trigger)).catch((err: unknown) => this.options.logger.error({ err }, 'policy reload failed'));
    return this.reloading;
  }

  async close(): Promise<void> {
    clearTimeout(this.debounce);
    await this.watcher?.close();
    await this.follower?.stop();
    await this.reloading;
  }

  private async init(): Promise<void> {
    const { store } = this.options;
    // Follow from before reading the history: nothing activated meanwhile elsewhere is missed.
    const head = await store.head();
    const history = await this.history();
    const latest = history.at(-1);
    // Active since its activation, not since this process started.
    if (latest) this.adopt(latest, latest.at);
    await this.proposeFolder('startup', history);
    if (!this.active) throw new PolicyInvalidError(this.rejected?.problems ?? [], 'No policy set has ever been activated and the policy folder cannot be');
    this.follower = store.subscribe(head.position, (events) => {
      this.follow(events);
      return Promise.resolve();
    });
    if (this.options.watch) await this.startWatching();
  }

  private async history(): Promise<Activation[]> {
    const events = await this.options.store.readStream(POLICY_STREAM);
    this.streamVersion = events.at(-1)?.streamVersion ?? 0;
    return events.filter((e) => e.type === 'PolicyActivated').map(toActivation);
  }

  private adopt(activation: Activation, at = new Date()): void {
    if (this.active?.version === activation.version) return;
    // Sets travel with their events; they compiled when activated, but a newer engine could
    // reject an old set. Keep the current one then, and say so.
    try {
      this.active = compileFiles(activation.files);
    } catch (err) {
      this.options.logger.error({ err, version: activation.version }, 'an activated policy set does not compile here; keeping the current one');
      return;
    }
    this.activatedAt = at;
    this.options.logger.info({ policyVersion: activation.version }, 'policy active');
    for (const l of this.listeners) l(this.active);
  }

  private follow(events: RecordedEvent[]): void {
    for (const e of events) {
      if (e.streamId !== POLICY_STREAM) continue;
      this.streamVersion = Math.max(this.streamVersion, e.streamVersion);
      if (e.type === 'PolicyActivated') this.adopt(toActivation(e), e.occurredAt);
    }
  }

  private async proposeFolder(trigger: PolicyTrigger, known?: Activation[]): Promise<void> {
    const { dir, logger } = this.options;
    let loaded;
    try {
      loaded = loadPolicyFolder(dir);
    } catch (err) {
      if (!(err instanceof PolicyInvalidError)) throw err;
      await this.reject(trigger, null, err.problems);
      return;
    }
    const { policy, tests, testFiles } = loaded;
    if (!tests.passed) {
      await this.reject(trigger, policy.version, testFailures(tests));
      return;
    }
    this.tests = { version: policy.version, files: testFiles };
    const history = known ?? (await this.history());
    if (this.active?.version === policy.version) return;
    // At start, a folder holding a set that was active before a newer one is a server that
    // was not redeployed yet: it must not roll the others back. A file change is deliberate.
    const earlier = history.findIndex((a) => a.version === policy.version);
    if (trigger === 'startup' && earlier >= 0 && earlier < history.length - 1) {
      logger.warn({ folderVersion: policy.version, activeVersion: this.active?.version, dir: path.resolve(dir) }, 'the policy folder holds an older set than the active one; keeping the active set');
      return;
    }
    await this.activate(policy, trigger);
  }

  private async activate(policy: CompiledPolicy, trigger: PolicyTrigger): Promise<void> {
    const previous = this.active;
    const diff = previous ? summarize(diffPolicies(previous.set, policy.set)) : null;
    const data: JsonObject = { version: policy.version, previousVersion: previous?.version ?? null, files: { ...policy.set.files }, diff, trigger: triggerInfo(trigger) };
    let activatedAt: Date | undefined;
    try {
      const appended = await this.options.store.append(POLICY_STREAM, [{ type: 'PolicyActivated', data }], { expectedVersion: this.streamVersion, actor: POLICY_ACTOR, policyVersion: policy.version });
      activatedAt = appended.events[0]?.occurredAt;
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      // Another process activated something meanwhile: catch up, then decide again.
      const history = await this.history();
      const latest = history.at(-1);
      if (latest) this.adopt(latest, latest.at);
      if (this.active?.version !== policy.version) await this.activate(policy, trigger);
      return;
    }
    this.streamVersion += 1;
    this.rejected = undefined;
    this.options.logger.info({ policyVersion: policy.version, previousVersion: previous?.version, trigger, gains: diff?.gains, losses: diff?.losses }, 'policy activated');
    // The event's time: what another process, or this one after a restart, will say too.
    this.adopt({ streamVersion: this.streamVersion, version: policy.version, files: { ...policy.set.files } }, activatedAt ?? this.options.clock());
  }

  private async reject(trigger: PolicyTrigger, version: string | null, problems: readonly string[]): Promise<void> {
    this.rejected = { at: this.options.clock(), version, problems };
    this.options.logger.error({ policyVersion: version, activeVersion: this.active?.version, problems, trigger }, 'policy set rejected; the last good set stays active');
    const data: JsonObject = { version, activeVersion: this.active?.version ?? null, problems: [...problems], trigger: triggerInfo(trigger) };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.options.store.append(POLICY_STREAM, [{ type: 'PolicyRejected', data }], { expectedVersion: this.streamVersion, actor: POLICY_ACTOR, policyVersion: this.active?.version });
        this.streamVersion += 1;
        return;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        this.streamVersion = err.actual;
      }
    }
    throw new FlurfunkError('wrong_expected_version', 'could not record the policy rejection: the policy stream kept changing');
  }

  private async startWatching(): Promise<void> {
    const { dir, logger } = this.options;
    const watcher = watch(dir, { ignoreInitial: true, depth: 1, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 } });
    this.watcher = watcher;
    // Changes made before the first scan ends would go unseen.
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.watcher.on('all', () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload('file-change'), DEBOUNCE_MS);
    });
    this.watcher.on('error', (err) => logger.error({ err }, 'watching the policy folder failed'));
  }
}

function toActivation(e: RecordedEvent): Activation {
  const data = e.data as { version: string; files: Record<string, string> };
  return { streamVersion: e.streamVersion, version: data.version, files: data.files, at: e.occurredAt };
}

function triggerInfo(kind: PolicyTrigger): JsonObject {
  return { kind, host: os.hostname(), pid: process.pid };
}

function summarize(diff: PolicyDiff): JsonObject {
  const lines = diff.sections.flatMap((s) => s.lines.map((l) => `${s.title}: ${l}`));
  return { gains: diff.gains, losses: diff.losses, lines: lines.slice(0, MAX_DIFF_LINES), truncated: lines.length > MAX_DIFF_LINES };
}
