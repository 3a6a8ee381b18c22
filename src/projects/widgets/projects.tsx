/**
 * The Projects section of the Studio sidebar: the MLOps projects of the
 * user's spaces with their status, template, space, creator and creation
 * time; Open repository, Model group, Delete… and New project….
 */
import { Message } from '@lumino/messaging';
import * as React from 'react';

import type { ISpace } from '../../api';
import type { StudioModel } from '../../model';
import { BADGE_CLASS } from '../../registry/widgets/classes';
import { DateText } from '../../registry/widgets/versions';
import { ACTIONS_CLASS } from '../../sharing/widgets/classes';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  PRIMARY_BUTTON_CLASS
} from '../../widgets/classes';
import { DialogHostWidget } from '../../widgets/dialoghost';
import { ErrorMessage, FormDialog, TextField } from '../../widgets/form';
import type { IProject, ProjectStatus } from '../api';
import { isBusy, ProjectsModel, projectSpaces } from '../model';
import {
  PROJECT_FAILURE_CLASS,
  PROJECT_ITEM_CLASS,
  PROJECT_LIST_CLASS,
  PROJECT_META_CLASS,
  PROJECT_NAME_CLASS,
  PROJECTS_CLASS,
  PROJECTS_TOOLBAR_CLASS
} from './classes';
import { NewProjectDialog } from './newproject';

/** The dialog the projects section shows, if any. */
export type ProjectsDialog =
  { kind: 'new' } | { kind: 'delete'; project: IProject } | null;

/** A project's status as a badge. */
export function ProjectStatusBadge(props: {
  status: ProjectStatus;
}): JSX.Element {
  return (
    <span
      className={BADGE_CLASS}
      data-status={props.status}
      title={`Status: ${props.status}`}
    >
      {props.status}
    </span>
  );
}

/** What a project item does; an action without a handler is not offered. */
export interface IProjectActions {
  /** Show the project's repository folder in the file browser. */
  onOpenRepository?: (project: IProject) => void;
  /** Show the project's model group in the registry panel. */
  onOpenModelGroup?: (project: IProject) => void;
}

/** The properties of a project item. */
interface IProjectItemProps extends IProjectActions {
  project: IProject;
  canDelete: boolean;
  onDelete: (project: IProject) => void;
}

/** One project: status, name, template, space, creator, time and actions. */
function ProjectItem(props: IProjectItemProps): JSX.Element {
  const { project, canDelete, onOpenRepository, onOpenModelGroup } = props;
  const busy = isBusy(project);
  const completed = project.status === 'CreateCompleted';
  return (
    <li
      className={PROJECT_ITEM_CLASS}
      aria-label={`Project ${project.name}`}
      data-project={project.name}
      data-status={project.status}
    >
      <div>
        <ProjectStatusBadge status={project.status} />{' '}
        <span className={PROJECT_NAME_CLASS} title={project.repository}>
          {project.name}
        </span>
      </div>
      <div className={PROJECT_META_CLASS}>
        <span data-field="template" title="Template">
          {project.template}
        </span>
        {' · '}
        <span data-field="space" title="Space">
          {project.space}
        </span>
      </div>
      <div className={PROJECT_META_CLASS}>
        <span data-field="creator">by {project.created_by}</span>
        {' · '}
        <DateText value={project.created_at} />
      </div>
      {project.failure_reason && (
        <p className={PROJECT_FAILURE_CLASS} data-field="failure">
          {project.failure_reason}
        </p>
      )}
      <div className={ACTIONS_CLASS}>
        {onOpenRepository && (
          <button
            type="button"
            className={BUTTON_CLASS}
            aria-label={`Open repository of ${project.name}`}
            title={`Open ${project.repository} in the file browser`}
            disabled={!completed}
            onClick={() => onOpenRepository(project)}
          >
            Open repository
          </button>
        )}
        {onOpenModelGroup && (
          <button
            type="button"
            className={BUTTON_CLASS}
            aria-label={`Model group of ${project.name}`}
            title={`Show ${project.model_group} in the model registry`}
            disabled={!completed}
            onClick={() => onOpenModelGroup(project)}
          >
            Model group
          </button>
        )}
        {canDelete && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            aria-label={`Delete ${project.name}`}
            title={busy ? `${project.name} is ${project.status}` : undefined}
            disabled={busy}
            onClick={() => props.onDelete(project)}
          >
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}

/** Delete (archive) a project, confirmed by typing its name. */
export function DeleteProjectDialog(props: {
  model: ProjectsModel;
  project: IProject;
  onClose: () => void;
}): JSX.Element {
  const { model, project, onClose } = props;
  const [confirm, setConfirm] = React.useState('');
  return (
    <FormDialog
      title={`Delete project ${project.name}`}
      submitLabel="Delete project"
      danger
      valid={confirm === project.name}
      onSubmit={() => model.deleteProject(project.name)}
      onClose={onClose}
    >
      <p>
        The repository <code>{project.repository}</code> moves to the studio’s
        archive and leaves the space. The model group{' '}
        <strong>{project.model_group}</strong> and its versions stay; the
        project’s service account <code>{project.service_account}</code> is
        archived and its token revoked.
      </p>
      <TextField
        label={`Type ${project.name} to confirm`}
        value={confirm}
        initialFocus
        onChange={setConfirm}
      />
    </FormDialog>
  );
}

/** The properties of the projects view. */
export interface IProjectsViewProps extends IProjectActions {
  model: ProjectsModel;
  /** The studio model, for the spaces and the user's roles in them. */
  studio: StudioModel;
  dialog: ProjectsDialog;
  onDialog: (dialog: ProjectsDialog) => void;
}

/** Render the projects, the New project… button and the open dialog. */
export function ProjectsView(props: IProjectsViewProps): JSX.Element {
  const { model, studio, dialog, onDialog } = props;
  const spaces = new Map<string, ISpace>(
    studio.spaces.map(space => [space.name, space])
  );
  const close = () => onDialog(null);
  return (
    <div className={PROJECTS_CLASS}>
      {model.canCreate && (
        <div className={PROJECTS_TOOLBAR_CLASS}>
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={() => onDialog({ kind: 'new' })}
          >
            New project…
          </button>
        </div>
      )}
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading projects…</p>
      ) : model.projects.length === 0 ? (
        <p className={EMPTY_CLASS}>
          No projects yet: a project is a git repository in a shared space with
          a pipeline, CI and a model group, made from a project template.
        </p>
      ) : (
        <ul className={PROJECT_LIST_CLASS} aria-label="Projects">
          {model.projects.map(project => (
            <ProjectItem
              key={project.id}
              project={project}
              canDelete={model.canDelete(project, spaces.get(project.space))}
              onDelete={item => onDialog({ kind: 'delete', project: item })}
              onOpenRepository={props.onOpenRepository}
              onOpenModelGroup={props.onOpenModelGroup}
            />
          ))}
        </ul>
      )}
      {dialog?.kind === 'new' && (
        <NewProjectDialog
          model={model}
          spaces={projectSpaces(studio.spaces, studio.me?.is_admin ?? false)}
          onClose={close}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteProjectDialog
          model={model}
          project={dialog.project}
          onClose={close}
        />
      )}
    </div>
  );
}

/**
 * A widget rendering the Projects section; it re-renders when the projects
 * or the studio's spaces change.
 */
export class ProjectsWidget extends DialogHostWidget<
  ProjectsModel,
  ProjectsDialog
> {
  constructor(options: ProjectsWidget.IOptions) {
    super(options.model);
    this.studio = options.studio;
    this._actions = {
      onOpenRepository: options.onOpenRepository,
      onOpenModelGroup: options.onOpenModelGroup
    };
    this.addClass(PROJECTS_CLASS + '-widget');
    this.studio.changed.connect(this._onStudioChanged, this);
  }

  /** The studio model, for the spaces and roles. */
  readonly studio: StudioModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.studio.changed.disconnect(this._onStudioChanged, this);
    super.dispose();
  }

  /** Refresh whenever the section shows (the poll stands by while hidden). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  protected renderView(dialog: ProjectsDialog): JSX.Element {
    return (
      <ProjectsView
        model={this.model}
        studio={this.studio}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        {...this._actions}
      />
    );
  }

  private _onStudioChanged(): void {
    this.update();
  }

  private _actions: IProjectActions;
}

/** A namespace for `ProjectsWidget` statics. */
export namespace ProjectsWidget {
  /** The options of the projects section. */
  export interface IOptions extends IProjectActions {
    model: ProjectsModel;
    studio: StudioModel;
  }
}
