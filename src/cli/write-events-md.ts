// `npm run catalogue`: regenerates audit/events.md from audit/event-catalogue.yaml.
import fs from 'node:fs';
import { eventsMarkdown, EVENTS_MD } from '../audit/catalogue-markdown.js';
import { EventCatalogue } from '../audit/event-catalogue.js';

fs.writeFileSync(EVENTS_MD, eventsMarkdown(EventCatalogue.load()));
console.log(`wrote ${EVENTS_MD}`);
