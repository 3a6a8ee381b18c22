/**
 * Shape validation of the answers about projects and project templates, and
 * the checks the server makes of what a user types (the project name, the
 * parameter values), so that the dialog can say what is wrong before sending.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape.
 */
import {
  assertObject,
  fail,
  JSONObject,
  nullableString,
  optionalArray,
  optionalMap,
  optionalString,
  validateProperty
} from '../validate';
import type {
  IProject,
  ITemplate,
  ITemplateParameter,
  ITemplateSummary,
  ParameterType,
  ParameterValue
} from './api';
import { PARAMETER_TYPES, PROJECT_STATUSES } from './api';

const TEMPLATE_TYPES = ['notebook', 'project', 'model'];

/** Validate a project. */
export function validateProject(value: unknown): IProject {
  assertObject(value, 'A project');
  for (const name of ['id', 'name', 'space', 'repository', 'model_group']) {
    validateProperty(value, name, 'string');
  }
  validateProperty(value, 'status', 'string', PROJECT_STATUSES);
  for (const name of [
    'template',
    'service_account',
    'created_by',
    'created_at'
  ]) {
    optionalString(value, name);
  }
  optionalMap(value, 'parameters');
  nullableString(value, 'failure_reason');
  nullableString(value, 'archive_path');
  return value as unknown as IProject;
}

/** Validate a template as the gallery's search lists it. */
export function validateTemplateSummary(value: unknown): ITemplateSummary {
  assertObject(value, 'A template');
  validateProperty(value, 'id', 'string');
  optionalString(value, 'title', value.id);
  validateProperty(value, 'type', 'string', TEMPLATE_TYPES);
  for (const name of ['description', 'task', 'framework', 'source']) {
    optionalString(value, name);
  }
  if (value.tags === undefined) {
    value.tags = [];
  }
  validateProperty(value, 'tags', 'string[]');
  if (value.fine_tunable === undefined) {
    value.fine_tunable = false;
  }
  validateProperty(value, 'fine_tunable', 'boolean');
  return value as unknown as ITemplateSummary;
}

/** Validate the answer of `GET /gallery/templates` (its items only). */
export function validateTemplateSearch(value: unknown): {
  items: ITemplateSummary[];
} {
  assertObject(value, 'A template search');
  const items = optionalArray(value, 'items');
  return {
    items: items.map((item, index) => {
      try {
        return validateTemplateSummary(item);
      } catch (error) {
        throw new Error(`items[${index}]: ${(error as Error).message}`);
      }
    })
  };
}

/** Whether `value` is a value of a parameter of type `type`. */
export function isParameterValue(
  value: unknown,
  type: ParameterType
): value is ParameterValue {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

function validateParameter(value: unknown, index: number): void {
  assertObject(value, `parameters[${index}]`);
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'type', 'string', PARAMETER_TYPES);
  optionalString(value, 'description');
  if (
    'default' in value &&
    !isParameterValue(value.default, value.type as ParameterType)
  ) {
    fail(`parameters[${index}].default`, value.type as string);
  }
}

/** Validate a template's manifest, with its parameters. */
export function validateTemplate(value: unknown): ITemplate {
  validateTemplateSummary(value);
  const object = value as JSONObject;
  if (object.requirements === undefined) {
    object.requirements = [];
  }
  validateProperty(object, 'requirements', 'string[]');
  nullableString(object, 'main');
  optionalArray(object, 'parameters').forEach(validateParameter);
  return value as ITemplate;
}

/** A project name as the server checks it: a space-like name (letters, digits, '-'). */
export const PROJECT_NAME_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The longest project name (its service account's name must stay within 63 characters). */
export const PROJECT_NAME_MAX_LENGTH = 45;

/** The longest string parameter value the server takes. */
const MAX_STRING_PARAMETER = 10000;

/** What is wrong with a project name, `null` when nothing is. */
export function projectNameProblem(name: string): string | null {
  if (!name) {
    return 'A project name is required.';
  }
  if (name.length > PROJECT_NAME_MAX_LENGTH) {
    return `A project name has at most ${PROJECT_NAME_MAX_LENGTH} characters.`;
  }
  return PROJECT_NAME_PATTERN.test(name)
    ? null
    : "Letters, digits and '-', starting and ending with a letter or digit.";
}

/** What the user typed for a parameter: text, or a checkbox's state. */
export type ParameterInput = string | boolean;

/** A parameter's input before anything is typed: its default, else empty. */
export function initialInput(parameter: ITemplateParameter): ParameterInput {
  if (parameter.type === 'boolean') {
    return parameter.default === true;
  }
  return parameter.default === undefined ? '' : String(parameter.default);
}

/**
 * A parameter's value from its input, of its declared type, or what is
 * wrong with the input.
 */
export function parameterValue(
  parameter: ITemplateParameter,
  input: ParameterInput
): { value: ParameterValue } | { error: string } {
  const { name, type } = parameter;
  if (type === 'boolean') {
    return { value: input === true };
  }
  const text = String(input);
  if (type === 'string') {
    if (!text && parameter.default === undefined) {
      return { error: `${name} is required.` };
    }
    if (text.length > MAX_STRING_PARAMETER || text.includes('\0')) {
      return { error: `${name} is too long.` };
    }
    return { value: text };
  }
  const trimmed = text.trim();
  if (type === 'integer') {
    const value = Number(trimmed);
    return /^[+-]?\d+$/.test(trimmed) && Number.isSafeInteger(value)
      ? { value }
      : { error: `${name} must be a whole number.` };
  }
  const value = Number(trimmed);
  return trimmed && Number.isFinite(value)
    ? { value }
    : { error: `${name} must be a number.` };
}

/**
 * The values of every parameter from the inputs (a missing input counts as
 * the initial one), or the first problem found.
 */
export function parameterValues(
  parameters: ReadonlyArray<ITemplateParameter>,
  inputs: Readonly<Record<string, ParameterInput>>
): { values: Record<string, ParameterValue> } | { error: string } {
  const values: Record<string, ParameterValue> = {};
  for (const parameter of parameters) {
    const input = inputs[parameter.name] ?? initialInput(parameter);
    const result = parameterValue(parameter, input);
    if ('error' in result) {
      return result;
    }
    values[parameter.name] = result.value;
  }
  return { values };
}
