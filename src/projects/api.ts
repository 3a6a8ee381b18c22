/**
 * Typed REST layer of MLOps projects (`/mlops-studio/api/v1/projects`); the
 * project templates are the gallery's templates of type `project`.
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 409 `project-exists`, 403 `forbidden`).
 */
import { ServerConnection } from '@jupyterlab/services';

import {
  jsonRequest,
  pathSegment,
  requestChecked,
  requestDelete,
  requestItems
} from '../api';
import {
  ITemplateSummary,
  ParameterValue,
  searchTemplates
} from '../gallery/api';
import * as validate from './validate';

/** The status of a project, with SageMaker Projects' transitions. */
export type ProjectStatus =
  | 'CreateInProgress'
  | 'CreateCompleted'
  | 'CreateFailed'
  | 'DeleteInProgress'
  | 'DeleteCompleted';

/** Every project status. */
export const PROJECT_STATUSES: ReadonlyArray<ProjectStatus> = [
  'CreateInProgress',
  'CreateCompleted',
  'CreateFailed',
  'DeleteInProgress',
  'DeleteCompleted'
];

/** The statuses of a project being created or deleted (the server refuses to delete it). */
export const BUSY_STATUSES: ReadonlyArray<ProjectStatus> = [
  'CreateInProgress',
  'DeleteInProgress'
];

/** An MLOps project. */
export interface IProject {
  id: string;
  /** Also the repository's folder name in its space. */
  name: string;
  status: ProjectStatus;
  /** The id of the gallery template it was made from. */
  template: string;
  /** The values of the template's parameters. */
  parameters: Record<string, unknown>;
  /** The shared space holding the repository. */
  space: string;
  /** The git repository's folder from the server root (`spaces/<space>/<name>`). */
  repository: string;
  /** The project's model package group, `<project>-<short id>`. */
  model_group: string;
  /** The compute user whose token the repository keeps. */
  service_account: string;
  failure_reason: string | null;
  created_by: string;
  created_at: string;
  /** Where the repository went when the project was deleted. */
  archive_path: string | null;
}

/** The body of `POST /projects`. */
export interface INewProject {
  name: string;
  space: string;
  template: string;
  /** Values of the template's parameters; omitted ones take their default. */
  parameters?: Record<string, ParameterValue>;
}

/** The most templates one search answers. */
const SEARCH_LIMIT = 500;

/** `GET /projects`: the projects of the user's spaces (admins: all). */
export function listProjects(
  serverSettings?: ServerConnection.ISettings
): Promise<IProject[]> {
  return requestItems('projects', validate.validateProject, serverSettings);
}

/** `GET /projects/{name}`: one project. */
export function getProject(
  name: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IProject> {
  return requestChecked(
    `projects/${pathSegment(name)}`,
    validate.validateProject,
    serverSettings
  );
}

/**
 * `POST /projects`: create a project (repository, model group, service
 * account); the server answers once it is `CreateCompleted`, or with the
 * error after undoing everything.
 */
export function createProject(
  project: INewProject,
  serverSettings?: ServerConnection.ISettings
): Promise<IProject> {
  return requestChecked(
    'projects',
    validate.validateProject,
    serverSettings,
    jsonRequest('POST', project)
  );
}

/**
 * `DELETE /projects/{name}`, confirmed by its name: the repository moves to
 * the archive, the model group stays, the service account is archived.
 */
export function deleteProject(
  name: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  return requestDelete(`projects/${pathSegment(name)}`, serverSettings, {
    confirm: name
  });
}

/** `GET /gallery/templates?type=project`: the project templates. */
export async function listProjectTemplates(
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplateSummary[]> {
  const search = await searchTemplates(
    { type: 'project', limit: SEARCH_LIMIT },
    serverSettings
  );
  return search.items;
}
