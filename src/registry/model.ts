/**
 * The registry model: the groups, the selected group's versions and the
 * selected version's audit trail, kept fresh by a poll.
 */
import { StudioAPIError } from '../api';
import {
  DEFAULT_REFRESH_INTERVAL,
  GroupListModel,
  PollingModel
} from '../polling';
import {
  createGroup,
  deleteAlias,
  getAudit,
  IAuditEntry,
  ILineage,
  INewGroup,
  IRegistryGroup,
  IRegistryVersion,
  listGroups,
  listVersions,
  setAlias,
  setVersionStatus,
  VersionStatus
} from './api';

/** The default refresh interval, in milliseconds. */
export const REGISTRY_REFRESH_INTERVAL = DEFAULT_REFRESH_INTERVAL;

/** The permissions the registry panel checks. */
export namespace RegistryPermissions {
  export const groups = 'registry:groups';
  export const approve = 'registry:approve';
}

/**
 * The model of the registry panel.
 *
 * `ready` resolves after the first refresh attempt (a failure is kept in
 * `error`); `changed` is emitted after every refresh, selection change and
 * change made through the model. A `Poll` refreshes every 10 s, backs off on
 * errors and stands by as its `standby` option says (when the page is hidden
 * by default; the plugin also stands by while the panel is hidden).
 */
export class RegistryModel extends GroupListModel<IRegistryGroup> {
  constructor(options: RegistryModel.IOptions = {}) {
    super({ ...options, name: 'jupyter-mlops-studio:RegistryModel#refresh' });
  }

  /** The selected group, `null` when none is (or it disappeared). */
  get group(): IRegistryGroup | null {
    return this.groupList.find(g => g.name === this.selectedName) ?? null;
  }

  /** The versions of the selected group, newest first; `null` while loading. */
  get versions(): ReadonlyArray<IRegistryVersion> | null {
    return this._versions;
  }

  /** The metric names found in the selected group's versions, sorted. */
  get metricNames(): string[] {
    const names = new Set<string>();
    for (const version of this._versions ?? []) {
      Object.keys(version.metrics).forEach(name => names.add(name));
    }
    return Array.from(names).sort((a, b) => a.localeCompare(b));
  }

  /** The metric charted: the chosen one, else the first known. */
  get metric(): string | null {
    const names = this.metricNames;
    if (this._metric !== null && names.includes(this._metric)) {
      return this._metric;
    }
    return names[0] ?? null;
  }
  set metric(value: string | null) {
    if (value === this._metric) {
      return;
    }
    this._metric = value;
    this.emitChanged();
  }

  /** The number of the selected version, `null` when none is. */
  get selectedVersion(): number | null {
    return this._selectedVersion;
  }

  /** The selected version, `null` when none is (or it is not loaded). */
  get version(): IRegistryVersion | null {
    return (
      this._versions?.find(v => v.version === this._selectedVersion) ?? null
    );
  }

  /** The audit trail of the selected version, `null` while loading. */
  get audit(): ReadonlyArray<IAuditEntry> | null {
    return this._audit;
  }

  /** Select a group (or none), then load its versions. */
  selectGroup(name: string | null): Promise<void> {
    if (name === this.selectedName) {
      return Promise.resolve();
    }
    this.selectedName = name;
    this._versions = null;
    this._selectedVersion = null;
    this._audit = null;
    this.emitChanged();
    return this.refresh();
  }

  /** Select a version of the selected group (or none), then load its audit. */
  selectVersion(version: number | null): Promise<void> {
    if (version === this._selectedVersion) {
      return Promise.resolve();
    }
    this._selectedVersion = version;
    this._audit = null;
    this.emitChanged();
    return this.refresh();
  }

  /** Create a group, select it and refresh. */
  async createGroup(group: INewGroup): Promise<IRegistryGroup> {
    const created = await createGroup(group, this.serverSettings);
    this.groupList = sortGroups([
      ...this.groupList.filter(g => g.name !== created.name),
      created
    ]);
    await this.selectGroup(created.name);
    return created;
  }

  /**
   * Give a version of the selected group a status with a comment, then
   * refresh (the answer replaces the version at once).
   */
  async setStatus(
    version: number,
    status: VersionStatus,
    comment: string
  ): Promise<IRegistryVersion> {
    const group = this._requireGroup();
    const updated = await setVersionStatus(
      group,
      version,
      status,
      comment,
      this.serverSettings
    );
    this._replaceVersion(updated);
    this.emitChanged();
    await this.refresh();
    return updated;
  }

  /** Point an alias of the selected group at a version, then refresh. */
  async setAlias(alias: string, version: number): Promise<IRegistryVersion> {
    const group = this._requireGroup();
    const updated = await setAlias(group, alias, version, this.serverSettings);
    this._replaceVersion(updated);
    this.emitChanged();
    await this.refresh();
    return updated;
  }

  /** Remove an alias of the selected group, then refresh. */
  async deleteAlias(alias: string): Promise<void> {
    const group = this._requireGroup();
    await deleteAlias(group, alias, this.serverSettings);
    await this.refresh();
  }

  private _requireGroup(): string {
    if (this.selectedName === null) {
      throw new StudioAPIError(0, 'No model group is selected', 'no-group');
    }
    return this.selectedName;
  }

  private _replaceVersion(updated: IRegistryVersion): void {
    if (updated.group !== this.selectedName || !this._versions) {
      return;
    }
    this._versions = this._versions.map(v =>
      v.version === updated.version
        ? updated
        : // An alias moves: drop it from the version that had it.
          {
            ...v,
            aliases: v.aliases.filter(a => !updated.aliases.includes(a))
          }
    );
  }

  protected load(): PollingModel.ILoad {
    const group = this.selectedName;
    const version = this._selectedVersion;
    const answer = Promise.all([
      listGroups(this.serverSettings),
      group === null
        ? Promise.resolve(null)
        : listVersions(group, this.serverSettings),
      group === null || version === null
        ? Promise.resolve(null)
        : getAudit(group, version, this.serverSettings)
    ]).then(([groups, versions, audit]) => () => {
      this.groupList = sortGroups(groups);
      if (group === this.selectedName) {
        this._versions = versions;
        if (version === this._selectedVersion) {
          this._audit = audit;
        }
      }
    });
    return {
      answer,
      failed: () => {
        if (group === this.selectedName && this._versions === null) {
          this._versions = [];
        }
      }
    };
  }

  private _audit: IAuditEntry[] | null = null;
  private _metric: string | null = null;
  private _selectedVersion: number | null = null;
  private _versions: IRegistryVersion[] | null = null;
}

/** A namespace for `RegistryModel` statics. */
export namespace RegistryModel {
  /** The options of a registry model. */
  export type IOptions = PollingModel.IModelOptions;
}

/**
 * The path of a version's notebook relative to the server root: a path
 * already under `spaces/` is kept, else it is taken relative to the
 * lineage's space directory (`spaces/<space>/`). `null` without a notebook.
 */
export function notebookPath(lineage: ILineage): string | null {
  const notebook = lineage.notebook?.replace(/^\/+/, '');
  if (!notebook) {
    return null;
  }
  if (notebook.startsWith('spaces/') || !lineage.space) {
    return notebook;
  }
  return `spaces/${lineage.space}/${notebook}`;
}

function sortGroups(groups: IRegistryGroup[]): IRegistryGroup[] {
  return [...groups].sort((a, b) => a.name.localeCompare(b.name));
}
