// Who is signed in and the counts every page shows (unread notifications and messages), as
// signals: components that read them re-render when they change, wherever the change came
// from (a page action or the realtime stream).
import { signal } from '@preact/signals';
import { api, ApiError, setCsrfToken } from './api.js';

export interface Me {
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly policyVersion: string | null;
  readonly csrfToken?: string;
}

export interface UnreadCounts {
  readonly notifications: number;
  readonly messages: number;
}

export const me = signal<Me | null | undefined>(undefined);
export const unread = signal<UnreadCounts>({ notifications: 0, messages: 0 });

/** Loads the session: null when nobody is signed in. */
export async function loadSession(): Promise<Me | null> {
  try {
    const who = await api<Me>('/api/me');
    setCsrfToken(who.csrfToken);
    me.value = who;
    return who;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      me.value = null;
      return null;
    }
    throw err;
  }
}

let unreadAsked = 0;

/** Re-reads the counts; when calls overlap, the answer to the latest one wins, whatever order they arrive in. */
export async function refreshUnread(): Promise<void> {
  const mine = ++unreadAsked;
  const counts = await api<UnreadCounts>('/api/unread');
  if (mine === unreadAsked) unread.value = counts;
}

export function hasRole(role: string): boolean {
  return me.value?.roles.includes(role) ?? false;
}

export function displayName(person: { id: string; name: string | null }): string {
  return person.name ?? person.id;
}
