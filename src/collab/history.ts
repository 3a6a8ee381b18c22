/**
 * Document history: the versions the server keeps of a collaborative
 * document (`/collab/history`), their shape validation, and the model of one
 * document's "Version history" panel.
 *
 * The server keeps a version when a change on disk replaces an open room's
 * content (`out-of-band`), before a restore (`before-restore`), when an
 * editor saves one (`saved`) and when it compacts a document's updates
 * (`checkpoint`). Anyone who may read the document lists and views them;
 * editors save and restore.
 */
import { ServerConnection } from '@jupyterlab/services';

import { IMe, ISpace, jsonRequest, pathSegment, requestChecked } from '../api';
import { spaceOfPath } from '../images/model';
import type { StudioModel } from '../model';
import { PollingModel } from '../polling';
import {
  assertObject,
  fail,
  nullableString,
  requireInteger,
  validateProperty
} from '../validate';

/** Why the server kept a version. */
export type VersionReason =
  'out-of-band' | 'before-restore' | 'before-recovery' | 'saved' | 'checkpoint';

/** The reasons this client knows (others are shown as they come). */
export const VERSION_REASONS: ReadonlyArray<VersionReason> = [
  'out-of-band',
  'before-restore',
  'before-recovery',
  'saved',
  'checkpoint'
];

/** The longest label of a saved version, in characters. */
export const MAX_LABEL_LENGTH = 200;

/** A version of a document, from `GET /collab/history`. */
export interface IDocumentVersion {
  /** The version number, increasing per document. */
  version: number;
  /** The document's API path (from the server root) when it was kept. */
  path: string;
  /** Why it was kept; one of `VERSION_REASONS` for this client. */
  reason: string;
  /** Who caused it to be kept, `null` for the server itself. */
  author: string | null;
  /** The label given when saving it, `null` without one. */
  label: string | null;
  /** When it was kept (ISO 8601). */
  at: string;
  /** The size of the stored version in bytes, `null` when not given. */
  size: number | null;
}

/** The versions of a document, newest first. */
export interface IDocumentHistory {
  path: string;
  items: IDocumentVersion[];
}

/** A version with its content (a notebook as JSON, or the text of a file). */
export interface IVersionContent extends IDocumentVersion {
  content: unknown;
}

/** The answer of a restore. */
export interface IRestored {
  path: string;
  /** The version written back to the file. */
  restored: number;
}

/** Validate a version (the content, if any, is left as it is). */
export function validateVersion(value: unknown): IDocumentVersion {
  assertObject(value, 'A version');
  requireInteger(value, 'version');
  validateProperty(value, 'path', 'string');
  validateProperty(value, 'reason', 'string');
  nullableString(value, 'author');
  nullableString(value, 'label');
  validateProperty(value, 'at', 'string');
  if (value.size === undefined) {
    value.size = null;
  }
  if (value.size !== null && !Number.isInteger(value.size)) {
    fail('size', 'integer|null');
  }
  return value as unknown as IDocumentVersion;
}

/** Validate the answer of `GET /collab/history`. */
export function validateHistory(value: unknown): IDocumentHistory {
  assertObject(value, 'The history');
  validateProperty(value, 'path', 'string');
  if (!Array.isArray(value.items)) {
    throw new Error("Property 'items' is not an array");
  }
  value.items.forEach((item, index) => {
    try {
      validateVersion(item);
    } catch (error) {
      throw new Error(`items[${index}]: ${(error as Error).message}`);
    }
  });
  return value as unknown as IDocumentHistory;
}

/** Validate the answer of `GET /collab/history/{version}`. */
export function validateVersionContent(value: unknown): IVersionContent {
  const version = validateVersion(value) as unknown as Record<string, unknown>;
  if (!('content' in version)) {
    throw new Error("Missing property 'content'");
  }
  return version as unknown as IVersionContent;
}

/** Validate the answer of a restore. */
export function validateRestored(value: unknown): IRestored {
  assertObject(value, 'The restore');
  validateProperty(value, 'path', 'string');
  requireInteger(value, 'restored');
  return value as unknown as IRestored;
}

/** The endpoint of a document's history, `path` as its query. */
function historyEndpoint(path: string, suffix = ''): string {
  return `collab/history${suffix}?path=${encodeURIComponent(path)}`;
}

/** `GET /collab/history?path=`: the versions of a document, newest first. */
export function listVersions(
  path: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IDocumentHistory> {
  return requestChecked(historyEndpoint(path), validateHistory, serverSettings);
}

/** `GET /collab/history/{version}?path=`: a version with its content. */
export function getVersion(
  path: string,
  version: number,
  serverSettings?: ServerConnection.ISettings
): Promise<IVersionContent> {
  return requestChecked(
    historyEndpoint(path, `/${pathSegment(version)}`),
    validateVersionContent,
    serverSettings
  );
}

/**
 * `POST /collab/history?path=`: keep the document as it is now (its open
 * room's content, else the file's) as a version, with an optional label
 * (editors; 403 for viewers).
 */
export function saveVersion(
  path: string,
  label?: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IDocumentVersion> {
  const text = label?.trim();
  return requestChecked(
    historyEndpoint(path),
    validateVersion,
    serverSettings,
    jsonRequest('POST', text ? { label: text } : {})
  );
}

/**
 * `POST /collab/history/{version}/restore?path=`: write a version back to
 * the file; the server keeps what it replaces first (editors; 403 for
 * viewers). Open rooms follow the file.
 */
export function restoreVersion(
  path: string,
  version: number,
  serverSettings?: ServerConnection.ISettings
): Promise<IRestored> {
  return requestChecked(
    historyEndpoint(path, `/${pathSegment(version)}/restore`),
    validateRestored,
    serverSettings,
    jsonRequest('POST')
  );
}

/**
 * Whether the signed-in user may save and restore versions of the document
 * at `path`: an editor or the owner of its space, or an admin. Outside
 * spaces, and while the user or the space is not known, they may not.
 */
export function canEditHistory(
  path: string,
  spaces: ReadonlyArray<ISpace>,
  me: IMe | null
): boolean {
  const name = spaceOfPath(path);
  if (!me || name === null) {
    return false;
  }
  if (me.is_admin) {
    return true;
  }
  const space = spaces.find(item => item.name === name);
  return space?.role === 'editor' || space?.role === 'owner';
}

/** A reason as words, for the list and the preview. */
export function reasonText(reason: string): string {
  switch (reason) {
    case 'out-of-band':
      return 'Kept before a change on disk';
    case 'before-restore':
      return 'Kept before a restore';
    case 'before-recovery':
      return 'Kept before unsaved edits were recovered';
    case 'saved':
      return 'Saved';
    case 'checkpoint':
      return 'Checkpoint';
    default:
      return reason;
  }
}

/** A size in bytes as text (`512 B`, `1.5 KB`, `2.0 MB`). */
export function formatSize(bytes: number | null): string {
  if (bytes === null) {
    return '–';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The refresh interval of an open history panel, in milliseconds. */
export const HISTORY_REFRESH_INTERVAL = 10 * 1000;

/**
 * The versions of one document, refreshed while its panel shows, and the
 * actions on them. `canEdit` follows the user's role in the document's space
 * as the studio model knows it (the server decides in the end).
 */
export class HistoryModel extends PollingModel {
  constructor(options: HistoryModel.IOptions) {
    super({
      refreshInterval: HISTORY_REFRESH_INTERVAL,
      ...options,
      name: 'jupyter-mlops-studio:HistoryModel#refresh'
    });
    this.path = options.path;
    this.studio = options.studio;
    this.studio.changed.connect(this._onStudioChanged, this);
  }

  /** The document's API path, from the server root. */
  readonly path: string;

  /** The studio model, for the user's role in the document's space. */
  readonly studio: StudioModel;

  /** The versions, newest first. */
  get versions(): ReadonlyArray<IDocumentVersion> {
    return this._versions;
  }

  /** Whether the user may save and restore versions. */
  get canEdit(): boolean {
    return canEditHistory(this.path, this.studio.spaces, this.studio.me);
  }

  /** What the last action did, for a status line; `null` before any. */
  get status(): string | null {
    return this._status;
  }

  /** A version with its content. */
  getVersion(version: number): Promise<IVersionContent> {
    return getVersion(this.path, version, this.serverSettings);
  }

  /** Save the document as it is now as a version, then refresh. */
  async save(label?: string): Promise<IDocumentVersion> {
    const entry = await saveVersion(this.path, label, this.serverSettings);
    this._status = entry.label
      ? `Version ${entry.version} saved: ${entry.label}`
      : `Version ${entry.version} saved`;
    await this._refreshAfterAction();
    return entry;
  }

  /** Write a version back to the file, then refresh. */
  async restore(version: number): Promise<IRestored> {
    const restored = await restoreVersion(
      this.path,
      version,
      this.serverSettings
    );
    this._status =
      `Version ${restored.restored} restored: ${restored.path} holds it now ` +
      '(what it replaced was kept as a version first).';
    await this._refreshAfterAction();
    return restored;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.studio.changed.disconnect(this._onStudioChanged, this);
    super.dispose();
  }

  protected load(): PollingModel.ILoad {
    const answer = listVersions(this.path, this.serverSettings).then(
      history => () => {
        this._versions = history.items;
      }
    );
    return { answer };
  }

  /** Show the action's status, and the versions it added once loaded. */
  private async _refreshAfterAction(): Promise<void> {
    this.emitChanged();
    // A failed refresh is kept in `error`; the action itself succeeded.
    await this.refresh().catch(() => undefined);
  }

  /** The role may have changed: render `canEdit` again. */
  private _onStudioChanged(): void {
    this.emitChanged();
  }

  private _status: string | null = null;
  private _versions: IDocumentVersion[] = [];
}

/** A namespace for `HistoryModel` statics. */
export namespace HistoryModel {
  /** The options of a history model. */
  export interface IOptions extends PollingModel.IModelOptions {
    /** The document's API path, from the server root. */
    path: string;
    /** The studio model, for the user's role in the document's space. */
    studio: StudioModel;
  }
}
