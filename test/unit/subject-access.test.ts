// Subject access without a database: whose content the export opens under the shipped policy,
// who may answer a request, and which data fields count as naming the person.
import { expect } from 'chai';
import { requireAccessRequest } from '../../src/audit/subject-access.js';
import { subjectAccessOpens } from '../../src/audit/subject-content.js';
import { namingConditions, PERSON_FIELDS, PERSON_LIST_FIELDS } from '../../src/audit/subject-events.js';
import { ContentSubjects } from '../../src/audit/content-subjects.js';
import { ForbiddenError } from '../../src/errors.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { JsonObject, RecordedEvent } from '../../src/events/types.js';
import type { AppAbility, CompiledPolicy } from '../../src/policy/compile.js';
import { loadPolicyFolder } from '../../src/policy/load-policy.js';
import { projectRoot } from '../support/processes.js';

function event(type: string, data: JsonObject, actor = 'x'): RecordedEvent {
  return { position: 1, id: '00000000-0000-4000-8000-000000000001', streamId: 's', streamVersion: 1, type, occurredAt: new Date(0), actor, data, payload: Buffer.from([1]), policyVersion: null, correlationId: null, prevHash: '0'.repeat(64), hash: '0'.repeat(64) };
}

describe('subject access (unit)', function () {
  let policy: CompiledPolicy;
  let dpo: AppAbility;
  // Only PostEdited reads the store; none of these cases does.
  const subjects = new ContentSubjects(undefined as unknown as EventStore);
  const ability = (id: string, groups: string[]) => policy.abilityFor(policy.principal({ id, groups }));

  before(function () {
    policy = loadPolicyFolder(`${projectRoot}/policies`).policy;
    dpo = ability('dora', ['GG-Alle', 'GG-Datenschutz']);
  });

  const opened = async (e: RecordedEvent) => subjectAccessOpens(dpo, 'ada')(e, await subjects.of(e));

  it('opens ada’s own post, comment, message, profile, report reason and file name', async function () {
    expect(await opened(event('PostCreated', { spaceId: 'all-company', classification: 'internal', authorId: 'ada', mentions: [], topics: [] }))).to.equal(true);
    expect(await opened(event('CommentCreated', { spaceId: 'all-company', classification: 'internal', authorId: 'ada', postAuthorId: 'bernd' }))).to.equal(true);
    expect(await opened(event('MessageSent', { conversationId: 'c1', authorId: 'ada', participants: ['ada', 'bernd'] })), 'which the audit export never opens').to.equal(true);
    expect(await opened(event('ConversationStarted', { conversationId: 'c1', startedBy: 'ada', participants: ['ada', 'bernd'] }))).to.equal(true);
    expect(await opened(event('UserProfileChanged', { userId: 'ada', changed: ['name'] }))).to.equal(true);
    expect(await opened(event('PostReported', { reportId: 'r', postId: 'p', spaceId: 'all-company', reporterId: 'ada' }))).to.equal(true);
    expect(await opened(event('AttachmentUploaded', { attachmentId: 'a', conversationId: 'c1', participants: ['ada', 'bernd'], authorId: 'ada' }))).to.equal(true);
    expect(await opened(event('AttachmentUploaded', { attachmentId: 'a', spaceId: 'all-company', classification: 'internal', participants: [], authorId: 'ada' }))).to.equal(true);
  });

  it('keeps ada’s own content in confidential spaces sealed, as the audit export does', async function () {
    expect(await opened(event('PostCreated', { spaceId: 'project-apollo', classification: 'confidential', authorId: 'ada', mentions: [], topics: [] }))).to.equal(false);
    expect(await opened(event('CommentCreated', { spaceId: 'hr', classification: 'secret', authorId: 'ada', postAuthorId: 'hanna' }))).to.equal(false);
    expect(await opened(event('AttachmentUploaded', { attachmentId: 'a', spaceId: 'project-apollo', classification: 'confidential', participants: [], authorId: 'ada' }))).to.equal(false);
  });

  it('never opens what others wrote, even when it names ada or was sent to her', async function () {
    expect(await opened(event('PostCreated', { spaceId: 'all-company', classification: 'internal', authorId: 'bernd', mentions: ['ada'], topics: [] }))).to.equal(false);
    expect(await opened(event('CommentCreated', { spaceId: 'all-company', classification: 'internal', authorId: 'bernd', postAuthorId: 'ada' }))).to.equal(false);
    expect(await opened(event('MessageSent', { conversationId: 'c1', authorId: 'bernd', participants: ['ada', 'bernd'] }))).to.equal(false);
    expect(await opened(event('ConversationStarted', { conversationId: 'c1', startedBy: 'bernd', participants: ['ada', 'bernd'] }))).to.equal(false);
    expect(await opened(event('UserProfileChanged', { userId: 'bernd', changed: ['name'] }))).to.equal(false);
    expect(await opened(event('SignInFailed', { reason: 'x', suppressedBefore: 0 }))).to.equal(false);
  });

  it('lets a DPO answer a request, and refuses an employee (also about themselves) and an admin with a reason', function () {
    const ada = { userId: 'ada', groups: ['GG-Alle'] };
    expect(() => requireAccessRequest(dpo, 'dora', ada)).to.not.throw();
    for (const [id, groups] of [['ada', ['GG-Alle']], ['ingo', ['GG-Alle', 'GG-IT-Admins']]] as const) {
      expect(() => requireAccessRequest(ability(id, [...groups]), id, ada)).to.throw(ForbiddenError, `${id} may not answer subject-access requests`);
      expect(() => requireAccessRequest(ability(id, [...groups]), id), 'before the person is looked up').to.throw(ForbiddenError);
    }
  });

  it('looks for the person in every person field, with jsonb containment and plain bindings', function () {
    const { sql, bindings } = namingConditions('ada');
    expect(sql.match(/data @> \?::jsonb/g)).to.have.length(PERSON_FIELDS.length + PERSON_LIST_FIELDS.length + 3);
    expect(sql).to.match(/^\(actor = \? OR stream_id = \? OR /);
    expect(bindings.slice(0, 2)).to.deep.equal(['ada', 'user:ada']);
    expect(bindings).to.include('{"mentions":["ada"]}').and.include('{"participants":["ada"]}').and.include('{"postAuthorId":"ada"}').and.include('{"filters":{"actor":"ada"}}');
  });
});
