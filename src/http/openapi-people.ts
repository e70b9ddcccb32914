// OpenAPI paths and schemas of people, topics, Markdown preview and limits: what the composer and profiles need; spread into openapi.ts.
export const peoplePaths = {} as const;
export const peopleSchemas = {} as const;
