// Every read model Flurfunk keeps, in one list: the projector applies them, `events rebuild`
// recreates them. Order matters where one reads another: posts before comments, both before
// what hangs on them (reactions, answers, pins, reports); the shred projection after them all.
import type { Projection } from './events/projector.js';
import { attachmentsProjection } from './attachments/attachment-queries.js';
import { exportsProjection } from './audit/export-projection.js';
import { usersProjection } from './identity/user-directory.js';
import { conversationsProjection } from './messages/conversation-projection.js';
import { notificationsProjection } from './notifications/notifications.js';
import { commentsProjection } from './posts/comment-projection.js';
import { answersProjection, pinsProjection, reactionsProjection } from './posts/engagement-projection.js';
import { followsProjection, guidelineProjection } from './posts/follow-projection.js';
import { personFollowsProjection, topicFollowsProjection } from './posts/following-projection.js';
import { postsProjection } from './posts/post-projection.js';
import { reportsProjection } from './posts/report-projection.js';
import { privilegedReadsProjection } from './privileged/privileged-read-projection.js';
import { holdsProjection } from './retention/hold-projection.js';
import { erasureProjection } from './retention/erasure-projection.js';
import { retentionStreamsProjection } from './retention/retention-projection.js';
import { retentionRunsProjection } from './retention/run-projection.js';
import { shredProjection } from './retention/shred-projection.js';

export const projections: readonly Projection[] = [
  usersProjection,
  postsProjection,
  commentsProjection,
  followsProjection,
  guidelineProjection,
  conversationsProjection,
  attachmentsProjection,
  notificationsProjection,
  reactionsProjection,
  answersProjection,
  pinsProjection,
  reportsProjection,
  personFollowsProjection,
  topicFollowsProjection,
  exportsProjection,
  privilegedReadsProjection,
  holdsProjection,
  retentionStreamsProjection,
  retentionRunsProjection,
  // Last: they remove what the others derived from shredded or erased content.
  shredProjection,
  erasureProjection,
];
