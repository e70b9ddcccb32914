// Whose words a subject-access export (GDPR Art. 15) hands out. The export is made for the
// person, so it opens what they wrote — also private messages, which the audit export never
// opens; but it is produced and read by others on the way (the DPO), so the company's promise
// that confidential and secret content never leaves Flurfunk still holds: the exporter's
// `export` permission decides for posts, comments and files in spaces, exactly as in the
// audit export. What other people wrote stays sealed, even where it names the person or was
// sent to them: it is their personal data too, and Art. 15(4) forbids adversely affecting
// them. Of that, the export carries the facts (who, when, where, that it names the person);
// the person reads the words in Flurfunk wherever the policy lets them.
import type { AppAbility } from '../policy/compile.js';
import { asSubject } from '../policy/compile.js';
import { reasonFor } from '../posts/commands.js';
import type { ContentRule } from './export.js';

export const OTHERS_WITHHELD = 'written by someone else: their words are their personal data (GDPR Art. 15(4)); the facts are listed';

/** Why the person's own post or comment in a space stays in Flurfunk, or undefined when it may leave. */
export function ownSpaceTextWithheld(ability: AppAbility, type: 'Post' | 'Comment', fields: Readonly<Record<string, unknown>>): string | undefined {
  const subject = asSubject(type, fields);
  return ability.can('export', subject as never) ? undefined : reasonFor(ability, 'export', subject, 'the policy does not let this content leave Flurfunk');
}

/** The rule for events.jsonl: the person's own content is opened (space content as the policy allows), others' never. */
export function subjectAccessOpens(ability: AppAbility, personId: string): ContentRule {
  return (event, subject) => {
    if (subject) {
      if (subject.fields.authorId !== personId) return false;
      return subject.type === 'DirectMessage' || ownSpaceTextWithheld(ability, subject.type, subject.fields) === undefined;
    }
    const d = event.data;
    switch (event.type) {
      case 'UserProfileChanged':
        return d.userId === personId;
      case 'PostReported':
        return d.reporterId === personId;
      case 'AttachmentUploaded':
        // A file's name follows the posts of its space; in a conversation it is like a message.
        return d.authorId === personId && (d.spaceId === undefined || ownSpaceTextWithheld(ability, 'Post', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId }) === undefined);
      default:
        return false;
    }
  };
}
