// The spaces the signed-in person may read, loaded once and shared: post cards show a space's
// title, the timeline needs what is followed, the home composer where one may post. Pages that
// change a follow update it here, so every other page agrees.
import { signal } from '@preact/signals';
import { api, type Page } from '../api.js';
import type { Space } from './types.js';

export const spaces = signal<readonly Space[] | undefined>(undefined);
let loading: Promise<readonly Space[]> | undefined;

/** The spaces, from the server the first time (or when `fresh`), then from memory. */
export function loadSpaces(fresh = false): Promise<readonly Space[]> {
  if (spaces.value && !fresh) return Promise.resolve(spaces.value);
  if (!loading || fresh) {
    const request = api<Page<Space>>('/api/spaces').then(
      (page) => {
        spaces.value = page.items;
        loading = undefined;
        return page.items;
      },
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    loading = request;
  }
  return loading;
}

export function spaceTitle(spaceId: string): string {
  return spaces.value?.find((s) => s.id === spaceId)?.title ?? spaceId;
}

export function updateSpace(next: Space): void {
  spaces.value = spaces.value?.map((s) => (s.id === next.id ? next : s));
}
