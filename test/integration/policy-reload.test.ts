// Live reload: the server activates a changed policy folder that validates and passes its
// tests, rejects one that does not (the last good set keeps deciding), records both as
// events, and every process on the database follows the activated set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { RecordedEvent } from '../../src/events/types.js';
import { decide } from '../../src/policy/explain.js';
import { ActivePolicy, POLICY_STREAM } from '../../src/policy/active-policy.js';
import type { Runtime } from '../../src/runtime.js';
import { finished, projectRoot, startTs } from '../support/processes.js';
import { createWorld, databaseKind, testLogger, type World } from '../support/world.js';

function copyShippedPolicies(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-policies-'));
  fs.cpSync(path.join(projectRoot, 'policies'), dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, from: string, to: string): void {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  fs.writeFileSync(p, text.replace(from, to));
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function policyEvents(runtime: Runtime): Promise<RecordedEvent[]> {
  return runtime.store.readStream(POLICY_STREAM);
}

describe('policy activation and live reload', function () {
  let world: World;
  let dir: string;

  beforeEach(async function () {
    dir = copyShippedPolicies();
    world = await createWorld({ POLICY_DIR: dir });
  });
  afterEach(async function () {
    await world.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('activates the folder at start and records it as the first PolicyActivated event', async function () {
    const runtime = await world.start({ policy: { watch: false } });
    const [event, ...rest] = await policyEvents(runtime);
    expect(rest).to.have.length(0);
    expect(event!.type).to.equal('PolicyActivated');
    expect(event!.actor).to.equal('system:policy');
    expect(event!.data).to.include({ version: runtime.policy!.version, previousVersion: null });
    expect(event!.policyVersion).to.equal(runtime.policy!.version);
    expect(Object.keys(event!.data.files as object)).to.include.members(['spaces.yaml', 'rules.yaml', 'usage-guideline.md']);
  });

  it('keeps the old set deciding when the folder turns invalid (PolicyRejected), and activates the fix with its diff (PolicyActivated)', async function () {
    const runtime = await world.start({ policy: { watch: true } });
    const policy = runtime.policy!;
    const first = policy.version;
    const bob = policy.current.principal({ id: 'bob', groups: ['GG-Vertrieb'] });
    expect(decide(policy.current, bob, 'read', 'Post', { spaceId: 'sales', classification: 'internal' }).allowed).to.equal(true);

    // A typo that would, if it were taken as written, drop the read list of sales.
    edit(dir, 'spaces.yaml', '    read: { groups: [GG-Vertrieb, GG-Geschaeftsleitung] }', '    raed: { groups: [GG-Vertrieb, GG-Geschaeftsleitung] }');
    const rejected = await until('PolicyRejected', async () => (await policyEvents(runtime)).find((e) => e.type === 'PolicyRejected'));
    expect(rejected.data.activeVersion).to.equal(first);
    expect((rejected.data.problems as string[]).join('\n')).to.match(/spaces\.yaml:\d+:\d+: spaces\.sales: unknown key "raed"/);
    expect(policy.version).to.equal(first);
    expect(policy.lastRejected?.problems.join('\n')).to.include('unknown key "raed"');
    const stillBob = policy.current.principal({ id: 'bob', groups: ['GG-Vertrieb'] });
    expect(decide(policy.current, stillBob, 'read', 'Post', { spaceId: 'sales', classification: 'internal' }).allowed).to.equal(true);

    // The fix, with a real change: longer posts.
    edit(dir, 'spaces.yaml', '    raed: {', '    read: {');
    edit(dir, 'limits.yaml', 'postLength: 5000', 'postLength: 8000');
    const activated = await until('a second PolicyActivated', async () => (await policyEvents(runtime)).filter((e) => e.type === 'PolicyActivated')[1]);
    expect(activated.data).to.include({ previousVersion: first });
    expect(activated.data.diff).to.deep.include({ gains: 0, losses: 0 });
    expect((activated.data.diff as { lines: string[] }).lines).to.deep.equal(['limits: postLength: 5000 → 8000']);
    await until('the new set to be active', () => (policy.version === activated.data.version ? true : undefined));
    expect(policy.current.set.limits.postLength).to.equal(8000);
    expect(policy.lastRejected).to.equal(undefined);
  });

  it('rejects a set whose own tests fail, naming the failing case', async function () {
    const runtime = await world.start({ policy: { watch: true } });
    const first = runtime.policy!.version;
    // Opens confidential Apollo to sales: the shipped test "sales cannot read confidential Apollo" fails.
    edit(dir, 'spaces.yaml', 'read: { groups: [GG-Apollo, GG-Geschaeftsleitung] }', 'read: { groups: [GG-Apollo, GG-Geschaeftsleitung, GG-Vertrieb] }');
    const rejected = await until('PolicyRejected', async () => (await policyEvents(runtime)).find((e) => e.type === 'PolicyRejected'));
    expect((rejected.data.problems as string[]).join('\n')).to.match(/tests\/default\.yaml:\d+:\d+: test "sales cannot read confidential Apollo" expected deny/);
    expect(runtime.policy!.version).to.equal(first);
  });

  it('refuses to start when no set was ever activated and the folder is invalid', async function () {
    edit(dir, 'rules.yaml', 'subject: Post', 'subjekt: Post');
    const err = await world.start({ policy: { watch: false } }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/rules\.yaml:\d+:\d+: rules\[0\]: unknown key "subjekt"/);
  });

  it('does not roll back at start to a set that an activation already replaced', async function () {
    const runtime = await world.start({ policy: { watch: false } });
    const first = runtime.policy!.version;
    const newer = copyShippedPolicies();
    try {
      edit(newer, 'limits.yaml', 'postLength: 5000', 'postLength: 6000');
      const follower = await ActivePolicy.start({ store: runtime.store, dir: newer, logger: testLogger, clock: () => new Date(), watch: false });
      expect(follower.version).to.not.equal(first);
      // The first instance follows the newer activation...
      await until('the first instance to follow', () => (runtime.policy!.version === follower.version ? true : undefined));
      // ...and an instance starting on the old folder keeps the newer set.
      const stale = await ActivePolicy.start({ store: runtime.store, dir, logger: testLogger, clock: () => new Date(), watch: false });
      expect(stale.version).to.equal(follower.version);
      expect((await policyEvents(runtime)).map((e) => e.type)).to.deep.equal(['PolicyActivated', 'PolicyActivated']);
      await follower.close();
      await stale.close();
    } finally {
      fs.rmSync(newer, { recursive: true, force: true });
    }
  });

  if (databaseKind === 'postgres') {
    it('switches this process to a set another server process activated', async function () {
      const runtime = await world.start({ policy: { watch: false } });
      const newer = copyShippedPolicies();
      edit(newer, 'limits.yaml', 'postLength: 5000', 'postLength: 7000');
      const child = startTs('src/cli/main.ts', ['serve'], { ...world.env, POLICY_DIR: newer, PORT: '0', LOG_LEVEL: 'info' });
      const exit = finished(child);
      try {
        const activated = await until('the other process to activate', async () => (await policyEvents(runtime)).filter((e) => e.type === 'PolicyActivated')[1], 30_000);
        await until('this process to switch', () => (runtime.policy!.version === activated.data.version ? true : undefined));
        expect(runtime.policy!.current.set.limits.postLength).to.equal(7000);
      } finally {
        child.kill('SIGTERM');
        await exit;
        fs.rmSync(newer, { recursive: true, force: true });
      }
    });
  }
});
