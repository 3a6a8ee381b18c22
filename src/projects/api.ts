/**
 * Typed REST layer of MLOps projects (`/mlops-studio/api/v1/projects`) and
 * of the project templates of the gallery (`gallery/templates?type=project`).
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

/** A value of a template parameter. */
export type ParameterValue = string | number | boolean;

/** The type of a template parameter. */
export type ParameterType = 'string' | 'integer' | 'number' | 'boolean';

/** Every parameter type. */
export const PARAMETER_TYPES: ReadonlyArray<ParameterType> = [
  'string',
  'integer',
  'number',
  'boolean'
];

/** The body of `POST /projects`. */
export interface INewProject {
  name: string;
  space: string;
  template: string;
  /** Values of the template's parameters; omitted ones take their default. */
  parameters?: Record<string, ParameterValue>;
}

/** A parameter of a template, substituted into its files. */
export interface ITemplateParameter {
  name: string;
  type: ParameterType;
  /** Its default; a parameter without one must be given. */
  default?: ParameterValue;
  description: string;
}

/** A template as the gallery's search lists it. */
export interface ITemplateSummary {
  id: string;
  title: string;
  description: string;
  type: 'notebook' | 'project' | 'model';
  task: string;
  framework: string;
  tags: string[];
  fine_tunable: boolean;
  source: string;
}

/** A template's manifest, from `GET /gallery/templates/{id}`. */
export interface ITemplate extends ITemplateSummary {
  requirements: string[];
  main: string | null;
  parameters: ITemplateParameter[];
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
  const search = await requestChecked(
    `gallery/templates?type=project&limit=${SEARCH_LIMIT}`,
    validate.validateTemplateSearch,
    serverSettings
  );
  return search.items;
}

/** `GET /gallery/templates/{id}`: a template's manifest with its parameters. */
export function getTemplate(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplate> {
  return requestChecked(
    `gallery/templates/${pathSegment(id)}`,
    validate.validateTemplate,
    serverSettings
  );
}
