// The pages of posts: the home timeline, spaces, a post with its comments, search, profiles.
import type { AreaRoute } from '../routes.js';
import { Placeholder } from '../ui/placeholder.js';

export const feedRoutes: AreaRoute[] = [{ path: '/', component: Placeholder }];
