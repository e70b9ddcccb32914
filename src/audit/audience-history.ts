// Who could read a post, comment or message at the moment it was written, so an auditor sees
// whether a secret was exposed and to whom. Worked out from the events alone: the policy set
// that allowed the write (every event names its version, and the sets travel in
// PolicyActivated events) applied to the directory as the events recorded it up to that
// position (UserGroupsChanged carries a person's groups at each sign-in). People who had never
// signed in by then were unknown to Flurfunk and are not counted; the record says how many
// were known.
//
// Exports walk events in position order, so the directory is replayed forward alongside them.
// Audiences repeat (a space's readers), so each distinct one is worked out once per policy and
// directory state, and handed out once for the export to write.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { EVENT_COLUMNS, fromRow, type EventRow } from '../events/event-rows.js';
import type { RecordedEvent } from '../events/types.js';
import { audienceOf, readRelevantFields, type AudienceSubject } from '../policy/audience.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { compileFiles } from '../policy/load-policy.js';

/** What an exported event line says about its audience; the readers are in the audience record. */
export interface AudienceRef {
  readonly id: string;
  readonly readers: number;
  readonly excluded: number;
}

/** One distinct audience, written once per export (`audiences.jsonl`). */
export interface AudienceRecord extends AudienceRef {
  readonly policyVersion: string;
  readonly subject: AudienceSubject;
  /** Each reader with the rule that let them read. */
  readonly readerList: readonly { readonly id: string; readonly via: string }[];
}

interface DirectoryChange {
  readonly position: number;
  readonly userId: string;
  readonly groups: readonly string[];
}

const CACHE_LIMIT = 20_000;
const COMPILED_LIMIT = 8;

export class AudienceHistory {
  private readonly directory = new Map<string, readonly string[]>();
  private applied = 0;
  private readonly compiled = new Map<string, CompiledPolicy>();
  private readonly cache = new Map<string, AudienceRef>();
  private readonly handedOut = new Set<string>();
  private readonly relevant = new Map<string, readonly string[]>();

  private constructor(
    private readonly policyFiles: ReadonlyMap<string, Readonly<Record<string, string>>>,
    /** Activations in position order: the fallback for events that name no policy version. */
    private readonly activations: readonly { readonly position: number; readonly version: string }[],
    private readonly changes: readonly DirectoryChange[],
  ) {}

  /** Reads the policy activations and directory changes once (a few per person, not per post). */
  static async load(knex: Knex): Promise<AudienceHistory> {
    const rows = (await knex('events').select(EVENT_COLUMNS).whereIn('type', ['PolicyActivated', 'UserGroupsChanged']).orderBy('position')) as EventRow[];
    const files = new Map<string, Readonly<Record<string, string>>>();
    const activations: { position: number; version: string }[] = [];
    const changes: DirectoryChange[] = [];
    for (const event of rows.map(fromRow)) {
      if (event.type === 'PolicyActivated') {
        const data = event.data as { version: string; files: Record<string, string> };
        files.set(data.version, data.files);
        activations.push({ position: event.position, version: data.version });
      } else {
        changes.push({ position: event.position, userId: event.data.userId as string, groups: event.data.groups as string[] });
      }
    }
    return new AudienceHistory(files, activations, changes);
  }

  /**
   * The audience of `event` (a write of a `type` record with these fields), and the full
   * record the first time this export meets it. Undefined when the policy in force then is
   * not on record.
   */
  audienceAt(event: RecordedEvent, type: AudienceSubject, fields: Readonly<Record<string, unknown>>): { ref: AudienceRef; record?: AudienceRecord } | undefined {
    this.replayDirectoryTo(event.position);
    const policy = this.policyFor(event);
    if (!policy) return undefined;
    const relevantKey = `${policy.version} ${type}`;
    let relevant = this.relevant.get(relevantKey);
    if (!relevant) this.relevant.set(relevantKey, (relevant = readRelevantFields(policy, type)));
    const key = JSON.stringify([policy.version, type, relevant.map((f) => fields[f] ?? null)]);
    const cached = this.cache.get(key);
    if (cached) return { ref: cached };
    const users = [...this.directory].map(([id, groups]) => ({ id, groups }));
    const audience = audienceOf(policy, users, type, fields);
    const readerList = audience.readers.map((r) => ({ id: r.id, via: r.via }));
    const id = crypto.createHash('sha256').update(JSON.stringify([policy.version, type, readerList, audience.excluded])).digest('hex').slice(0, 32);
    const ref: AudienceRef = { id, readers: readerList.length, excluded: audience.excluded };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, ref);
    if (this.handedOut.has(id)) return { ref };
    this.handedOut.add(id);
    return { ref, record: { ...ref, policyVersion: policy.version, subject: type, readerList } };
  }

  private replayDirectoryTo(position: number): void {
    let changed = false;
    while (this.applied < this.changes.length && this.changes[this.applied]!.position < position) {
      const change = this.changes[this.applied++]!;
      this.directory.set(change.userId, change.groups);
      changed = true;
    }
    // Audiences worked out before a directory change no longer hold after it.
    if (changed) this.cache.clear();
  }

  private policyFor(event: RecordedEvent): CompiledPolicy | undefined {
    let version = event.policyVersion ?? undefined;
    if (version === undefined || !this.policyFiles.has(version)) {
      version = undefined;
      for (const a of this.activations) {
        if (a.position > event.position) break;
        version = a.version;
      }
    }
    if (version === undefined) return undefined;
    let policy = this.compiled.get(version);
    if (!policy) {
      policy = compileFiles(this.policyFiles.get(version)!);
      if (this.compiled.size >= COMPILED_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(version, policy);
    }
    return policy;
  }
}
