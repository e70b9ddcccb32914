// The audit event catalogue itself: it loads, every entry is complete and its schema valid,
// it names exactly the event types the code appends (a scan of src/), events.md is current,
// and `check` refuses what does not fit with a message that names type and place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { eventsMarkdown, EVENTS_MD } from '../../src/audit/catalogue-markdown.js';
import { CATALOGUE_FILE, EventCatalogue, eventCatalogue } from '../../src/audit/event-catalogue.js';
import { InvalidEventError } from '../../src/errors.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { SUBJECTS } from '../../src/policy/catalogue.js';

const catalogue = eventCatalogue();
const types = new Set(catalogue.entries.map((e) => e.type));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every quoted PascalCase name of two words or more in src/. Event types are such names
 * however they are chosen (`type: 'X'`, ternaries, lookup tables, a helper's argument), so a
 * new one cannot hide; the other names of that shape are policy subjects and OpenAPI schemas.
 */
function pascalCaseLiterals(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles('src')) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/['"`]([A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+)['"`]/g)) found.set(m[1]!, file);
  }
  return found;
}

const event = (type: string, data: Record<string, unknown>, personal?: unknown) => ({ type, data, personal }) as never;
const POST = '6f1c7c4e-7c49-4c43-9b0a-2b8a37c1b0a1';

describe('audit event catalogue', function () {
  it('describes every event with a category, streams, a plain description and a valid 2020-12 schema', function () {
    expect(catalogue.entries.length).to.be.at.least(40);
    const ajv = new Ajv2020({ strict: false });
    for (const e of catalogue.entries) {
      expect(e.categoryTitle, e.type).to.be.a('string').and.not.empty;
      expect(e.streams, e.type).to.not.be.empty;
      expect(e.description, e.type).to.have.length.above(20);
      expect(ajv.validateSchema(e.schema), `${e.type}: ${ajv.errorsText()}`).to.equal(true);
      expect(e.schema.type, e.type).to.equal('object');
    }
  });

  it('names every event type the code appends, and nothing the code does not', function () {
    const literals = pascalCaseLiterals();
    const notEvents = new Set([...Object.keys(SUBJECTS), ...Object.keys(openApiDocument.components.schemas), 'EdDSA' /* a JWT algorithm */]);
    const unknown = [...literals].filter(([name]) => !types.has(name) && !notEvents.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(unknown, 'describe these in audit/event-catalogue.yaml, or list them here as not events').to.deep.equal([]);
    const stale = [...types].filter((t) => !literals.has(t));
    expect(stale, 'catalogued but never appended').to.deep.equal([]);
    // The scan sees types chosen by expressions, not only `type: '…'`.
    for (const t of ['SpaceMuted', 'TopicUnfollowed', 'SignInFailed', 'PostUnpinned']) expect(literals.has(t), t).to.equal(true);
  });

  it('keeps audit/events.md current (npm run catalogue writes it)', function () {
    expect(fs.readFileSync(EVENTS_MD, 'utf8'), 'audit/events.md is stale: run npm run catalogue').to.equal(eventsMarkdown(catalogue));
    expect(fs.readFileSync(EVENTS_MD, 'utf8')).to.include('| `PermissionDenied` |');
  });

  it('accepts an event that fits, refuses unknown types and misfits naming type and place', function () {
    const good = { postId: POST, spaceId: 'all-company', classification: 'internal', authorId: 'ada', mentions: [], topics: ['apollo'] };
    expect(() => catalogue.check(`post:${POST}`, [event('PostCreated', good, { text: 'Hallo' })])).to.not.throw();
    const refusals: [string, string, unknown[], RegExp][] = [
      ['unknown type', 'thing:1', [event('Thing', {})], /event 0 \(Thing\): the type is not in the audit event catalogue/],
      ['bad format', `post:${POST}`, [event('PostCreated', { ...good, postId: 'nope' }, { text: 'x' })], /event 0 \(PostCreated\): data\/postId must match format "uuid"/],
      ['missing field', `post:${POST}`, [event('PostCreated', { ...good, authorId: undefined }, { text: 'x' })], /PostCreated\): data\/authorId is missing/],
      ['extra field', `post:${POST}`, [event('PostCreated', { ...good, text: 'Klartext' }, { text: 'x' })], /PostCreated\): data\/text is not allowed/],
      ['wrong enum', `post:${POST}`, [event('PostCreated', { ...good, classification: 'top-secret' }, { text: 'x' })], /data\/classification must be equal to one of the allowed values/],
      ['nested path', `post:${POST}`, [event('PostCreated', { ...good, topics: ['ok', 7] }, { text: 'x' })], /data\/topics\/1 must be string/],
      ['undeclared sealed content', 'user:ada', [event('SpaceFollowed', { userId: 'ada', spaceId: 'sales' }, { secret: 1 })], /SpaceFollowed\): carries sealed personal content/],
      ['wrong stream', 'user:bernd', [event('SpaceFollowed', { userId: 'ada', spaceId: 'sales' })], /stream "user:bernd" is not where the catalogue records it \(user:\{userId\}\)/],
      ['second event', 'user:ada', [event('SpaceFollowed', { userId: 'ada', spaceId: 'sales' }), event('SpaceMuted', { userId: 'ada' })], /event 1 \(SpaceMuted\): data\/spaceId is missing/],
    ];
    for (const [what, stream, events, message] of refusals) {
      const err = (() => {
        try {
          catalogue.check(stream, events as never);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, what).to.be.instanceOf(InvalidEventError);
      expect((err as Error).message, what).to.match(message);
    }
  });

  it('refuses to load a catalogue with a misspelt schema keyword or an unknown category, naming the entry', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    const original = fs.readFileSync(CATALOGUE_FILE, 'utf8');
    try {
      const typo = path.join(dir, 'typo.yaml');
      fs.writeFileSync(typo, original.replace('required: [attachmentId]\n', 'requried: [attachmentId]\n'));
      expect(() => EventCatalogue.load(typo)).to.throw(/AttachmentDownloaded: the schema is not valid JSON Schema: strict mode: unknown keyword: "requried"/);
      const category = path.join(dir, 'category.yaml');
      fs.writeFileSync(category, original.replace('  UserSignedOut:\n    category: sign-in', '  UserSignedOut:\n    category: gossip'));
      expect(() => EventCatalogue.load(category)).to.throw(/UserSignedOut: category "gossip" is not one of/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
