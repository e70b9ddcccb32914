// What a capability contributes to the UI: its pages, by path (preact-iso patterns, e.g.
// "/posts/:id"). The shell only collects them.
import type { ComponentType } from 'preact';

export interface AreaRoute {
  readonly path: string;
  // preact-iso hands route parameters as props.
  readonly component: ComponentType<{ params: Record<string, string> }>;
}
