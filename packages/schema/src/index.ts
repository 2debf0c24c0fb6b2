export { createAjv, check, ANNOTATION_KEYWORDS } from './ajv.ts';
export type { Ajv, CreateAjvOptions, ErrorObject, ValidateFunction } from './ajv.ts';
export { toProblems } from './ajv-problems.ts';
export type { ProblemOptions } from './ajv-problems.ts';
export { escapeToken, unescapeToken, joinPointer, parsePointer, getAtPointer } from './pointer.ts';
export { sortProblems } from './problem.ts';
export type { Problem, Checked } from './problem.ts';
export { stableStringify } from './stable-json.ts';
export { toJsonSchema, JSON_SCHEMA_2020 } from './to-json-schema.ts';
