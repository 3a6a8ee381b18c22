/**
 * The parameters of a template as form fields: their initial text, and the
 * check turning what was typed into a value of the declared type before it
 * is sent (the server checks again and answers 400 otherwise).
 */
import type { ITemplateParameter, ParameterValue } from './api';

/** The longest string value the server accepts. */
export const MAX_STRING_LENGTH = 10000;

/** What a parameter field holds: text, or a checkbox for booleans. */
export type ParameterInput = string | boolean;

/** A parsed field: its value, or why it has none. */
export type ParsedParameter =
  { value: ParameterValue; error: null } | { value: null; error: string };

/** The input a parameter's field starts with: its default, if any. */
export function initialInput(parameter: ITemplateParameter): ParameterInput {
  if (parameter.type === 'boolean') {
    return parameter.default === true;
  }
  return parameter.default === undefined ? '' : String(parameter.default);
}

/** The initial inputs of every parameter, by name. */
export function initialInputs(
  parameters: ReadonlyArray<ITemplateParameter>
): Record<string, ParameterInput> {
  const inputs: Record<string, ParameterInput> = {};
  for (const parameter of parameters) {
    inputs[parameter.name] = initialInput(parameter);
  }
  return inputs;
}

function invalid(error: string): ParsedParameter {
  return { value: null, error };
}

/** A field's input as a value of the parameter's type, or the reason it is not one. */
export function parseParameter(
  parameter: ITemplateParameter,
  input: ParameterInput
): ParsedParameter {
  if (parameter.type === 'boolean') {
    return typeof input === 'boolean'
      ? { value: input, error: null }
      : invalid('must be true or false');
  }
  const text = String(input);
  if (parameter.type === 'string') {
    if (text.length > MAX_STRING_LENGTH) {
      return invalid(`must be at most ${MAX_STRING_LENGTH} characters`);
    }
    if (text.includes('\u0000')) {
      return invalid('must not contain a NUL character');
    }
    return { value: text, error: null };
  }
  const trimmed = text.trim();
  if (!trimmed) {
    return invalid('is required');
  }
  if (parameter.type === 'integer') {
    if (!/^[+-]?\d+$/.test(trimmed)) {
      return invalid('must be a whole number');
    }
    const value = Number(trimmed);
    return Number.isSafeInteger(value)
      ? { value, error: null }
      : invalid('is too large');
  }
  // A number: decimal or exponent notation, finite.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    return invalid('must be a number');
  }
  const value = Number(trimmed);
  return Number.isFinite(value)
    ? { value, error: null }
    : invalid('must be a finite number');
}

/** The outcome of checking every field of a form. */
export interface IParsedParameters {
  /** The values of the valid fields, by name. */
  values: Record<string, ParameterValue>;
  /** The error of each invalid field, by name. */
  errors: Record<string, string>;
  /** Whether every field is valid. */
  valid: boolean;
}

/** Check every parameter's input (a missing input counts as the initial one). */
export function parseParameters(
  parameters: ReadonlyArray<ITemplateParameter>,
  inputs: Record<string, ParameterInput>
): IParsedParameters {
  const values: Record<string, ParameterValue> = {};
  const errors: Record<string, string> = {};
  for (const parameter of parameters) {
    const input = inputs[parameter.name] ?? initialInput(parameter);
    const parsed = parseParameter(parameter, input);
    if (parsed.error === null) {
      values[parameter.name] = parsed.value;
    } else {
      errors[parameter.name] = parsed.error;
    }
  }
  return { values, errors, valid: Object.keys(errors).length === 0 };
}

/**
 * The folder a template is written to, as typed: a relative path of names
 * that do not start with a dot. `null` when it is one, else the reason.
 */
export function folderError(folder: string): string | null {
  const trimmed = folder.trim();
  if (!trimmed) {
    return 'A folder name is required';
  }
  if (trimmed.startsWith('/') || trimmed.includes('\\')) {
    return 'The folder must be a relative path in the space';
  }
  const parts = trimmed.split('/');
  if (parts.some(part => !part || part.startsWith('.'))) {
    return 'Folder names may not be empty or start with a dot';
  }
  return null;
}
