/**
 * Shape validation of the answers about image builds, and the checks of
 * what a user types that the server makes too (repository, tag, build
 * argument names), so that the dialog can say what is wrong before sending.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape.
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
  IBuild,
  IBuildBackend,
  ILayoutCheck,
  ILayoutFinding,
  ILogLine,
  ILogPage
} from './api';
import { BUILD_STATUSES, LAYOUT_MODES } from './api';

const LOG_KINDS = ['line', 'phase', 'status'];
const LEVELS = ['error', 'warning', 'info'];

/**
 * Check that `object[name]` is an array (a missing one becomes `[]` when
 * `optional`) and validate each item with its index.
 */
function requireItems(
  object: JSONObject,
  name: string,
  validateItem: (item: unknown, index: number) => unknown,
  optional = false
): void {
  if (optional && (object[name] === undefined || object[name] === null)) {
    object[name] = [];
  }
  const items = object[name];
  if (!Array.isArray(items)) {
    fail(name, 'array');
  }
  items.forEach(validateItem);
}

/** Validate a backend of `GET /images/backends`. */
export function validateBackend(value: unknown): IBuildBackend {
  assertObject(value, 'A backend');
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'available', 'boolean');
  nullableString(value, 'problem');
  if (value.options === undefined) {
    value.options = [];
  }
  validateProperty(value, 'options', 'string[]');
  return value as unknown as IBuildBackend;
}

/** Validate a build. */
export function validateBuild(value: unknown): IBuild {
  assertObject(value, 'A build');
  for (const name of ['id', 'space', 'context', 'repository', 'tag']) {
    validateProperty(value, name, 'string');
  }
  validateProperty(value, 'status', 'string', BUILD_STATUSES);
  for (const name of [
    'dockerfile',
    'backend',
    'context_digest',
    'created_by',
    'created_at'
  ]) {
    optionalString(value, name);
  }
  optionalMap(value, 'build_args');
  optionalMap(value, 'options');
  nullableNumber(value, 'context_size');
  for (const name of [
    'image_uri',
    'external_id',
    'cached_from',
    'failure_reason',
    'started_at',
    'ended_at'
  ]) {
    nullableString(value, name);
  }
  requireItems(
    value,
    'phases',
    (phase, index) => {
      assertObject(phase, `phases[${index}]`);
      validateProperty(phase, 'name', 'string');
      optionalString(phase, 'at');
    },
    true
  );
  return value as unknown as IBuild;
}

function validateLogLine(value: unknown, index: number): ILogLine {
  assertObject(value, `lines[${index}]`);
  requireInteger(value, 'seq');
  optionalString(value, 'at');
  validateProperty(value, 'kind', 'string', LOG_KINDS);
  validateProperty(value, 'text', 'string');
  return value as unknown as ILogLine;
}

/** Validate a page of a build's log. */
export function validateLogPage(value: unknown): ILogPage {
  assertObject(value, 'A log page');
  validateProperty(value, 'build', 'string');
  validateProperty(value, 'status', 'string', BUILD_STATUSES);
  validateProperty(value, 'complete', 'boolean');
  requireInteger(value, 'next');
  requireItems(value, 'lines', validateLogLine);
  return value as unknown as ILogPage;
}

function validateFinding(value: unknown, index: number): ILayoutFinding {
  assertObject(value, `findings[${index}]`);
  validateProperty(value, 'level', 'string', LEVELS);
  optionalString(value, 'rule');
  validateProperty(value, 'message', 'string');
  if (value.line === undefined) {
    value.line = null;
  }
  if (value.line !== null && !Number.isInteger(value.line)) {
    fail('line', 'integer|null');
  }
  return value as unknown as ILayoutFinding;
}

/** Validate the answer of a layout check. */
export function validateLayoutCheck(value: unknown): ILayoutCheck {
  assertObject(value, 'A layout check');
  validateProperty(value, 'mode', 'string', LAYOUT_MODES);
  validateProperty(value, 'ok', 'boolean');
  requireItems(value, 'findings', validateFinding);
  return value as unknown as ILayoutCheck;
}

/** ECR's repository name rule, as the server checks it. */
export const REPOSITORY_PATTERN =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The longest repository name. */
export const REPOSITORY_MAX_LENGTH = 256;

/** An image tag, as the server checks it. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A build argument's name, as the server checks it. */
export const BUILD_ARG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** What is wrong with a repository name, `null` when nothing is. */
export function repositoryProblem(value: string): string | null {
  if (!value) {
    return 'A repository is required.';
  }
  if (value.length > REPOSITORY_MAX_LENGTH) {
    return `A repository name has at most ${REPOSITORY_MAX_LENGTH} characters.`;
  }
  return REPOSITORY_PATTERN.test(value)
    ? null
    : "Lowercase letters and digits, with '.', '_', '-' or '/' between them.";
}

/** What is wrong with a tag, `null` when nothing is. */
export function tagProblem(value: string): string | null {
  return TAG_PATTERN.test(value)
    ? null
    : "1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.";
}

/** What is wrong with a build argument's name, `null` when nothing is. */
export function buildArgProblem(name: string): string | null {
  return BUILD_ARG_PATTERN.test(name)
    ? null
    : `${name ? `'${name}'` : 'An empty name'} is not a build argument name: a letter or '_', then letters, digits or '_'.`;
}
