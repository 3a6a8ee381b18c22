/**
 * The image builds model: the builds of the user's spaces, kept fresh by a
 * poll, and the live log of the build selected.
 */
import { PollingModel } from '../polling';
import {
  cancelBuild,
  checkLayout,
  IBuild,
  IBuildBackend,
  ILayoutCheck,
  INewBuild,
  LayoutCheckRequest,
  listBackends,
  listBuilds,
  startBuild
} from './api';
import { BuildLog, EventSourceFactory } from './log';

/** The permissions of image builds. */
export namespace ImagePermissions {
  export const read = 'images:read';
  export const build = 'images:build';
}

/** The space a path from the server root is in (`spaces/<space>/...`). */
export function spaceOfPath(path: string): string | null {
  const match = /^\/?spaces\/([^/]+)(?:\/|$)/.exec(path);
  return match ? match[1] : null;
}

/** A build's image as `repository:tag`. */
export function imageName(build: Pick<IBuild, 'repository' | 'tag'>): string {
  return `${build.repository}:${build.tag}`;
}

/**
 * The builds of the Studio sidebar.
 *
 * `builds` lists the builds of every space the user is a member of, newest
 * first. `select()` follows a build's log (`log`); selecting a build
 * started through the model happens by itself. When the log says the
 * status changed, the builds are refreshed at once.
 */
export class ImageBuildsModel extends PollingModel {
  constructor(options: ImageBuildsModel.IOptions = {}) {
    super({
      ...options,
      name: 'jupyter-mlops-studio:ImageBuildsModel#refresh'
    });
    this._eventSource = options.eventSource;
  }

  /** The builds, newest first. */
  get builds(): ReadonlyArray<IBuild> {
    return this._builds;
  }

  /** The id of the build whose log is shown, `null` when none is. */
  get selected(): string | null {
    return this._log?.id ?? null;
  }

  /** The build whose log is shown, `null` when none is (or it is unknown). */
  get selectedBuild(): IBuild | null {
    const id = this.selected;
    return this._builds.find(build => build.id === id) ?? null;
  }

  /** The log followed, `null` when no build is selected. */
  get log(): BuildLog | null {
    return this._log;
  }

  /** Whether the signed-in user may start builds. */
  get canBuild(): boolean {
    return this.can(ImagePermissions.build);
  }

  /** Follow the log of a build (or of none, with `null`). */
  select(id: string | null): void {
    if (id === this.selected) {
      return;
    }
    this._log?.changed.disconnect(this._onLogChanged, this);
    this._log?.dispose();
    this._log = null;
    if (id !== null) {
      const build = this._builds.find(item => item.id === id);
      this._log = new BuildLog({
        id,
        status: build?.status,
        serverSettings: this.serverSettings,
        eventSource: this._eventSource
      });
      this._log.changed.connect(this._onLogChanged, this);
    }
    this.emitChanged();
  }

  /** The configured backends. */
  listBackends(): Promise<IBuildBackend[]> {
    return listBackends(this.serverSettings);
  }

  /** Check a Dockerfile against the SageMaker container layout. */
  checkLayout(request: LayoutCheckRequest): Promise<ILayoutCheck> {
    return checkLayout(request, this.serverSettings);
  }

  /** Start a build, follow its log and refresh. */
  async startBuild(request: INewBuild): Promise<IBuild> {
    const build = await startBuild(request, this.serverSettings);
    this._put(build);
    this.select(build.id);
    void this.refresh();
    return build;
  }

  /** Cancel a queued or running build. */
  async cancel(build: IBuild): Promise<IBuild> {
    const stopped = await cancelBuild(build.id, this.serverSettings);
    this._put(stopped);
    void this.refresh();
    return stopped;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._log?.dispose();
    this._log = null;
    super.dispose();
  }

  protected load(): PollingModel.ILoad {
    const answer = listBuilds(undefined, this.serverSettings).then(
      builds => () => {
        this._builds = sortedBuilds(builds);
      }
    );
    return { answer };
  }

  private _onLogChanged(log: BuildLog): void {
    const build = this._builds.find(item => item.id === log.id);
    if (build && log.status !== null && log.status !== build.status) {
      void this.refresh();
    }
    this.emitChanged();
  }

  private _put(build: IBuild): void {
    this._builds = sortedBuilds([
      build,
      ...this._builds.filter(item => item.id !== build.id)
    ]);
    this.emitChanged();
  }

  private _builds: IBuild[] = [];
  private _eventSource: EventSourceFactory | null | undefined;
  private _log: BuildLog | null = null;
}

/** Builds newest first (by creation time, then id). */
function sortedBuilds(builds: ReadonlyArray<IBuild>): IBuild[] {
  return [...builds].sort(
    (a, b) =>
      b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id)
  );
}

/** A namespace for `ImageBuildsModel` statics. */
export namespace ImageBuildsModel {
  /** The options of the image builds model. */
  export interface IOptions extends PollingModel.IModelOptions {
    /**
     * Opens a build's event stream; the browser's `EventSource` by default,
     * `null` to poll the logs route instead.
     */
    eventSource?: EventSourceFactory | null;
  }
}
