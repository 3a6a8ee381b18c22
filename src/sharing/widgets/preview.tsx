/**
 * The read-only preview of a snapshot, opened from a share link (or by id
 * for my snapshots and those shared with me): its details, its cells
 * rendered as untrusted content, "Create a copy" and "Open newer snapshot".
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import { ReactWidget } from '@jupyterlab/ui-components';
import { PromiseDelegate } from '@lumino/coreutils';
import { Panel } from '@lumino/widgets';
import * as React from 'react';

import type { ISpace, StudioAPIError } from '../../api';
import { asAPIError } from '../../polling';
import { DateText } from '../../registry/widgets/versions';
import { BUTTON_CLASS, PRIMARY_BUTTON_CLASS } from '../../widgets/classes';
import {
  ErrorMessage,
  FormDialog,
  SelectField,
  TextField
} from '../../widgets/form';
import {
  copySharedNotebook,
  getSnapshotNotebook,
  ICopyResult,
  IPreviewedSnapshot,
  ISnapshotNotebook,
  openSharedLink
} from '../api';
import {
  PREVIEW_ACTIONS_CLASS,
  PREVIEW_CLASS,
  PREVIEW_DETAILS_CLASS,
  PREVIEW_HEADER_CLASS,
  PREVIEW_NOTICE_CLASS,
  PREVIEW_TITLE_CLASS
} from './classes';
import { NotebookView } from './notebookview';
import { baseName } from './sharedialog';

/** What a preview shows: a share link's snapshot, or a snapshot by id. */
export type PreviewSource =
  { kind: 'link'; token: string } | { kind: 'snapshot'; id: string };

/** The title of the error shown for a status of the server. */
export function previewErrorTitle(status: number): string {
  switch (status) {
    case 403:
      return 'This snapshot is not shared with you';
    case 404:
      return 'Share link or snapshot not found';
    case 410:
      return 'This share link is no longer available';
    default:
      return 'Cannot open this snapshot';
  }
}

/**
 * The spaces a copy may go to: those the user writes (editor, owner; every
 * space for an admin, whose role is `null`), private ones first.
 */
export function writableSpaces(
  spaces: ReadonlyArray<ISpace>,
  isAdmin = false
): ISpace[] {
  return spaces
    .filter(
      space =>
        space.role === 'editor' ||
        space.role === 'owner' ||
        (isAdmin && space.role === null)
    )
    .sort((a, b) =>
      a.sharing === b.sharing
        ? a.name.localeCompare(b.name)
        : a.sharing === 'private'
          ? -1
          : 1
    );
}

/** The properties of the copy dialog. */
export interface ICopyDialogProps {
  snapshot: IPreviewedSnapshot;
  /** The spaces the user may write, the default first. */
  spaces: ReadonlyArray<ISpace>;
  copy: (space: string, name: string) => Promise<unknown>;
  onClose: () => void;
}

/** A dialog choosing the space and the name of a copy. */
export function CopyDialog(props: ICopyDialogProps): JSX.Element {
  const { snapshot, spaces, copy, onClose } = props;
  const [space, setSpace] = React.useState(spaces[0]?.name ?? '');
  const [name, setName] = React.useState(() => baseName(snapshot.path));
  const trimmed = name.trim();
  return (
    <FormDialog
      title="Create a copy"
      formLabel="Create a copy"
      submitLabel="Create copy"
      valid={!!space && trimmed.endsWith('.ipynb') && !trimmed.includes('/')}
      onSubmit={() => copy(space, trimmed)}
      onClose={onClose}
    >
      <p>
        The copy is a notebook of yours: it opens once written. An existing file
        is never overwritten.
      </p>
      {spaces.length === 0 ? (
        <p role="alert">
          You cannot write in any space: create a private space first.
        </p>
      ) : (
        <SelectField
          label="Space"
          name="space"
          value={space}
          options={spaces.map(item => item.name)}
          onChange={setSpace}
        />
      )}
      <TextField
        label="Name"
        name="name"
        value={name}
        required
        initialFocus
        onChange={setName}
      />
    </FormDialog>
  );
}

/** The properties of the details of a previewed snapshot. */
export interface IPreviewDetailsProps {
  snapshot: IPreviewedSnapshot;
  /** Start "Create a copy"; the button is hidden without it. */
  onCopy?: () => void;
  onOpenNewer: (id: string) => void;
}

/** The details of a snapshot and its actions. */
export function PreviewDetails(props: IPreviewDetailsProps): JSX.Element {
  const { snapshot, onCopy, onOpenNewer } = props;
  const { git, link, newer } = snapshot;
  return (
    <>
      <h2 className={PREVIEW_TITLE_CLASS}>{snapshot.title}</h2>
      {snapshot.description && <p>{snapshot.description}</p>}
      <dl className={PREVIEW_DETAILS_CLASS} aria-label="Snapshot details">
        <dt>Author</dt>
        <dd data-field="author">{snapshot.author}</dd>
        <dt>Taken</dt>
        <dd data-field="created">
          <DateText value={snapshot.created_at} />
          {snapshot.from_live_document && ' (from the live shared document)'}
        </dd>
        <dt>Source</dt>
        <dd data-field="source">
          space {snapshot.space} · {snapshot.path}
        </dd>
        <dt>Git</dt>
        <dd data-field="git">
          {git ? (
            <>
              {git.remote ?? 'no remote'} · branch {git.branch ?? '?'} · commit{' '}
              <code title={git.commit}>{git.commit.slice(0, 12)}</code>
              {git.dirty && ' (uncommitted changes)'}
            </>
          ) : (
            'not in a git repository'
          )}
        </dd>
        <dt>Lineage</dt>
        <dd data-field="lineage">
          version {snapshot.version} of {snapshot.lineage.length}
        </dd>
        <dt>Outputs</dt>
        <dd data-field="outputs">
          {snapshot.include_outputs ? 'included' : 'not included'}
        </dd>
        {link && (
          <>
            <dt>Shared by</dt>
            <dd data-field="link">
              {link.created_by}
              {link.label && ` · ${link.label}`}
              {link.expires_at ? (
                <>
                  {' · expires '}
                  <DateText value={link.expires_at} />
                </>
              ) : (
                ' · never expires'
              )}
            </dd>
          </>
        )}
      </dl>
      <div className={PREVIEW_ACTIONS_CLASS}>
        {onCopy && (
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={onCopy}
          >
            Create a copy
          </button>
        )}
        {newer && (
          <button
            type="button"
            className={BUTTON_CLASS}
            title={`Version ${newer.version}: ${newer.title}`}
            onClick={() => onOpenNewer(newer.id)}
          >
            Open newer snapshot (version {newer.version})
          </button>
        )}
      </div>
      <p className={PREVIEW_NOTICE_CLASS}>
        Read-only preview: the notebook is shown as untrusted content (HTML is
        sanitized and no script runs).
      </p>
    </>
  );
}

/** The header of a preview: loading, the error, or the details. */
class PreviewHeader extends ReactWidget {
  constructor(private readonly _preview: SnapshotPreview) {
    super();
    this.addClass(PREVIEW_HEADER_CLASS);
  }

  /** Whether the copy dialog is open. */
  copying = false;

  render(): JSX.Element {
    const preview = this._preview;
    const { error, loaded } = preview;
    if (error) {
      return (
        <section aria-label="Snapshot preview error">
          <h2 className={PREVIEW_TITLE_CLASS}>
            {previewErrorTitle(error.status)}
          </h2>
          <ErrorMessage error={error} />
        </section>
      );
    }
    if (!loaded) {
      return <p aria-busy="true">Loading the snapshot…</p>;
    }
    const snapshot = loaded.snapshot;
    const setCopying = (value: boolean) => {
      this.copying = value;
      this.update();
    };
    return (
      <>
        <PreviewDetails
          snapshot={snapshot}
          onCopy={preview.canCopy ? () => setCopying(true) : undefined}
          onOpenNewer={preview.onOpenSnapshot}
        />
        {this.copying && (
          <CopyDialog
            snapshot={snapshot}
            spaces={preview.writableSpaces()}
            copy={(space, name) => preview.copy(space, name)}
            onClose={() => setCopying(false)}
          />
        )}
      </>
    );
  }
}

/**
 * The preview of a snapshot: a header with the details and the actions, and
 * the cells rendered read-only with JupyterLab's renderers, untrusted.
 */
export class SnapshotPreview extends Panel {
  constructor(options: SnapshotPreview.IOptions) {
    super();
    this.addClass(PREVIEW_CLASS);
    this.source = options.source;
    this.onOpenSnapshot = options.onOpenSnapshot;
    this._options = options;
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this.title.label = 'Snapshot';
    this._header = new PreviewHeader(this);
    this.addWidget(this._header);
    void this._load();
  }

  /** What the preview shows. */
  readonly source: PreviewSource;

  /** Open another snapshot's preview (the newer one). */
  readonly onOpenSnapshot: (id: string) => void;

  /** Resolves once the snapshot is loaded or failed to load. */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** The snapshot and its notebook, once loaded. */
  get loaded(): ISnapshotNotebook | null {
    return this._loaded;
  }

  /** Why the snapshot could not be loaded, if it could not. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** Whether a copy can be made: only through a share link. */
  get canCopy(): boolean {
    return this.source.kind === 'link';
  }

  /** The spaces a copy may go to, the default (a private one) first. */
  writableSpaces(): ISpace[] {
    return writableSpaces(this._options.spaces(), this._options.isAdmin?.());
  }

  /** Copy the shared notebook into a space, then open the copy. */
  async copy(space: string, name: string): Promise<ICopyResult> {
    if (this.source.kind !== 'link') {
      throw new Error('Only a share link can be copied');
    }
    const result = await copySharedNotebook(
      this.source.token,
      { space, name },
      this._serverSettings
    );
    this._options.onOpenCopy(result.path);
    return result;
  }

  private async _load(): Promise<void> {
    const source = this.source;
    try {
      const loaded =
        source.kind === 'link'
          ? await openSharedLink(source.token, this._serverSettings)
          : await getSnapshotNotebook(source.id, this._serverSettings);
      if (this.isDisposed) {
        return;
      }
      this._loaded = loaded;
      const { snapshot } = loaded;
      this.title.label = `${snapshot.title} (snapshot v${snapshot.version})`;
      this.title.caption = `Snapshot of ${snapshot.path} by ${snapshot.author}`;
      this.addWidget(
        new NotebookView(loaded.notebook, this._options.rendermime)
      );
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      this._error = asAPIError(error);
      this.title.label = previewErrorTitle(this._error.status);
    } finally {
      this._header.update();
      this._ready.resolve();
    }
  }

  private _error: StudioAPIError | null = null;
  private _header: PreviewHeader;
  private _loaded: ISnapshotNotebook | null = null;
  private _options: SnapshotPreview.IOptions;
  private _ready = new PromiseDelegate<void>();
  private _serverSettings: ServerConnection.ISettings;
}

/** A namespace for `SnapshotPreview` statics. */
export namespace SnapshotPreview {
  /** The options of a snapshot preview. */
  export interface IOptions {
    source: PreviewSource;
    /** The application's renderers; every model given to them is untrusted. */
    rendermime: IRenderMimeRegistry;
    serverSettings?: ServerConnection.ISettings;
    /** The spaces the user can see (the studio model's). */
    spaces: () => ReadonlyArray<ISpace>;
    /** Whether the user is an admin (who writes every space). */
    isAdmin?: () => boolean;
    /** Open another snapshot's preview by id. */
    onOpenSnapshot: (id: string) => void;
    /** Open a copy just written, by its path from the server root. */
    onOpenCopy: (path: string) => void;
  }
}
