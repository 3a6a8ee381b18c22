/**
 * Shape validation of the registry's answers.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape. Properties the panel
 * relies on are checked strictly; optional or free-form ones are normalized
 * (a missing map becomes `{}`, a missing string `''`).
 */
import {
  assertObject,
  fail,
  JSONObject,
  nullableNumber,
  nullableString,
  optionalArray,
  optionalMap,
  optionalString,
  requireInteger,
  validateProperty
} from '../validate';
import type {
  IAuditEntry,
  IRegistryGroup,
  IRegistryVersion,
  IRuleResult
} from './api';
import { VERSION_STATUSES } from './api';

/** Validate a model package group. */
export function validateGroup(value: unknown): IRegistryGroup {
  assertObject(value, 'A model group');
  validateProperty(value, 'name', 'string');
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
  optionalArray(value, 'rules');
  optionalString(value, 'created_at');
  optionalString(value, 'updated_at');
  return value as unknown as IRegistryGroup;
}

function validateRuleResult(value: unknown): IRuleResult {
  assertObject(value, 'A gate result');
  validateProperty(value, 'passed', 'boolean');
  optionalMap(value, 'rule');
  nullableNumber(value, 'value');
  nullableNumber(value, 'compared_with');
  optionalString(value, 'message');
  return value as unknown as IRuleResult;
}

/** Validate a model version. */
export function validateVersion(value: unknown): IRegistryVersion {
  assertObject(value, 'A model version');
  validateProperty(value, 'group', 'string');
  requireInteger(value, 'version');
  validateProperty(value, 'status', 'string', VERSION_STATUSES);
  optionalString(value, 'status_comment');
  optionalString(value, 'description');
  optionalArray(value, 'aliases');
  validateProperty(value, 'aliases', 'string[]');
  if (value.artifact === undefined) {
    value.artifact = null;
  }
  if (value.artifact !== null) {
    assertObject(value.artifact, "Property 'artifact'");
    validateProperty(value.artifact, 'uri', 'string');
    optionalString(value.artifact, 'digest');
    nullableNumber(value.artifact, 'size');
  }
  optionalString(value, 'framework');
  optionalString(value, 'framework_version');
  optionalMap(value, 'metrics');
  const metrics = value.metrics as JSONObject;
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
    gate.results = optionalArray(gate, 'results').map(validateRuleResult);
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
  validateProperty(value, 'actor', 'string');
  validateProperty(value, 'at', 'string');
  nullableString(value, 'from_status');
  nullableString(value, 'to_status');
  optionalString(value, 'comment');
  optionalString(value, 'kind');
  return value as unknown as IAuditEntry;
}
