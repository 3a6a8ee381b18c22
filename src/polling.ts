/**
 * The base of the studio's models: the signed-in user plus whatever a
 * subclass loads, refreshed by a `Poll`.
 */
import { ServerConnection } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { getMe, IMe, StudioAPIError } from './api';

/** The default refresh interval, in milliseconds. */
export const DEFAULT_REFRESH_INTERVAL = 10 * 1000;

/** The longest back-off after repeated errors, in milliseconds. */
const MAX_BACKOFF = 5 * 60 * 1000;

/** An error as a `StudioAPIError` (status 0 when it is not one). */
export function asAPIError(error: unknown): StudioAPIError {
  return error instanceof StudioAPIError
    ? error
    : new StudioAPIError(0, String(error), null);
}

/**
 * A model refreshed by a poll: the signed-in user and what `load()` fetches.
 *
 * `ready` resolves after the first refresh attempt, successful or not (a
 * failure is kept in `error`); `changed` is emitted after every refresh and
 * whenever a subclass calls `emitChanged()`. The poll refreshes every
 * `refreshInterval` milliseconds, backs off on errors and stands by as its
 * `standby` option says (when the page is hidden by default). An answer is
 * dropped when the model was disposed or a later refresh started meanwhile.
 */
export abstract class PollingModel implements IDisposable {
  constructor(options: PollingModel.IOptions) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    const poll = new Poll({
      auto: false,
      factory: () => this._refresh(),
      frequency: {
        interval: options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
        backoff: true,
        max: MAX_BACKOFF
      },
      name: options.name,
      standby: options.standby ?? 'when-hidden'
    });
    this.poll = poll;
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

  /** Emitted after a refresh or a change made through the model. */
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

  /** The error of the last refresh, `null` when it succeeded. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** Whether the signed-in user holds a permission (e.g. `spaces:create`). */
  can(permission: string): boolean {
    return this._me?.permissions.includes(permission) ?? false;
  }

  /** Refresh now and resolve when the refresh has completed. */
  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    try {
      await this.poll.refresh();
      await this.poll.tick;
    } catch (error) {
      // The tick rejects only when the poll is disposed meanwhile.
      if (!this._isDisposed) {
        throw error;
      }
    }
  }

  /** Stop polling and release the model. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poll.dispose();
    this._firstAttempt.resolve();
    Signal.clearData(this);
  }

  /**
   * Start loading what the model holds besides the signed-in user.
   *
   * Called at the start of every refresh; the state a refresh depends on
   * (a selection) is read synchronously here.
   */
  protected abstract load(): PollingModel.ILoad;

  /** Emit `changed`. */
  protected emitChanged(): void {
    this._changed.emit();
  }

  /** The poll refreshing the model. */
  protected readonly poll: Poll;

  private async _refresh(): Promise<void> {
    const generation = ++this._generation;
    const load = this.load();
    try {
      const [me, apply] = await Promise.all([
        getMe(this.serverSettings),
        load.answer
      ]);
      // Drop the answer when disposed, or when a later refresh has started.
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._me = me;
      apply();
      this._error = null;
    } catch (error) {
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._error = asAPIError(error);
      load.failed?.();
      this._changed.emit();
      // Reject so that the poll backs off.
      throw error;
    } finally {
      this._firstAttempt.resolve();
    }
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _error: StudioAPIError | null = null;
  private _firstAttempt = new PromiseDelegate<void>();
  private _generation = 0;
  private _isDisposed = false;
  private _isReady = false;
  private _me: IMe | null = null;
  private _ready: Promise<void>;
}

/**
 * A polling model listing named groups, filtered by name, of which one can
 * be selected (the feature store's and the registry's panels).
 *
 * A subclass keeps `groups` up to date and owns how a selection is made;
 * this class holds the list, the filter and the selected name.
 */
export abstract class GroupListModel<
  T extends { name: string }
> extends PollingModel {
  /** Every group, sorted by name. */
  get groups(): ReadonlyArray<T> {
    return this.groupList;
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
    this.emitChanged();
  }

  /** The groups whose name contains the filter (case-insensitive). */
  get filteredGroups(): ReadonlyArray<T> {
    const needle = this._filter.trim().toLowerCase();
    if (!needle) {
      return this.groupList;
    }
    return this.groupList.filter(group =>
      group.name.toLowerCase().includes(needle)
    );
  }

  /** The name of the selected group, `null` when none is. */
  get selectedGroup(): string | null {
    return this.selectedName;
  }

  /** Select a group by name (`null` for none) and load what it shows. */
  abstract selectGroup(name: string | null): Promise<void>;

  /** Every group, as the last refresh or change left them. */
  protected groupList: T[] = [];

  /** The name of the selected group, `null` when none is. */
  protected selectedName: string | null = null;

  private _filter = '';
}

/** A namespace for `PollingModel` statics. */
export namespace PollingModel {
  /** The options every polling model accepts. */
  export interface IModelOptions {
    /** The server settings, `ServerConnection.makeSettings()` by default. */
    serverSettings?: ServerConnection.ISettings;
    /** The refresh interval in milliseconds, 10 s by default. */
    refreshInterval?: number;
    /** When the poll stands by, `'when-hidden'` by default. */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }

  /** The options of the base class, given by a subclass. */
  export interface IOptions extends IModelOptions {
    /** The name of the poll, for debugging. */
    name: string;
  }

  /** A load started by `load()`. */
  export interface ILoad {
    /**
     * Resolves to a function applying what was loaded to the model; it is
     * called only if the answer is still wanted.
     */
    answer: Promise<() => void>;
    /** Called when the refresh failed, if its failure is still wanted. */
    failed?: () => void;
  }
}
