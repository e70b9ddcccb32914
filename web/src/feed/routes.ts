// The pages of posts: the home timeline, spaces, a post with its comments, search, profiles.
import type { AreaRoute } from '../routes.js';
import { PostPage } from './post-page.js';
import { ProfilePage } from './profile-page.js';
import { SearchPage } from './search-page.js';
import { SpacePage } from './space-page.js';
import { SpacesPage } from './spaces-page.js';
import { TimelinePage } from './timeline-page.js';
import './feed.css';

export const feedRoutes: AreaRoute[] = [
  { path: '/', component: TimelinePage },
  { path: '/spaces', component: SpacesPage },
  { path: '/spaces/:spaceId', component: SpacePage },
  { path: '/posts/:postId', component: PostPage },
  { path: '/search', component: SearchPage },
  { path: '/people/:userId', component: ProfilePage },
];
