// OpenAPI paths and schemas of the view administrators have of the active policy; spread into openapi.ts.
export const adminPaths = {} as const;
export const adminSchemas = {} as const;
