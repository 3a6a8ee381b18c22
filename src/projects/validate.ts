/**
 * Shape validation of the answers about projects, and the server's check of
 * a project name, so that the dialog can say what is wrong before sending
 * (template parameters are checked by `../gallery/parameters`).
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape.
 */
import {
  assertObject,
  nullableString,
  optionalMap,
  optionalString,
  validateProperty
} from '../validate';
import type { IProject } from './api';
import { PROJECT_STATUSES } from './api';

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

/** A project name as the server checks it: a space-like name (letters, digits, '-'). */
export const PROJECT_NAME_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The longest project name (its service account's name must stay within 63 characters). */
export const PROJECT_NAME_MAX_LENGTH = 45;

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
