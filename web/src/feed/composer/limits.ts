// The active policy's limits for what people write, asked once per page visit of a composer
// (the policy can change while the app is open, so it is not kept for the session).
import { api } from '../../api.js';
import { useLoad, type Loaded } from '../../ui/use-load.js';
import type { Limits } from '../types.js';

export function useLimits(): Loaded<Limits> {
  return useLoad((signal) => api<Limits>('/api/limits', { signal }), []);
}
