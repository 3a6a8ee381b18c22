/**
 * Shape validation of the registry's answers.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape. Properties the panel
 * relies on are checked strictly; optional or free-form ones are normalized
 * (a missing map becomes `{}`, a missing string `''`).
 */
import type { IPage } from '../api';
import type {
  IAuditEntry,
  IRegistryGroup,
  IRegistryVersion,
  IRuleResult
} from './api';
import { VERSION_STATUSES } from './api';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertObject(value: unknown, what: string): asserts value is Obj {
  if (!isObject(value)) {
    throw new Error(`${what} is not an object`);
  }
}

function fail(name: string, typeName: string): never {
  throw new Error(`Property '${name}' is not of type '${typeName}'`);
}

function requireString(object: Obj, name: string, values?: readonly string[]) {
  if (!(name in object)) {
    throw new Error(`Missing property '${name}'`);
  }
  if (typeof object[name] !== 'string') {
    fail(name, 'string');
  }
  if (values && !values.includes(object[name] as string)) {
    throw new Error(
      `Property '${name}' is not one of ${JSON.stringify(values)}: ${JSON.stringify(object[name])}`
    );
  }
}

/** Default a missing or null string to `''`, then check it is a string. */
function optionalString(object: Obj, name: string): void {
  if (object[name] === undefined || object[name] === null) {
    object[name] = '';
  }
  if (typeof object[name] !== 'string') {
    fail(name, 'string');
  }
}

/** Default a missing value to `null`, then check it is a string or null. */
function nullableString(object: Obj, name: string): void {
  if (object[name] === undefined) {
    object[name] = null;
  }
  if (object[name] !== null && typeof object[name] !== 'string') {
    fail(name, 'string|null');
  }
}

/** Default a missing value to `null`, then check it is a number or null. */
function nullableNumber(object: Obj, name: string): void {
  if (object[name] === undefined) {
    object[name] = null;
  }
  if (object[name] !== null && typeof object[name] !== 'number') {
    fail(name, 'number|null');
  }
}

/** Default a missing or null map to `{}`, then check it is an object. */
function optionalMap(object: Obj, name: string): void {
  if (object[name] === undefined || object[name] === null) {
    object[name] = {};
  }
  if (!isObject(object[name])) {
    fail(name, 'object');
  }
}

function requireInteger(object: Obj, name: string): void {
  if (!Number.isInteger(object[name])) {
    fail(name, 'integer');
  }
}

/** Validate a list answer `{items, next}` of the registry. */
export function validateRegistryPage<T>(
  value: unknown,
  validateItem: (item: unknown) => T
): IPage<T> {
  assertObject(value, 'A list');
  if (!Array.isArray(value.items)) {
    throw new Error("Property 'items' is not an array");
  }
  nullableString(value, 'next');
  return {
    items: value.items.map((item, index) => {
      try {
        return validateItem(item);
      } catch (error) {
        throw new Error(`items[${index}]: ${(error as Error).message}`);
      }
    }),
    next: value.next as string | null
  };
}

/** Validate a model package group. */
export function validateGroup(value: unknown): IRegistryGroup {
  assertObject(value, 'A model group');
  requireString(value, 'name');
  optionalString(value, 'description');
  optionalMap(value, 'tags');
  nullableString(value, 'project');
  nullableString(value, 'space');
  optionalString(value, 'owner');
  if (value.latest_version === undefined) {
    value.latest_version = null;
  }
  if (value.latest_version !== null) {
    requireInteger(value, 'latest_version');
  }
  optionalMap(value, 'aliases');
  if (value.rules === undefined || value.rules === null) {
    value.rules = [];
  }
  if (!Array.isArray(value.rules)) {
    fail('rules', 'array');
  }
  optionalString(value, 'created_at');
  optionalString(value, 'updated_at');
  return value as unknown as IRegistryGroup;
}

function validateRuleResult(value: unknown): IRuleResult {
  assertObject(value, 'A gate result');
  if (typeof value.passed !== 'boolean') {
    fail('passed', 'boolean');
  }
  optionalMap(value, 'rule');
  nullableNumber(value, 'value');
  nullableNumber(value, 'compared_with');
  optionalString(value, 'message');
  return value as unknown as IRuleResult;
}

/** Validate a model version. */
export function validateVersion(value: unknown): IRegistryVersion {
  assertObject(value, 'A model version');
  requireString(value, 'group');
  requireInteger(value, 'version');
  requireString(value, 'status', VERSION_STATUSES);
  optionalString(value, 'status_comment');
  optionalString(value, 'description');
  if (value.aliases === undefined || value.aliases === null) {
    value.aliases = [];
  }
  if (
    !Array.isArray(value.aliases) ||
    !value.aliases.every(alias => typeof alias === 'string')
  ) {
    fail('aliases', 'string[]');
  }
  if (value.artifact === undefined) {
    value.artifact = null;
  }
  if (value.artifact !== null) {
    assertObject(value.artifact, "Property 'artifact'");
    requireString(value.artifact, 'uri');
    optionalString(value.artifact, 'digest');
    nullableNumber(value.artifact, 'size');
  }
  optionalString(value, 'framework');
  optionalString(value, 'framework_version');
  optionalMap(value, 'metrics');
  const metrics = value.metrics as Obj;
  for (const [name, metric] of Object.entries(metrics)) {
    if (typeof metric !== 'number') {
      fail(`metrics.${name}`, 'number');
    }
  }
  optionalMap(value, 'hyperparameters');
  optionalMap(value, 'tags');
  optionalMap(value, 'customer_metadata');
  optionalMap(value, 'lineage');
  if (value.model_card === undefined) {
    value.model_card = null;
  }
  if (value.model_card !== null) {
    assertObject(value.model_card, "Property 'model_card'");
    optionalString(value.model_card, 'markdown');
    optionalString(value.model_card, 'status');
  }
  optionalString(value, 'registered_by');
  optionalString(value, 'created_at');
  optionalString(value, 'updated_at');
  if (value.gate === undefined) {
    value.gate = null;
  }
  if (value.gate !== null) {
    assertObject(value.gate, "Property 'gate'");
    const gate = value.gate;
    gate.passed = gate.passed !== false;
    gate.overridden = gate.overridden === true;
    if (gate.results === undefined || gate.results === null) {
      gate.results = [];
    }
    if (!Array.isArray(gate.results)) {
      fail('gate.results', 'array');
    }
    gate.results = gate.results.map(validateRuleResult);
  }
  return value as unknown as IRegistryVersion;
}

/** Validate an entry of a version's audit trail. */
export function validateAuditEntry(value: unknown): IAuditEntry {
  assertObject(value, 'An audit entry');
  if (typeof value.id !== 'number' && typeof value.id !== 'string') {
    fail('id', 'number|string');
  }
  requireInteger(value, 'version');
  requireString(value, 'actor');
  requireString(value, 'at');
  nullableString(value, 'from_status');
  nullableString(value, 'to_status');
  optionalString(value, 'comment');
  optionalString(value, 'kind');
  return value as unknown as IAuditEntry;
}
