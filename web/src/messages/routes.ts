// The pages of direct messages and notifications. "/messages/new" comes before the
// conversation pattern, which would otherwise take "new" for a conversation id.
import type { AreaRoute } from '../routes.js';
import { ConversationPage } from './conversation-page.js';
import { ConversationsPage } from './conversations-page.js';
import { NewConversationPage } from './new-conversation-page.js';
import { NotificationsPage } from './notifications-page.js';

export const messageRoutes: AreaRoute[] = [
  { path: '/messages', component: ConversationsPage },
  { path: '/messages/new', component: NewConversationPage },
  { path: '/messages/:conversationId', component: ConversationPage },
  { path: '/notifications', component: NotificationsPage },
];
