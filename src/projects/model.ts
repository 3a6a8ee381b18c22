/**
 * The projects model: the MLOps projects of the user's spaces, kept fresh by
 * a poll that quickens while a project is being created or deleted.
 */
import type { ISpace } from '../api';
import { DEFAULT_REFRESH_INTERVAL, PollingModel } from '../polling';
import { getTemplate, ITemplate, ITemplateSummary } from '../gallery/api';
import {
  BUSY_STATUSES,
  createProject,
  deleteProject,
  INewProject,
  IProject,
  listProjectTemplates,
  listProjects
} from './api';

/** The permissions of projects. */
export namespace ProjectPermissions {
  export const read = 'projects:read';
  export const create = 'projects:create';
  export const remove = 'projects:delete';
}

/** The refresh interval while a project is being created or deleted, in milliseconds. */
export const BUSY_REFRESH_INTERVAL = 1000;

/** Whether a project is being created or deleted. */
export function isBusy(project: Pick<IProject, 'status'>): boolean {
  return BUSY_STATUSES.includes(project.status);
}

/**
 * The spaces a project may be created in: shared spaces the user edits or
 * owns (admins: every shared space), as the server checks.
 */
export function projectSpaces(
  spaces: ReadonlyArray<ISpace>,
  isAdmin: boolean
): ISpace[] {
  return spaces.filter(
    space =>
      space.sharing === 'shared' &&
      (isAdmin || space.role === 'editor' || space.role === 'owner')
  );
}

/**
 * The projects of the Studio sidebar.
 *
 * `projects` lists the live projects of the spaces the user is a member of,
 * sorted by name. While a project is `CreateInProgress` or
 * `DeleteInProgress`, or a creation made through the model is running, the
 * poll refreshes every `BUSY_REFRESH_INTERVAL` milliseconds; otherwise every
 * `refreshInterval`.
 */
export class ProjectsModel extends PollingModel {
  constructor(options: ProjectsModel.IOptions = {}) {
    super({
      ...options,
      name: 'jupyter-mlops-studio:ProjectsModel#refresh'
    });
    this._interval = options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL;
    this._busyInterval = Math.min(
      options.busyRefreshInterval ?? BUSY_REFRESH_INTERVAL,
      this._interval
    );
  }

  /** The projects, sorted by name. */
  get projects(): ReadonlyArray<IProject> {
    return this._projects;
  }

  /** Whether the poll runs at its quick interval. */
  get isBusy(): boolean {
    return this._creating > 0 || this._projects.some(isBusy);
  }

  /** Whether the signed-in user may create projects (in a space they edit). */
  get canCreate(): boolean {
    return this.can(ProjectPermissions.create);
  }

  /**
   * Whether the signed-in user may delete a project: its creator, an owner
   * of its space, or an admin. `space` is the project's space as the user
   * sees it, if they do.
   */
  canDelete(project: IProject, space: ISpace | undefined): boolean {
    const me = this.me;
    if (!me || !this.can(ProjectPermissions.remove)) {
      return false;
    }
    return (
      me.is_admin ||
      space?.role === 'owner' ||
      project.created_by === me.username
    );
  }

  /** The project templates of the gallery. */
  listTemplates(): Promise<ITemplateSummary[]> {
    return listProjectTemplates(this.serverSettings);
  }

  /** A template's manifest with its parameters. */
  getTemplate(id: string): Promise<ITemplate> {
    return getTemplate(id, this.serverSettings);
  }

  /**
   * Create a project; the list is refreshed quickly meanwhile (showing it
   * `CreateInProgress`) and again once it is made.
   */
  async createProject(request: INewProject): Promise<IProject> {
    this._creating++;
    this._applyInterval();
    void this.refresh();
    try {
      const project = await createProject(request, this.serverSettings);
      this._put(project);
      return project;
    } finally {
      this._creating--;
      this._applyInterval();
      void this.refresh();
    }
  }

  /** Delete (archive) a project, then refresh. */
  async deleteProject(name: string): Promise<void> {
    await deleteProject(name, this.serverSettings);
    this._projects = this._projects.filter(project => project.name !== name);
    this.emitChanged();
    void this.refresh();
  }

  protected load(): PollingModel.ILoad {
    const answer = listProjects(this.serverSettings).then(projects => () => {
      this._projects = sortedProjects(projects);
      this._applyInterval();
    });
    return { answer };
  }

  /** Poll quickly while something is busy, at the normal interval otherwise. */
  private _applyInterval(): void {
    if (this.isDisposed) {
      return;
    }
    const interval = this.isBusy ? this._busyInterval : this._interval;
    if (interval !== this.poll.frequency.interval) {
      this.poll.frequency = { ...this.poll.frequency, interval };
    }
  }

  private _put(project: IProject): void {
    this._projects = sortedProjects([
      ...this._projects.filter(item => item.name !== project.name),
      project
    ]);
    this.emitChanged();
  }

  private _busyInterval: number;
  private _creating = 0;
  private _interval: number;
  private _projects: IProject[] = [];
}

/** Projects sorted by name, as the server lists them. */
function sortedProjects(projects: ReadonlyArray<IProject>): IProject[] {
  return [...projects].sort((a, b) => a.name.localeCompare(b.name));
}

/** A namespace for `ProjectsModel` statics. */
export namespace ProjectsModel {
  /** The options of the projects model. */
  export interface IOptions extends PollingModel.IModelOptions {
    /**
     * The refresh interval while a project is busy, in milliseconds;
     * `BUSY_REFRESH_INTERVAL` by default.
     */
    busyRefreshInterval?: number;
  }
}
