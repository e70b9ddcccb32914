// The pages of direct messages and notifications.
import type { AreaRoute } from '../routes.js';

export const messageRoutes: AreaRoute[] = [];
