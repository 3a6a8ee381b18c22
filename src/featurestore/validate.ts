/**
 * Shape validation of the feature store's answers.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape. What the panel relies on
 * (names, types, counts, rows) is checked strictly; free-form properties are
 * normalized (a missing map becomes `{}`, a missing string `''`).
 */
import {
  assertObject,
  fail,
  JSONObject,
  nullableNumber,
  nullableString,
  optionalMap,
  optionalString,
  requireInteger,
  validateProperty
} from '../validate';
import type {
  IFeatureDefinition,
  IFeatureGroup,
  IFeatureGroupDetails,
  IHistogram,
  IQueryResult,
  IRecordAnswer
} from './api';
import { FEATURE_TYPES } from './api';

/** Check that `object[name]` is an array of finite numbers (integers if asked). */
function requireNumbers(
  object: JSONObject,
  name: string,
  integers = false
): number[] {
  const value = object[name];
  const valid =
    Array.isArray(value) &&
    value.every(n =>
      integers ? Number.isInteger(n) && n >= 0 : Number.isFinite(n)
    );
  if (!valid) {
    fail(name, integers ? 'count[]' : 'number[]');
  }
  return value as number[];
}

/** Check that `object[name]` is a non-negative integer. */
function requireCount(object: JSONObject, name: string): void {
  requireInteger(object, name);
  if ((object[name] as number) < 0) {
    fail(name, 'count');
  }
}

/** Check that a value is JSON scalar (what a feature or a SQL cell holds). */
function isScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function validateDefinition(value: unknown, index: number): IFeatureDefinition {
  assertObject(value, `features[${index}]`);
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'type', 'string', FEATURE_TYPES);
  return value as unknown as IFeatureDefinition;
}

/** Validate a feature group. */
export function validateFeatureGroup(value: unknown): IFeatureGroup {
  assertObject(value, 'A feature group');
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'record_identifier', 'string');
  validateProperty(value, 'event_time', 'string');
  if (!Array.isArray(value.features)) {
    fail('features', 'array');
  }
  const names = value.features.map(validateDefinition).map(f => f.name);
  for (const key of ['record_identifier', 'event_time']) {
    if (!names.includes(value[key] as string)) {
      throw new Error(
        `Property '${key}' names no feature: ${JSON.stringify(value[key])}`
      );
    }
  }
  validateProperty(value, 'online', 'boolean');
  validateProperty(value, 'offline', 'boolean');
  nullableNumber(value, 'ttl_seconds');
  optionalString(value, 'description');
  optionalMap(value, 'tags');
  optionalString(value, 'created_by');
  optionalString(value, 'created_at');
  optionalString(value, 'updated_at');
  // The view is the group's name with hyphens turned to underscores.
  optionalString(value, 'view', (value.name as string).replace(/-/g, '_'));
  return value as unknown as IFeatureGroup;
}

/** Validate a feature group with its `stats`. */
export function validateFeatureGroupDetails(
  value: unknown
): IFeatureGroupDetails {
  const group = validateFeatureGroup(value) as unknown as JSONObject;
  assertObject(group.stats, "Property 'stats'");
  const stats = group.stats;
  if (stats.online_records === undefined) {
    stats.online_records = null;
  }
  if (stats.online_records !== null) {
    requireCount(stats, 'online_records');
  }
  requireCount(stats, 'offline_rows');
  requireCount(stats, 'offline_files');
  nullableString(stats, 'last_write_time');
  return group as unknown as IFeatureGroupDetails;
}

/** Validate a record answered by `GET …/records/{id}`. */
export function validateRecordAnswer(value: unknown): IRecordAnswer {
  assertObject(value, 'A record');
  validateProperty(value, 'group', 'string');
  if (
    typeof value.record_id !== 'string' &&
    typeof value.record_id !== 'number'
  ) {
    fail('record_id', 'string|number');
  }
  assertObject(value.record, "Property 'record'");
  for (const [name, feature] of Object.entries(value.record)) {
    if (!isScalar(feature)) {
      fail(`record.${name}`, 'string|number|boolean|null');
    }
  }
  return value as unknown as IRecordAnswer;
}

/** Validate the answer of a SQL query. */
export function validateQueryResult(value: unknown): IQueryResult {
  assertObject(value, 'A query result');
  if (!Array.isArray(value.columns)) {
    fail('columns', 'array');
  }
  value.columns.forEach((column, index) => {
    assertObject(column, `columns[${index}]`);
    validateProperty(column, 'name', 'string');
    optionalString(column, 'type');
  });
  if (!Array.isArray(value.rows)) {
    fail('rows', 'array');
  }
  const width = value.columns.length;
  value.rows.forEach((row, index) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw new Error(`rows[${index}] is not an array of ${width} values`);
    }
  });
  if (value.truncated === undefined) {
    value.truncated = false;
  }
  validateProperty(value, 'truncated', 'boolean');
  if (typeof value.elapsed_ms !== 'number') {
    fail('elapsed_ms', 'number');
  }
  return value as unknown as IQueryResult;
}

/** Validate a histogram: `n + 1` ascending edges for `n` counts, or none. */
export function validateHistogram(value: unknown): IHistogram {
  assertObject(value, 'A histogram');
  validateProperty(value, 'feature', 'string');
  const edges = requireNumbers(value, 'edges');
  const counts = requireNumbers(value, 'counts', true);
  if (edges.length !== 0 && edges.length !== counts.length + 1) {
    throw new Error(`${edges.length} edges do not bound ${counts.length} bins`);
  }
  if (edges.some((edge, i) => i > 0 && edge < edges[i - 1])) {
    throw new Error("Property 'edges' is not ascending");
  }
  if (value.nulls === undefined) {
    value.nulls = 0;
  }
  requireCount(value, 'nulls');
  return value as unknown as IHistogram;
}
