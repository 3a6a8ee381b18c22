/**
 * The studio model: the signed-in user and their spaces, kept fresh by a poll.
 */
import {
  createSpace,
  deleteSpace,
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
  updateSpace
} from './api';
import { DEFAULT_REFRESH_INTERVAL, PollingModel } from './polling';

export { DEFAULT_REFRESH_INTERVAL } from './polling';

/** The smallest refresh interval accepted, in milliseconds. */
export const MIN_REFRESH_INTERVAL = 2 * 1000;

/**
 * The signed-in user and the spaces they can see.
 *
 * `ready` resolves after the first refresh attempt, successful or not (a
 * failure is kept in `error`); `changed` is emitted after every refresh and
 * every change made through the model. A `Poll` refreshes every
 * `refreshInterval` milliseconds, backs off on errors and stands by while the
 * page is hidden.
 */
export class StudioModel extends PollingModel {
  constructor(options: StudioModel.IOptions = {}) {
    super({
      ...options,
      refreshInterval: clampInterval(
        options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL
      ),
      name: 'jupyter-mlops-studio:StudioModel#refresh'
    });
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

  /** The refresh interval in milliseconds (at least 2 s). */
  get refreshInterval(): number {
    return this.poll.frequency.interval;
  }
  set refreshInterval(value: number) {
    const interval = clampInterval(value);
    if (interval === this.poll.frequency.interval) {
      return;
    }
    this.poll.frequency = { ...this.poll.frequency, interval };
  }

  /** Whether the signed-in user may manage a space (owner or admin). */
  canManage(space: ISpace): boolean {
    return space.role === 'owner' || (this.me?.is_admin ?? false);
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
    this.emitChanged();
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

  protected load(): PollingModel.ILoad {
    return {
      answer: listSpaces(this.serverSettings).then(spaces => () => {
        this._spaces = sortSpaces(spaces);
      })
    };
  }

  private _upsert(space: ISpace): void {
    const others = this._spaces.filter(item => item.name !== space.name);
    this._spaces = sortSpaces([...others, space]);
    this.emitChanged();
  }

  private _spaces: ISpace[] = [];
}

/** A namespace for `StudioModel` statics. */
export namespace StudioModel {
  /** The options of a studio model. */
  export type IOptions = PollingModel.IModelOptions;
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
