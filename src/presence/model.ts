/**
 * The presence model: who has which document of each shared space open now,
 * polled every few seconds while the "Who's here" section shows.
 */
import type { ISpace, StudioAPIError } from '../api';
import type { StudioModel } from '../model';
import { asAPIError, PollingModel } from '../polling';
import { getPresence, IPresentPerson } from './api';

/** The refresh interval of presence, in milliseconds. */
export const PRESENCE_REFRESH_INTERVAL = 3000;

/**
 * The spaces whose presence is shown: the shared spaces the user is a
 * member of (an admin's other spaces are left out: the server answers their
 * presence to members only).
 */
export function presenceSpaces(spaces: ReadonlyArray<ISpace>): ISpace[] {
  return spaces.filter(
    space => space.sharing === 'shared' && space.role !== null
  );
}

/** Who is in one shared space now. */
export interface ISpacePresence {
  /** The space's name. */
  space: string;
  /** The people with a document of the space open, sorted by username. */
  people: ReadonlyArray<IPresentPerson>;
  /** Why the last refresh of this space failed (its people are the previous ones). */
  error: StudioAPIError | null;
}

/**
 * The presence of every shared space the user belongs to.
 *
 * Each refresh asks the server about the shared spaces the studio model
 * lists, in its order; a space whose presence fails keeps the people it had
 * with the error, one that answers 404 (the user left it meanwhile) is
 * dropped. A change of those spaces in the studio model refreshes at once.
 */
export class PresenceModel extends PollingModel {
  constructor(options: PresenceModel.IOptions) {
    super({
      refreshInterval: PRESENCE_REFRESH_INTERVAL,
      ...options,
      name: 'jupyter-mlops-studio:PresenceModel#refresh'
    });
    this.studio = options.studio;
    this.studio.changed.connect(this._onStudioChanged, this);
  }

  /** The studio model, for the spaces and the user's roles in them. */
  readonly studio: StudioModel;

  /** The presence of each shared space the user belongs to, by space name. */
  get spaces(): ReadonlyArray<ISpacePresence> {
    return this._spaces;
  }

  /** Whether `username` is the signed-in user. */
  isMe(username: string): boolean {
    return this.me?.username === username;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.studio.changed.disconnect(this._onStudioChanged, this);
    super.dispose();
  }

  protected load(): PollingModel.ILoad {
    const previous = new Map(this._spaces.map(item => [item.space, item]));
    const answer = this.studio.ready.then(async () => {
      const spaces = presenceSpaces(this.studio.spaces);
      const names = spaces.map(space => space.name);
      const answers = await Promise.all(
        names.map(name =>
          getPresence(name, this.serverSettings).then(
            (presence): ISpacePresence | null => ({
              space: name,
              people: presence.people,
              error: null
            }),
            (error): ISpacePresence | null => {
              const apiError = asAPIError(error);
              return apiError.status === 404
                ? null
                : {
                    space: name,
                    people: previous.get(name)?.people ?? [],
                    error: apiError
                  };
            }
          )
        )
      );
      return () => {
        this._loadedKey = spacesKey(names);
        this._spaces = answers.filter(
          (item): item is ISpacePresence => item !== null
        );
      };
    });
    return { answer };
  }

  /** Refresh at once when the shared spaces listed change. */
  private _onStudioChanged(): void {
    const key = spacesKey(
      presenceSpaces(this.studio.spaces).map(space => space.name)
    );
    if (this.isReady && key !== this._loadedKey) {
      this._loadedKey = key;
      void this.refresh();
    }
  }

  private _loadedKey = '';
  private _spaces: ISpacePresence[] = [];
}

/** A key naming a list of spaces. */
function spacesKey(names: ReadonlyArray<string>): string {
  return JSON.stringify(names);
}

/** A namespace for `PresenceModel` statics. */
export namespace PresenceModel {
  /** The options of the presence model. */
  export interface IOptions extends PollingModel.IModelOptions {
    /** The studio model listing the spaces. */
    studio: StudioModel;
  }
}
