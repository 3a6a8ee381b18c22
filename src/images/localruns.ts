/**
 * Typed REST layer of local training runs (`/mlops-studio/api/v1/local-runs`):
 * a space's script run on the server in the SageMaker training layout,
 * without Docker. Like `../api`, answers are shape-checked and errors are
 * `StudioAPIError`s with the server's reason.
 */
import { ServerConnection } from '@jupyterlab/services';

import { jsonRequest, pathSegment, requestChecked, requestItems } from '../api';
import {
  assertObject,
  nullableNumber,
  nullableObject,
  nullableString,
  optionalMap,
  requireInteger,
  validateProperty
} from '../validate';

/** The status of a local training run. */
export type LocalRunStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopped';

const RUN_STATUSES: ReadonlyArray<LocalRunStatus> = [
  'InProgress',
  'Completed',
  'Failed',
  'Stopped'
];

/** The model a completed run packed into the artifact store. */
export interface ILocalRunModel {
  key: string;
  uri: string;
  digest: string | null;
  size: number | null;
}

/** Where a run registered its model, or why it could not. */
export interface ILocalRunRegistration {
  group: string;
  version?: number;
  status?: string;
  error?: string;
}

/** A local training run. */
export interface ILocalRun {
  id: string;
  space: string;
  /** The script, from the server root. */
  entry_point: string | null;
  status: LocalRunStatus;
  exit_code: number | null;
  /** The script's `output/failure`, or why the run failed. */
  failure_reason: string | null;
  hyperparameters: Record<string, unknown>;
  channels: Record<string, string>;
  model: ILocalRunModel | null;
  registered: ILocalRunRegistration | null;
  created_by: string;
  created_at: string;
  ended_at: string | null;
}

/** A chunk of a run's output, from `GET /local-runs/{id}/logs`. */
export interface ILocalRunLog {
  text: string;
  /** The byte offset to ask the next chunk from. */
  offset: number;
  complete: boolean;
  status: LocalRunStatus;
}

/** What to register a run's model into. */
export interface ILocalRunRegister {
  group: string;
  description?: string;
}

/** The body of `POST /local-runs`. */
export interface INewLocalRun {
  /** The script (`.py` or `.sh`) from the server root. */
  entry_point: string;
  hyperparameters?: Record<string, string>;
  /** Channel name → a path in a space, from the server root. */
  channels?: Record<string, string>;
  register?: ILocalRunRegister;
}

/** Validate a local training run. */
export function validateLocalRun(value: unknown): ILocalRun {
  assertObject(value, 'A local run');
  validateProperty(value, 'id', 'string');
  validateProperty(value, 'space', 'string');
  validateProperty(value, 'status', 'string', RUN_STATUSES);
  nullableString(value, 'entry_point');
  nullableNumber(value, 'exit_code');
  nullableString(value, 'failure_reason');
  optionalMap(value, 'hyperparameters');
  optionalMap(value, 'channels');
  nullableObject(value, 'model');
  nullableObject(value, 'registered');
  validateProperty(value, 'created_at', 'string');
  nullableString(value, 'ended_at');
  return value as unknown as ILocalRun;
}

/** Validate a chunk of a run's output. */
export function validateLocalRunLog(value: unknown): ILocalRunLog {
  assertObject(value, 'A run log');
  validateProperty(value, 'text', 'string');
  requireInteger(value, 'offset');
  validateProperty(value, 'complete', 'boolean');
  validateProperty(value, 'status', 'string', RUN_STATUSES);
  return value as unknown as ILocalRunLog;
}

/** `POST /local-runs`: start a training run. */
export function startLocalRun(
  run: INewLocalRun,
  serverSettings?: ServerConnection.ISettings
): Promise<ILocalRun> {
  return requestChecked(
    'local-runs',
    validateLocalRun,
    serverSettings,
    jsonRequest('POST', run)
  );
}

/** `GET /local-runs`: the user's training runs. */
export async function listLocalRuns(
  serverSettings?: ServerConnection.ISettings
): Promise<ILocalRun[]> {
  return requestItems('local-runs', validateLocalRun, serverSettings);
}

/** The path of a run. */
function runPath(id: string): string {
  return `local-runs/${pathSegment(id)}`;
}

/** `GET /local-runs/{id}`: one run. */
export function getLocalRun(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ILocalRun> {
  return requestChecked(runPath(id), validateLocalRun, serverSettings);
}

/** `GET /local-runs/{id}/logs?offset=N`: the output from byte `offset`. */
export function getLocalRunLog(
  id: string,
  offset = 0,
  serverSettings?: ServerConnection.ISettings
): Promise<ILocalRunLog> {
  return requestChecked(
    `${runPath(id)}/logs?offset=${offset}`,
    validateLocalRunLog,
    serverSettings
  );
}

/** `DELETE /local-runs/{id}`: stop a run. */
export function stopLocalRun(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ILocalRun> {
  return requestChecked(
    runPath(id),
    validateLocalRun,
    serverSettings,
    jsonRequest('DELETE')
  );
}

/** A hyperparameter's name, as the server checks it. */
export const HYPERPARAMETER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/;

/** A channel's name, as the server checks it. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What is wrong with a hyperparameter's name, `null` when nothing is. */
export function hyperparameterProblem(name: string): string | null {
  if (name.startsWith('sagemaker_')) {
    return `'${name}': names starting with sagemaker_ are reserved.`;
  }
  return HYPERPARAMETER_PATTERN.test(name)
    ? null
    : `${name ? `'${name}'` : 'An empty name'} is not a hyperparameter name: letters, digits, '_', '.' or '-'.`;
}

/** What is wrong with a channel's name, `null` when nothing is. */
export function channelProblem(name: string): string | null {
  return CHANNEL_PATTERN.test(name)
    ? null
    : `${name ? `'${name}'` : 'An empty name'} is not a channel name: 1-64 letters, digits, '_', '.' or '-'.`;
}
