/**
 * The snapshots model: my snapshots with the links of those expanded, and
 * the snapshots shared with me, kept fresh by a poll.
 */
import { IUser, listUsers } from '../api';
import { PollingModel } from '../polling';
import {
  createLink,
  createSnapshot,
  getSharingSettings,
  ILinkOpen,
  INewLink,
  INewShareLink,
  INewSnapshot,
  ISharingSettings,
  IShareLink,
  ISnapshot,
  listLinkOpens,
  listLinks,
  listSnapshots,
  revokeLink,
  updateLink
} from './api';

/** The permission sharing a snapshot needs (creating one needs none). */
export const SHARE_PERMISSION = 'snapshots:share';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The `expires_in_days` (counted from now, as the server counts it) that
 * pushes a link's expiry `days` further: from its expiry if it is still
 * ahead, else from now. `null` for a link that never expires.
 */
export function extendedExpiryDays(
  link: Pick<IShareLink, 'expires_at'>,
  days: number,
  now: number = Date.now()
): number | null {
  if (link.expires_at === null) {
    return null;
  }
  const left = Math.max(0, Date.parse(link.expires_at) - now);
  return Math.ceil(left / DAY) + days;
}

/**
 * The snapshots of the Studio sidebar.
 *
 * `mine` lists the signed-in user's snapshots, newest first; the links of a
 * snapshot are loaded (and refreshed with it) once the snapshot is expanded,
 * so that a refresh costs three requests plus one per expanded snapshot.
 * `shared` lists the snapshots shared with the user through a live link.
 */
export class SnapshotsModel extends PollingModel {
  constructor(options: SnapshotsModel.IOptions = {}) {
    super({ ...options, name: 'jupyter-mlops-studio:SnapshotsModel#refresh' });
  }

  /** My snapshots, newest first. */
  get mine(): ReadonlyArray<ISnapshot> {
    return this._mine;
  }

  /** The snapshots shared with me, newest first. */
  get shared(): ReadonlyArray<ISnapshot> {
    return this._shared;
  }

  /** Whether the signed-in user may create share links. */
  get canShare(): boolean {
    return this.can(SHARE_PERMISSION);
  }

  /** Whether the links of a snapshot are shown. */
  isExpanded(snapshot: string): boolean {
    return this._expanded.has(snapshot);
  }

  /** The links of an expanded snapshot, newest first; `null` while loading. */
  links(snapshot: string): ReadonlyArray<IShareLink> | null {
    return this._links.get(snapshot) ?? null;
  }

  /** Show or hide the links of a snapshot (they are loaded when shown). */
  async toggleLinks(snapshot: string): Promise<void> {
    if (this._expanded.has(snapshot)) {
      this._expanded.delete(snapshot);
      this._links.delete(snapshot);
      this.emitChanged();
      return;
    }
    this._expanded.add(snapshot);
    this.emitChanged();
    await this.refresh();
  }

  /** The domain settings the share dialog follows. */
  sharingSettings(): Promise<ISharingSettings> {
    return getSharingSettings(this.serverSettings);
  }

  /** The user profiles of the domain (the audience of a link). */
  listUsers(): Promise<IUser[]> {
    return listUsers(this.serverSettings);
  }

  /** Snapshot a notebook, then refresh. */
  async createSnapshot(snapshot: INewSnapshot): Promise<ISnapshot> {
    const created = await createSnapshot(snapshot, this.serverSettings);
    this._mine = [created, ...this._mine.filter(s => s.id !== created.id)];
    this.emitChanged();
    void this.refresh();
    return created;
  }

  /** Create a link for one of my snapshots, show its links and refresh. */
  async createLink(snapshot: string, link: INewLink): Promise<INewShareLink> {
    const created = await createLink(snapshot, link, this.serverSettings);
    this._expanded.add(snapshot);
    void this.refresh();
    return created;
  }

  /** Revoke a link at once. */
  async revokeLink(link: IShareLink): Promise<IShareLink> {
    return this._replace(await revokeLink(link.id, this.serverSettings));
  }

  /** Push a link's expiry `days` further (see `extendedExpiryDays`). */
  async extendLink(link: IShareLink, days: number): Promise<IShareLink> {
    const patch = { expires_in_days: extendedExpiryDays(link, days) };
    return this._replace(await updateLink(link.id, patch, this.serverSettings));
  }

  /** Who opened a link, and when. */
  listOpens(link: IShareLink): Promise<ILinkOpen[]> {
    return listLinkOpens(link.id, this.serverSettings);
  }

  protected load(): PollingModel.ILoad {
    const expanded = Array.from(this._expanded);
    const answer = Promise.all([
      listSnapshots('mine', this.serverSettings),
      listSnapshots('shared', this.serverSettings),
      Promise.all(expanded.map(id => listLinks(id, this.serverSettings)))
    ]).then(([mine, shared, links]) => () => {
      this._mine = mine;
      this._shared = shared;
      const known = new Set(mine.map(snapshot => snapshot.id));
      expanded.forEach((id, index) => {
        // A snapshot collapsed meanwhile keeps no links.
        if (this._expanded.has(id)) {
          this._links.set(id, links[index]);
        }
      });
      for (const id of Array.from(this._expanded)) {
        if (!known.has(id)) {
          this._expanded.delete(id);
          this._links.delete(id);
        }
      }
    });
    return { answer };
  }

  private _replace(link: IShareLink): IShareLink {
    const links = this._links.get(link.snapshot);
    if (links) {
      this._links.set(
        link.snapshot,
        links.map(item => (item.id === link.id ? link : item))
      );
    }
    this.emitChanged();
    void this.refresh();
    return link;
  }

  private _expanded = new Set<string>();
  private _links = new Map<string, IShareLink[]>();
  private _mine: ISnapshot[] = [];
  private _shared: ISnapshot[] = [];
}

/** A namespace for `SnapshotsModel` statics. */
export namespace SnapshotsModel {
  /** The options of a snapshots model. */
  export type IOptions = PollingModel.IModelOptions;
}
