// The active policy's limits for what people write, asked once per page visit of a composer
// or message box (the policy can change while the app is open, so it is not kept for the
// session).
import { api } from '../api.js';
import type { Limits } from '../api-types.js';
import { useLoad, type Loaded } from './use-load.js';

export function useLimits(): Loaded<Limits> {
  return useLoad((signal) => api<Limits>('/api/limits', { signal }), []);
}
