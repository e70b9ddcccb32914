// The JSON Schema of a policy file and of a policy test file. Each node carries a
// `description` that error messages quote as "expected …", so the schema is also the
// admin's reference. Unknown keys are errors everywhere: a typo must never change access.
import { ALL_ACTIONS, CLASSIFICATIONS, MANAGE, SUBJECT_TYPES } from './catalogue.js';

const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'a name of letters, digits, "-", "_" or "."' };
const spaceId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'a space id of lower-case letters, digits and "-"' };
const group = { type: 'string', minLength: 1, description: 'a directory group name' };
const text = { type: 'string', minLength: 1, description: 'a non-empty text' };
const nameList = { type: 'array', items: name, minItems: 1, uniqueItems: true, description: 'a non-empty list of role names' };
const groupList = { type: 'array', items: group, minItems: 1, uniqueItems: true, description: 'a non-empty list of directory groups' };
const oneOrMore = (item: object, description: string) => ({
  type: ['string', 'array'],
  description,
  if: { type: 'string' },
  then: item,
  else: { type: 'array', items: item, minItems: 1, uniqueItems: true, description },
});
const action = { type: 'string', enum: [MANAGE, ...ALL_ACTIONS], description: `an action (${[MANAGE, ...ALL_ACTIONS].join(', ')})` };
const subject = { type: 'string', enum: SUBJECT_TYPES, description: `a subject (${SUBJECT_TYPES.join(', ')})` };
const duration = {
  type: 'string',
  pattern: '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$',
  description: 'an ISO 8601 duration in years, months, weeks or days, e.g. P90D or P2Y',
};

const accessList = {
  type: 'object',
  description: 'who: { roles: [...], groups: [...] }',
  properties: { roles: nameList, groups: groupList },
  additionalProperties: false,
  minProperties: 1,
};

const scalarValue = { type: 'string', description: 'a text, or $user.id' };
const listValue = {
  type: ['string', 'array'],
  description: 'a list of texts, or $user.groups',
  if: { type: 'string' },
  then: { const: '$user.groups', description: 'a list of texts, or $user.groups' },
  else: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'a non-empty list of texts' },
};
const condition = {
  type: ['string', 'object'],
  description: 'a text to equal, or one of { oneOf: [...] }, { noneOf: [...] }, { not: text }',
  if: { type: 'object' },
  then: {
    type: 'object',
    description: 'one of { oneOf: [...] }, { noneOf: [...] }, { not: value }',
    properties: { oneOf: listValue, noneOf: listValue, not: scalarValue },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  },
};

export const policyFileSchema = {
  $id: 'https://flurfunk.example/schemas/policy-file.json',
  type: 'object',
  description: 'a policy file with one or more of: claims, groups, roles, spaces, rules, limits, retention, guideline',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    claims: {
      type: 'object',
      description: 'which identity-token claims carry subject, name, email and groups',
      properties: {
        subject: { ...text, description: 'a claim name, e.g. sub' },
        name: { ...text, description: 'a claim name, e.g. name' },
        email: { ...text, description: 'a claim name, e.g. email' },
        groups: { ...text, description: 'a claim name or dotted path, e.g. groups or realm_access.groups' },
      },
      required: ['subject', 'groups'],
      additionalProperties: false,
    },
    groups: {
      type: 'object',
      description: 'directory groups: { known: [...], aliases: { id-or-old-name: name } }',
      properties: {
        known: { ...groupList, description: 'the list of directory groups that exist' },
        aliases: { type: 'object', description: 'a map from a group id or old name to the group name', additionalProperties: group, minProperties: 1 },
      },
      additionalProperties: false,
      minProperties: 1,
    },
    roles: {
      type: 'object',
      description: 'a map from role name to { description, members }',
      propertyNames: name,
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        description: 'a role: { description, members }',
        properties: {
          description: text,
          members: {
            type: ['string', 'object'],
            description: 'everyone (every signed-in person) or { groups: [...], users: [...] }',
            if: { type: 'string' },
            then: { const: 'everyone', description: 'everyone (every signed-in person) or { groups: [...], users: [...] }' },
            else: {
              type: 'object',
              description: '{ groups: [...], users: [...] }',
              properties: { groups: groupList, users: { type: 'array', items: text, minItems: 1, uniqueItems: true, description: 'a list of user ids' } },
              additionalProperties: false,
              minProperties: 1,
            },
          },
        },
        required: ['members'],
        additionalProperties: false,
      },
    },
    spaces: {
      type: 'object',
      description: 'a map from space id to { title, classification, read, post, moderate }',
      propertyNames: spaceId,
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        description: 'a space: { title, description, classification, read, post, moderate }',
        properties: {
          title: text,
          description: text,
          classification: { type: 'string', enum: CLASSIFICATIONS, description: `a classification (${CLASSIFICATIONS.join(', ')})` },
          read: accessList,
          post: accessList,
          moderate: accessList,
        },
        required: ['title', 'classification', 'read'],
        additionalProperties: false,
      },
    },
    rules: {
      type: 'array',
      description: 'a list of rules',
      items: {
        type: 'object',
        description: 'a rule: { role or group, allow or deny, subject, when, because }',
        properties: {
          role: oneOrMore(name, 'a role name or a list of them'),
          group: oneOrMore(group, 'a directory group or a list of them'),
          allow: oneOrMore(action, 'an action or a list of actions'),
          deny: oneOrMore(action, 'an action or a list of actions'),
          subject,
          when: {
            type: 'object',
            description: 'conditions on the subject\'s fields, at least one',
            minProperties: 1,
            additionalProperties: condition,
          },
          because: text,
        },
        required: ['subject'],
        additionalProperties: false,
      },
    },
    limits: {
      type: 'object',
      description: 'limits: { postLength, commentLength, messageLength, attachments, exports }',
      properties: {
        postLength: { type: 'integer', minimum: 1, maximum: 100000, description: 'a number of characters from 1 to 100000' },
        commentLength: { type: 'integer', minimum: 1, maximum: 100000, description: 'a number of characters from 1 to 100000' },
        messageLength: { type: 'integer', minimum: 1, maximum: 100000, description: 'a number of characters from 1 to 100000' },
        attachments: {
          type: 'object',
          description: 'attachment limits: { maxBytes, types }',
          properties: {
            maxBytes: { type: 'integer', minimum: 1, description: 'a size in bytes' },
            types: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', pattern: '^[a-z0-9.+-]+/[a-z0-9.+*-]+$', description: 'a media type such as image/png or image/*' },
              description: 'a list of media types',
            },
          },
          required: ['maxBytes', 'types'],
          additionalProperties: false,
        },
        exports: {
          type: 'object',
          description: 'audit export files: { keepHours, maxDownloads }',
          properties: {
            keepHours: { type: 'integer', minimum: 1, maximum: 720, description: 'hours a finished export waits for its download, 1 to 720' },
            maxDownloads: { type: 'integer', minimum: 1, maximum: 10, description: 'downloads after which the file is removed, 1 to 10' },
          },
          required: ['keepHours', 'maxDownloads'],
          additionalProperties: false,
        },
      },
      required: ['postLength', 'commentLength', 'messageLength', 'attachments'],
      additionalProperties: false,
    },
    retention: {
      type: 'array',
      description: 'a list of retention rules',
      items: {
        type: 'object',
        description: 'a retention rule: { subject, space, classification, keep, because }',
        properties: {
          subject: { type: 'string', enum: ['Post', 'Comment', 'DirectMessage', 'Attachment', 'AuditLog'], description: 'one of Post, Comment, DirectMessage, Attachment, AuditLog' },
          space: spaceId,
          classification: { type: 'string', enum: CLASSIFICATIONS, description: `a classification (${CLASSIFICATIONS.join(', ')})` },
          keep: duration,
          because: text,
        },
        required: ['subject', 'keep'],
        additionalProperties: false,
      },
    },
    guideline: {
      type: 'object',
      description: 'the usage guideline: { version, title, file }',
      properties: {
        version: { ...text, description: 'a version label, e.g. 2026-1' },
        title: text,
        file: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*\\.md$', description: 'a Markdown file name in the policy folder' },
      },
      required: ['version', 'title', 'file'],
      additionalProperties: false,
    },
  },
} as const;

export const policyTestFileSchema = {
  $id: 'https://flurfunk.example/schemas/policy-test-file.json',
  type: 'object',
  description: 'a policy test file: { tests: [...] }',
  properties: {
    tests: {
      type: 'array',
      minItems: 1,
      description: 'a list of test cases',
      items: {
        type: 'object',
        description: 'a case: { name, user, action, subject, fields, expect, because }',
        properties: {
          name: text,
          user: {
            type: 'object',
            description: 'who: { id, groups }',
            properties: { id: text, groups: { type: 'array', items: group, uniqueItems: true, description: 'a list of directory groups (any form the identity provider sends)' } },
            required: ['id', 'groups'],
            additionalProperties: false,
          },
          action,
          subject,
          fields: { type: 'object', description: 'the subject\'s fields', additionalProperties: { type: ['string', 'boolean', 'array'], items: { type: 'string' }, description: 'a text, true/false or a list of texts' } },
          expect: { type: 'string', enum: ['allow', 'deny'], description: 'allow or deny' },
          because: { ...text, description: 'a text the denial reason must contain' },
        },
        required: ['name', 'user', 'action', 'subject', 'expect'],
        additionalProperties: false,
      },
    },
  },
  required: ['tests'],
  additionalProperties: false,
} as const;
