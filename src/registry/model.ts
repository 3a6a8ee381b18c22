/**
 * The registry model: the groups, the selected group's versions and the
 * selected version's audit trail, kept fresh by a poll.
 */
import { ServerConnection } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { getMe, IMe, StudioAPIError } from '../api';
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
export const REGISTRY_REFRESH_INTERVAL = 10 * 1000;

/** The longest back-off after repeated errors, in milliseconds. */
const MAX_BACKOFF = 5 * 60 * 1000;

/** The permissions the registry panel checks. */
export namespace RegistryPermissions {
  export const groups = 'registry:groups';
  export const approve = 'registry:approve';
}

function asAPIError(error: unknown): StudioAPIError {
  return error instanceof StudioAPIError
    ? error
    : new StudioAPIError(0, String(error), null);
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
export class RegistryModel implements IDisposable {
  constructor(options: RegistryModel.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    const poll = new Poll({
      auto: false,
      factory: () => this._refresh(),
      frequency: {
        interval: options.refreshInterval ?? REGISTRY_REFRESH_INTERVAL,
        backoff: true,
        max: MAX_BACKOFF
      },
      name: 'jupyter-mlops-studio:RegistryModel#refresh',
      standby: options.standby ?? 'when-hidden'
    });
    this._poll = poll;
    this._ready = (async () => {
      await poll.start();
      await this._firstAttempt.promise;
      this._isReady = true;
    })();
  }

  /** The server settings used for every request. */
  readonly serverSettings: ServerConnection.ISettings;

  /** A promise resolved after the first refresh attempt. */
  get ready(): Promise<void> {
    return this._ready;
  }

  /** Whether the first refresh attempt has completed. */
  get isReady(): boolean {
    return this._isReady;
  }

  /** Emitted after a refresh, a selection change or a change made here. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The signed-in user, `null` until loaded. */
  get me(): IMe | null {
    return this._me;
  }

  /** Whether the signed-in user holds a permission (e.g. `registry:approve`). */
  can(permission: string): boolean {
    return this._me?.permissions.includes(permission) ?? false;
  }

  /** Every group, sorted by name. */
  get groups(): ReadonlyArray<IRegistryGroup> {
    return this._groups;
  }

  /** The text filtering the groups by name. */
  get filter(): string {
    return this._filter;
  }
  set filter(value: string) {
    if (value === this._filter) {
      return;
    }
    this._filter = value;
    this._changed.emit();
  }

  /** The groups whose name contains the filter (case-insensitive). */
  get filteredGroups(): ReadonlyArray<IRegistryGroup> {
    const needle = this._filter.trim().toLowerCase();
    if (!needle) {
      return this._groups;
    }
    return this._groups.filter(group =>
      group.name.toLowerCase().includes(needle)
    );
  }

  /** The error of the last refresh, `null` when it succeeded. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** The name of the selected group, `null` when none is. */
  get selectedGroup(): string | null {
    return this._selectedGroup;
  }

  /** The selected group, `null` when none is (or it disappeared). */
  get group(): IRegistryGroup | null {
    return this._groups.find(g => g.name === this._selectedGroup) ?? null;
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
    this._changed.emit();
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
    if (name === this._selectedGroup) {
      return Promise.resolve();
    }
    this._selectedGroup = name;
    this._versions = null;
    this._selectedVersion = null;
    this._audit = null;
    this._changed.emit();
    return this.refresh();
  }

  /** Select a version of the selected group (or none), then load its audit. */
  selectVersion(version: number | null): Promise<void> {
    if (version === this._selectedVersion) {
      return Promise.resolve();
    }
    this._selectedVersion = version;
    this._audit = null;
    this._changed.emit();
    return this.refresh();
  }

  /** Refresh now and resolve when the refresh has completed. */
  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    try {
      await this._poll.refresh();
      await this._poll.tick;
    } catch (error) {
      // The tick rejects only when the poll is disposed meanwhile.
      if (!this._isDisposed) {
        throw error;
      }
    }
  }

  /** Create a group, select it and refresh. */
  async createGroup(group: INewGroup): Promise<IRegistryGroup> {
    const created = await createGroup(group, this.serverSettings);
    this._groups = sortGroups([
      ...this._groups.filter(g => g.name !== created.name),
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
    this._changed.emit();
    await this.refresh();
    return updated;
  }

  /** Point an alias of the selected group at a version, then refresh. */
  async setAlias(alias: string, version: number): Promise<IRegistryVersion> {
    const group = this._requireGroup();
    const updated = await setAlias(group, alias, version, this.serverSettings);
    this._replaceVersion(updated);
    this._changed.emit();
    await this.refresh();
    return updated;
  }

  /** Remove an alias of the selected group, then refresh. */
  async deleteAlias(alias: string): Promise<void> {
    const group = this._requireGroup();
    await deleteAlias(group, alias, this.serverSettings);
    await this.refresh();
  }

  /** Stop polling and release the model. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._firstAttempt.resolve();
    Signal.clearData(this);
  }

  private _requireGroup(): string {
    if (this._selectedGroup === null) {
      throw new StudioAPIError(0, 'No model group is selected', 'no-group');
    }
    return this._selectedGroup;
  }

  private _replaceVersion(updated: IRegistryVersion): void {
    if (updated.group !== this._selectedGroup || !this._versions) {
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

  private async _refresh(): Promise<void> {
    const generation = ++this._generation;
    const group = this._selectedGroup;
    const version = this._selectedVersion;
    try {
      const [me, groups, versions, audit] = await Promise.all([
        getMe(this.serverSettings),
        listGroups(this.serverSettings),
        group === null
          ? Promise.resolve(null)
          : listVersions(group, this.serverSettings),
        group === null || version === null
          ? Promise.resolve(null)
          : getAudit(group, version, this.serverSettings)
      ]);
      // Drop the answer when disposed, or when a later refresh has started.
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._me = me;
      this._groups = sortGroups(groups);
      if (group === this._selectedGroup) {
        this._versions = versions;
        if (version === this._selectedVersion) {
          this._audit = audit;
        }
      }
      this._error = null;
    } catch (error) {
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._error = asAPIError(error);
      if (group === this._selectedGroup && this._versions === null) {
        this._versions = [];
      }
      this._changed.emit();
      // Reject so that the poll backs off.
      throw error;
    } finally {
      this._firstAttempt.resolve();
    }
    this._changed.emit();
  }

  private _audit: IAuditEntry[] | null = null;
  private _changed = new Signal<this, void>(this);
  private _error: StudioAPIError | null = null;
  private _filter = '';
  private _firstAttempt = new PromiseDelegate<void>();
  private _generation = 0;
  private _groups: IRegistryGroup[] = [];
  private _isDisposed = false;
  private _isReady = false;
  private _me: IMe | null = null;
  private _metric: string | null = null;
  private _poll: Poll;
  private _ready: Promise<void>;
  private _selectedGroup: string | null = null;
  private _selectedVersion: number | null = null;
  private _versions: IRegistryVersion[] | null = null;
}

/** A namespace for `RegistryModel` statics. */
export namespace RegistryModel {
  /** The options of a registry model. */
  export interface IOptions {
    /** The server settings, `ServerConnection.makeSettings()` by default. */
    serverSettings?: ServerConnection.ISettings;
    /** The refresh interval in milliseconds, 10 s by default. */
    refreshInterval?: number;
    /** When the poll stands by, `'when-hidden'` by default. */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }
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
