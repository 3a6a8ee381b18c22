/**
 * Shape validation of the gallery's answers.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape. What the panel relies on
 * (ids, facets, parameter types) is checked strictly; free text missing on
 * the wire is normalized to `''` and missing lists to `[]`.
 */
import {
  assertObject,
  fail,
  isObject,
  JSONObject,
  nullableString,
  optionalArray,
  optionalMap,
  optionalString,
  requireInteger,
  validateProperty
} from '../validate';
import type {
  IGalleryRefresh,
  ITemplate,
  ITemplateInstance,
  ITemplateParameter,
  ITemplateProblem,
  ITemplateSearch,
  ITemplateSummary
} from './api';
import {
  FACETS,
  PARAMETER_TYPES,
  TEMPLATE_SOURCES,
  TEMPLATE_TYPES
} from './api';

/** Run `check` on every element of a list, naming the index in its error. */
function eachOf<T>(
  list: unknown[],
  name: string,
  check: (item: unknown) => T
): T[] {
  return list.map((item, index) => {
    try {
      return check(item);
    } catch (error) {
      throw new Error(`${name}[${index}]: ${(error as Error).message}`);
    }
  });
}

/** Whether a value is one a parameter may have. */
function isParameterValue(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Validate a template as the search lists it. */
export function validateSummary(value: unknown): ITemplateSummary {
  assertObject(value, 'A template');
  validateProperty(value, 'id', 'string');
  validateProperty(value, 'title', 'string');
  optionalString(value, 'description');
  validateProperty(value, 'type', 'string', TEMPLATE_TYPES);
  validateProperty(value, 'task', 'string');
  validateProperty(value, 'framework', 'string');
  optionalArray(value, 'tags');
  validateProperty(value, 'tags', 'string[]');
  validateProperty(value, 'fine_tunable', 'boolean');
  validateProperty(value, 'source', 'string', TEMPLATE_SOURCES);
  return value as unknown as ITemplateSummary;
}

/** Validate a template parameter. */
export function validateParameter(value: unknown): ITemplateParameter {
  assertObject(value, 'A parameter');
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'type', 'string', PARAMETER_TYPES);
  optionalString(value, 'description');
  if ('default' in value && !isParameterValue(value.default)) {
    fail('default', 'string|number|boolean');
  }
  return value as unknown as ITemplateParameter;
}

function validateFile(value: unknown): void {
  assertObject(value, 'A file');
  validateProperty(value, 'path', 'string');
  requireInteger(value, 'size');
}

function validateRegistry(value: JSONObject): void {
  validateProperty(value, 'group', 'string');
  const approved = optionalArray(value, 'approved_versions');
  if (!approved.every(Number.isInteger)) {
    fail('approved_versions', 'integer[]');
  }
  if (value.version === undefined) {
    value.version = null;
  }
  if (value.version !== null) {
    requireInteger(value, 'version');
  }
  optionalMap(value, 'metrics');
}

/** Validate a template's manifest and files. */
export function validateTemplate(value: unknown): ITemplate {
  const template = validateSummary(value) as unknown as JSONObject;
  optionalArray(template, 'requirements');
  validateProperty(template, 'requirements', 'string[]');
  nullableString(template, 'main');
  eachOf(
    optionalArray(template, 'parameters'),
    'parameters',
    validateParameter
  );
  optionalString(template, 'source_name');
  if (template.file_patterns !== undefined) {
    validateProperty(template, 'file_patterns', 'string[]');
  }
  eachOf(optionalArray(template, 'files'), 'files', validateFile);
  if (template.registry !== undefined) {
    if (!isObject(template.registry)) {
      fail('registry', 'object');
    }
    validateRegistry(template.registry);
  }
  return template as unknown as ITemplate;
}

/** Validate a template the gallery could not offer. */
export function validateProblem(value: unknown): ITemplateProblem {
  assertObject(value, 'A template problem');
  optionalString(value, 'source');
  optionalString(value, 'source_name');
  optionalString(value, 'path');
  validateProperty(value, 'reason', 'string');
  validateProperty(value, 'message', 'string');
  return value as unknown as ITemplateProblem;
}

/** Validate the answer of a search: items, facet counts and problems. */
export function validateSearch(value: unknown): ITemplateSearch {
  assertObject(value, 'A template search');
  requireInteger(value, 'total');
  if (!Array.isArray(value.items)) {
    fail('items', 'array');
  }
  eachOf(value.items, 'items', validateSummary);
  optionalMap(value, 'facets');
  const facets = value.facets as JSONObject;
  for (const facet of FACETS) {
    optionalMap(facets, facet);
    for (const [name, count] of Object.entries(facets[facet] as JSONObject)) {
      if (!Number.isInteger(count)) {
        fail(`facets.${facet}.${name}`, 'integer');
      }
    }
  }
  eachOf(optionalArray(value, 'problems'), 'problems', validateProblem);
  return value as unknown as ITemplateSearch;
}

/** Validate the answer of an instantiation. */
export function validateInstance(value: unknown): ITemplateInstance {
  assertObject(value, 'A template instance');
  validateProperty(value, 'template', 'string');
  validateProperty(value, 'space', 'string');
  validateProperty(value, 'folder', 'string');
  optionalArray(value, 'files');
  validateProperty(value, 'files', 'string[]');
  nullableString(value, 'main');
  optionalMap(value, 'parameters');
  return value as unknown as ITemplateInstance;
}

/** Validate the answer of a refresh. */
export function validateRefresh(value: unknown): IGalleryRefresh {
  assertObject(value, 'A gallery refresh');
  requireInteger(value, 'templates');
  requireInteger(value, 'problems');
  return value as unknown as IGalleryRefresh;
}
