/**
 * The studio model: the signed-in user and their spaces, kept fresh by a poll.
 */
import { ServerConnection } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  createSpace,
  deleteSpace,
  getMe,
  IMe,
  IMember,
  INewSpace,
  ISpace,
  ISpacePatch,
  IUser,
  listMembers,
  listSpaces,
  listUsers,
  removeMember,
  setMember,
  SpaceRole,
  StudioAPIError,
  updateSpace
} from './api';

/** The default refresh interval, in milliseconds. */
export const DEFAULT_REFRESH_INTERVAL = 10 * 1000;

/** The smallest refresh interval accepted, in milliseconds. */
export const MIN_REFRESH_INTERVAL = 2 * 1000;

/** The longest back-off after repeated errors, in milliseconds. */
const MAX_BACKOFF = 5 * 60 * 1000;

/**
 * The signed-in user and the spaces they can see.
 *
 * `ready` resolves after the first refresh attempt, successful or not (a
 * failure is kept in `error`); `changed` is emitted after every refresh and
 * every change made through the model. A `Poll` refreshes every
 * `refreshInterval` milliseconds, backs off on errors and stands by while the
 * page is hidden.
 */
export class StudioModel implements IDisposable {
  constructor(options: StudioModel.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    const poll = new Poll({
      auto: false,
      factory: () => this._refresh(),
      frequency: {
        interval: clampInterval(
          options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL
        ),
        backoff: true,
        max: MAX_BACKOFF
      },
      name: 'jupyter-mlops-studio:StudioModel#refresh',
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

  /** Emitted after a refresh or a change made through the model. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The signed-in user, `null` until loaded. */
  get me(): IMe | null {
    return this._me;
  }

  /** Every space the user can see. */
  get spaces(): ReadonlyArray<ISpace> {
    return this._spaces;
  }

  /** The private spaces the user can see. */
  get privateSpaces(): ReadonlyArray<ISpace> {
    return this._spaces.filter(space => space.sharing === 'private');
  }

  /** The shared spaces the user can see. */
  get sharedSpaces(): ReadonlyArray<ISpace> {
    return this._spaces.filter(space => space.sharing === 'shared');
  }

  /** The error of the last refresh, `null` when it succeeded. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** The refresh interval in milliseconds (at least 2 s). */
  get refreshInterval(): number {
    return this._poll.frequency.interval;
  }
  set refreshInterval(value: number) {
    const interval = clampInterval(value);
    if (interval === this._poll.frequency.interval) {
      return;
    }
    this._poll.frequency = { ...this._poll.frequency, interval };
  }

  /** Whether the signed-in user holds a permission (e.g. `spaces:create`). */
  can(permission: string): boolean {
    return this._me?.permissions.includes(permission) ?? false;
  }

  /** Whether the signed-in user may manage a space (owner or admin). */
  canManage(space: ISpace): boolean {
    return space.role === 'owner' || (this._me?.is_admin ?? false);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
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

  /** Create a space, then refresh. */
  async createSpace(space: INewSpace): Promise<ISpace> {
    const created = await createSpace(space, this.serverSettings);
    this._upsert(created);
    void this.refresh();
    return created;
  }

  /** Change a space's description or sharing, then refresh. */
  async updateSpace(name: string, patch: ISpacePatch): Promise<ISpace> {
    const updated = await updateSpace(name, patch, this.serverSettings);
    this._upsert(updated);
    void this.refresh();
    return updated;
  }

  /** Delete a space, then refresh. */
  async deleteSpace(name: string): Promise<void> {
    await deleteSpace(name, this.serverSettings);
    this._spaces = this._spaces.filter(space => space.name !== name);
    this._changed.emit();
    void this.refresh();
  }

  /** The members of a space. */
  listMembers(space: string): Promise<IMember[]> {
    return listMembers(space, this.serverSettings);
  }

  /** Add a member to a space or change their role. */
  async setMember(
    space: string,
    username: string,
    role: SpaceRole
  ): Promise<IMember> {
    const member = await setMember(space, username, role, this.serverSettings);
    void this.refresh();
    return member;
  }

  /** Remove a member from a space. */
  async removeMember(space: string, username: string): Promise<void> {
    await removeMember(space, username, this.serverSettings);
    void this.refresh();
  }

  /** The user profiles of the domain. */
  listUsers(): Promise<IUser[]> {
    return listUsers(this.serverSettings);
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

  private async _refresh(): Promise<void> {
    try {
      const [me, spaces] = await Promise.all([
        getMe(this.serverSettings),
        listSpaces(this.serverSettings)
      ]);
      if (this._isDisposed) {
        return;
      }
      this._me = me;
      this._spaces = sortSpaces(spaces);
      this._error = null;
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._error =
        error instanceof StudioAPIError
          ? error
          : new StudioAPIError(0, String(error), null);
      this._changed.emit();
      // Reject so that the poll backs off.
      throw error;
    } finally {
      this._firstAttempt.resolve();
    }
    this._changed.emit();
  }

  private _upsert(space: ISpace): void {
    const others = this._spaces.filter(item => item.name !== space.name);
    this._spaces = sortSpaces([...others, space]);
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _error: StudioAPIError | null = null;
  private _firstAttempt = new PromiseDelegate<void>();
  private _isDisposed = false;
  private _isReady = false;
  private _me: IMe | null = null;
  private _poll: Poll;
  private _ready: Promise<void>;
  private _spaces: ISpace[] = [];
}

/** A namespace for `StudioModel` statics. */
export namespace StudioModel {
  /** The options of a studio model. */
  export interface IOptions {
    /** The server settings, `ServerConnection.makeSettings()` by default. */
    serverSettings?: ServerConnection.ISettings;
    /** The refresh interval in milliseconds, 10 s by default (min 2 s). */
    refreshInterval?: number;
    /** When the poll stands by, `'when-hidden'` by default. */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }
}

function clampInterval(value: number): number {
  if (!Number.isFinite(value)) {
    return DEFAULT_REFRESH_INTERVAL;
  }
  return Math.max(MIN_REFRESH_INTERVAL, Math.round(value));
}

function sortSpaces(spaces: ISpace[]): ISpace[] {
  return [...spaces].sort((a, b) => a.name.localeCompare(b.name));
}
