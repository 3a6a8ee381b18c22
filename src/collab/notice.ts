/**
 * The collaborators' notice of an out-of-band change: when a document's file
 * changes on disk while its room is open, the server keeps the room's content
 * as a version, then sets `studioOutOfBand` in the shared document's state
 * (`{"version", "at", "path"}` as a JSON string). Everyone with the document
 * open is told, with a way to the version history.
 */
import { Notification } from '@jupyterlab/apputils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

/** The key of the notice in the shared document's state map. */
export const OUT_OF_BAND_KEY = 'studioOutOfBand';

/** The label of the notification's action. */
export const HISTORY_ACTION_LABEL = 'Version history';

/** What the server says about an out-of-band change. */
export interface IOutOfBandNotice {
  /** The version keeping the room's previous content. */
  version: number;
  /** When the change was noticed (ISO 8601). */
  at: string;
  /** The document's API path, from the server root. */
  path: string;
}

/**
 * The notice held by the state value (a JSON string, or the object itself),
 * `null` when there is none or it is malformed.
 */
export function parseOutOfBandNotice(value: unknown): IOutOfBandNotice | null {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return null;
  }
  const { version, at, path } = data as Record<string, unknown>;
  if (
    !Number.isInteger(version) ||
    typeof path !== 'string' ||
    path === '' ||
    (at !== undefined && typeof at !== 'string')
  ) {
    return null;
  }
  return { version: version as number, at: (at as string) ?? '', path };
}

/** The text of the notification. */
export function outOfBandMessage(notice: IOutOfBandNotice): string {
  return `${notice.path} changed on disk; the room's previous content was kept as version ${notice.version}`;
}

/**
 * Show the notification of a notice; its action opens the version history
 * of the document. It stays until dismissed: the user may be away.
 * Returns the notification's id.
 */
export function showOutOfBandNotification(
  notice: IOutOfBandNotice,
  openHistory: (path: string) => void
): string {
  return Notification.warning(outOfBandMessage(notice), {
    autoClose: false,
    actions: [
      {
        label: HISTORY_ACTION_LABEL,
        caption: `Show the versions of ${notice.path}`,
        callback: () => openHistory(notice.path)
      }
    ]
  });
}

/** A change of the shared document's state, as `@jupyter/ydoc` emits it. */
export interface IStateChange {
  name: string;
  oldValue?: unknown;
  newValue?: unknown;
}

/** What the watcher needs of a shared document (`ISharedDocument`). */
export interface IStateDocument {
  readonly changed: ISignal<unknown, { stateChange?: IStateChange[] }>;
  getState(key: string): unknown;
}

/**
 * Watch one shared document for new out-of-band notices.
 *
 * The notice held when the watcher starts is an old one (the room's state
 * outlives the change, and a client syncing it is not told of it again):
 * start the watcher once the document has synced. Each later notice is
 * reported once.
 */
export class OutOfBandWatcher implements IDisposable {
  constructor(
    document: IStateDocument,
    onNotice: (notice: IOutOfBandNotice) => void
  ) {
    this._document = document;
    this._onNotice = onNotice;
    this._last = document.getState(OUT_OF_BAND_KEY);
    document.changed.connect(this._onChanged, this);
  }

  /** Whether the watcher is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Stop watching. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._document.changed.disconnect(this._onChanged, this);
  }

  private _onChanged(
    _: unknown,
    change: { stateChange?: IStateChange[] }
  ): void {
    const entry = change.stateChange?.find(
      item => item.name === OUT_OF_BAND_KEY
    );
    if (!entry || entry.newValue === this._last) {
      return;
    }
    this._last = entry.newValue;
    const notice = parseOutOfBandNotice(entry.newValue);
    if (notice) {
      this._onNotice(notice);
    }
  }

  private _document: IStateDocument;
  private _isDisposed = false;
  private _last: unknown;
  private _onNotice: (notice: IOutOfBandNotice) => void;
}
