// audit/events.md from the catalogue: the same content as a readable table per category, for
// DPOs who do not read YAML. Generated (npm run catalogue), and a test fails when it is stale.
import path from 'node:path';
import type { JsonObject } from '../events/types.js';
import { packageRoot } from '../version.js';
import type { CatalogueEntry, EventCatalogue } from './event-catalogue.js';

export const EVENTS_MD = path.join(packageRoot, 'audit', 'events.md');

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/** The clear data's fields, required ones first, optional ones marked. */
function fields(entry: CatalogueEntry): string {
  const properties = Object.keys((entry.schema.properties as JsonObject | undefined) ?? {});
  const required = new Set((entry.schema.required as string[] | undefined) ?? []);
  return properties.map((p) => (required.has(p) ? `\`${p}\`` : `\`${p}\`?`)).join(', ');
}

export function eventsMarkdown(catalogue: EventCatalogue): string {
  const lines = [
    '# Audit events',
    '',
    '<!-- Generated from event-catalogue.yaml by `npm run catalogue`; edit the catalogue, not this file. -->',
    '',
    'Every kind of event Flurfunk records, grouped by area. Each event also names who caused it',
    '(the actor: a person\'s id, or `system:…` for the server\'s own jobs), when, the policy version',
    'in force and its place in the hash chain. "Sealed" content is encrypted under the key of the',
    'event\'s stream and disappears for good when retention destroys that key; the clear data',
    'holds only ids, counts and names of things. The exact JSON Schema of each event\'s clear data',
    'is in [`event-catalogue.yaml`](event-catalogue.yaml); `?` marks a field that may be absent.',
  ];
  const byCategory = new Map<string, CatalogueEntry[]>();
  for (const entry of catalogue.entries) byCategory.set(entry.categoryTitle, [...(byCategory.get(entry.categoryTitle) ?? []), entry]);
  for (const [title, entries] of byCategory) {
    lines.push('', `## ${title}`, '', '| Event | What happened | Sealed personal content | Stream | Clear data |', '|---|---|---|---|---|');
    for (const e of entries) {
      lines.push(`| \`${e.type}\` | ${cell(e.description)} | ${cell(e.sealed ?? '—')} | ${e.streams.map((s) => `\`${s}\``).join(', ')} | ${fields(e)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
