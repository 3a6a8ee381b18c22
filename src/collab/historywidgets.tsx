/**
 * The "Version history" panel of a document (its versions with author, time,
 * reason and size; View, Restore and Save version) and the read-only preview
 * of a version's cells.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type * as nbformat from '@jupyterlab/nbformat';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { PromiseDelegate } from '@lumino/coreutils';
import { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';

import type { StudioAPIError } from '../api';
import { asAPIError } from '../polling';
import { DateText } from '../registry/widgets/versions';
import {
  PREVIEW_ACTIONS_CLASS,
  PREVIEW_CLASS,
  PREVIEW_DETAILS_CLASS,
  PREVIEW_HEADER_CLASS,
  PREVIEW_NOTICE_CLASS,
  PREVIEW_SOURCE_CLASS,
  PREVIEW_TITLE_CLASS
} from '../sharing/widgets/classes';
import { NotebookView } from '../sharing/widgets/notebookview';
import { DialogHostWidget } from '../widgets/dialoghost';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  PRIMARY_BUTTON_CLASS
} from '../widgets/classes';
import { ErrorMessage, FormDialog, TextField } from '../widgets/form';
import {
  formatSize,
  HistoryModel,
  IDocumentVersion,
  IVersionContent,
  MAX_LABEL_LENGTH,
  reasonText
} from './history';

/** CSS classes of the history widgets (styled in `style/collab.css`). */
export const HISTORY_CLASS = 'jp-MlopsStudio-history';
export const HISTORY_HEADER_CLASS = 'jp-MlopsStudio-historyHeader';
export const HISTORY_TOOLBAR_CLASS = 'jp-MlopsStudio-historyToolbar';
export const HISTORY_TABLE_CLASS = 'jp-MlopsStudio-historyTable';
export const HISTORY_STATUS_CLASS = 'jp-MlopsStudio-historyStatus';
export const HISTORY_HINT_CLASS = 'jp-MlopsStudio-historyHint';
export const HISTORY_LABEL_CLASS = 'jp-MlopsStudio-historyLabel';

const HISTORY_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M13 3a9 9 0 0 0-9 9H1l3.9 3.9L8.8 12H6a7 7 0 1 1 2.05 4.95l-1.42 1.42A9 9 0 1 0 13 3z"/>
    <path d="M12 8v5l4.25 2.52.77-1.28-3.52-2.09V8z"/>
  </g>
</svg>`;

/** The icon of the version history: a clock turning back. */
export const historyIcon = new LabIcon({
  name: 'jupyter-mlops-studio:history',
  svgstr: HISTORY_SVG
});

/** The title of a document's history panel. */
export function historyTitle(path: string): string {
  return `History: ${PathExt.basename(path)}`;
}

/** The properties of the restore confirmation. */
export interface IRestoreDialogProps {
  path: string;
  version: IDocumentVersion;
  onRestore: () => Promise<unknown>;
  onClose: () => void;
}

/** Confirm the restore of a version; the server's refusal shows inline. */
export function RestoreDialog(props: IRestoreDialogProps): JSX.Element {
  const { path, version } = props;
  return (
    <FormDialog
      title={`Restore version ${version.version}?`}
      formLabel={`Restore version ${version.version}`}
      submitLabel="Restore"
      danger
      valid
      onSubmit={props.onRestore}
      onClose={props.onClose}
    >
      <p>
        {path} is replaced by version {version.version} (
        {reasonText(version.reason).toLowerCase()},{' '}
        <DateText value={version.at} />
        ). What it holds now is kept as a version first, and everyone who has it
        open sees the restored content.
      </p>
    </FormDialog>
  );
}

/** The properties of the save dialog. */
export interface ISaveVersionDialogProps {
  path: string;
  onSave: (label: string) => Promise<unknown>;
  onClose: () => void;
}

/** Save the document as it is now as a version, with an optional label. */
export function SaveVersionDialog(props: ISaveVersionDialogProps): JSX.Element {
  const [label, setLabel] = React.useState('');
  const tooLong = label.trim().length > MAX_LABEL_LENGTH;
  return (
    <FormDialog
      title="Save a version"
      formLabel="Save a version"
      submitLabel="Save version"
      valid={!tooLong}
      onSubmit={() => props.onSave(label.trim())}
      onClose={props.onClose}
    >
      <p>
        Keeps {props.path} as everyone sees it now (with the edits not yet
        written to disk).
      </p>
      <TextField
        label="Label (optional)"
        name="label"
        value={label}
        initialFocus
        onChange={setLabel}
      />
      {tooLong && (
        <p role="alert">
          A label has at most {MAX_LABEL_LENGTH} characters (
          {label.trim().length} now).
        </p>
      )}
    </FormDialog>
  );
}

/** The dialogs of the history panel. */
export type HistoryDialog =
  { kind: 'save' } | { kind: 'restore'; version: IDocumentVersion };

/** The properties of the history view. */
export interface IHistoryViewProps {
  model: HistoryModel;
  dialog: HistoryDialog | null;
  onDialog: (dialog: HistoryDialog | null) => void;
  /** Open the read-only preview of a version. */
  onView: (version: number) => void;
}

/** The author of a version as text. */
function authorText(version: IDocumentVersion): string {
  return version.author ?? 'the server';
}

/** When a version was kept, its date above its time (narrow panels). */
function KeptAt(props: { value: string }): JSX.Element {
  const date = new Date(props.value);
  if (Number.isNaN(date.getTime())) {
    return <time dateTime={props.value}>{props.value}</time>;
  }
  return (
    <time dateTime={props.value} title={props.value}>
      <span>{date.toLocaleDateString()}</span>{' '}
      <span>{date.toLocaleTimeString()}</span>
    </time>
  );
}

/** One row of the versions table. */
function VersionRow(props: {
  version: IDocumentVersion;
  canEdit: boolean;
  onView: () => void;
  onRestore: () => void;
}): JSX.Element {
  const { version, canEdit } = props;
  return (
    <tr
      aria-label={`Version ${version.version}`}
      data-version={version.version}
      data-reason={version.reason}
    >
      <td data-field="version">{version.version}</td>
      <td data-field="at">
        <KeptAt value={version.at} />
      </td>
      <td data-field="reason">
        {reasonText(version.reason)}
        {version.label && (
          <span className={HISTORY_LABEL_CLASS} title={version.label}>
            {version.label}
          </span>
        )}
      </td>
      <td data-field="author">{authorText(version)}</td>
      <td data-field="size">{formatSize(version.size)}</td>
      <td data-field="actions">
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-label={`View version ${version.version}`}
          onClick={props.onView}
        >
          View
        </button>
        {canEdit && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            aria-label={`Restore version ${version.version}`}
            onClick={props.onRestore}
          >
            Restore
          </button>
        )}
      </td>
    </tr>
  );
}

/** The versions of a document, newest first, and what can be done. */
export function HistoryView(props: IHistoryViewProps): JSX.Element {
  const { model, dialog, onDialog, onView } = props;
  const { canEdit, versions } = model;
  return (
    <div className={HISTORY_CLASS}>
      <div className={HISTORY_HEADER_CLASS}>
        <h2 className={PREVIEW_TITLE_CLASS}>Version history</h2>
        <p title={model.path}>{model.path}</p>
        <div className={HISTORY_TOOLBAR_CLASS}>
          {canEdit && (
            <button
              type="button"
              className={PRIMARY_BUTTON_CLASS}
              onClick={() => onDialog({ kind: 'save' })}
            >
              Save version
            </button>
          )}
          <button
            type="button"
            className={BUTTON_CLASS}
            onClick={() => void model.refresh()}
          >
            Reload
          </button>
        </div>
        {!canEdit && model.studio.me && (
          <p className={HISTORY_HINT_CLASS}>
            You may view the versions of this document; saving and restoring
            them is for the editors of its space.
          </p>
        )}
      </div>
      <p className={HISTORY_STATUS_CLASS} role="status">
        {model.status ?? ''}
      </p>
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading the versions…</p>
      ) : versions.length === 0 ? (
        !model.error && (
          <p className={EMPTY_CLASS}>
            No versions yet: one is kept when the file changes on disk while the
            document is open, before a restore, and when an editor saves one.
          </p>
        )
      ) : (
        <table className={HISTORY_TABLE_CLASS} aria-label="Versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Kept</th>
              <th scope="col">Reason</th>
              <th scope="col">Author</th>
              <th scope="col">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map(version => (
              <VersionRow
                key={version.version}
                version={version}
                canEdit={canEdit}
                onView={() => onView(version.version)}
                onRestore={() => onDialog({ kind: 'restore', version })}
              />
            ))}
          </tbody>
        </table>
      )}
      {dialog?.kind === 'save' && canEdit && (
        <SaveVersionDialog
          path={model.path}
          onSave={label => model.save(label)}
          onClose={() => onDialog(null)}
        />
      )}
      {dialog?.kind === 'restore' && canEdit && (
        <RestoreDialog
          path={model.path}
          version={dialog.version}
          onRestore={() => model.restore(dialog.version.version)}
          onClose={() => onDialog(null)}
        />
      )}
    </div>
  );
}

/** The history panel of one document, re-rendered whenever its model changes. */
export class HistoryWidget extends DialogHostWidget<
  HistoryModel,
  HistoryDialog
> {
  constructor(options: HistoryWidget.IOptions) {
    super(options.model);
    this._onView = options.onView;
    this.addClass(HISTORY_CLASS + '-widget');
    this.title.label = historyTitle(options.model.path);
    this.title.caption = `Version history of ${options.model.path}`;
  }

  protected renderView(dialog: HistoryDialog | null): JSX.Element {
    return (
      <HistoryView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        onView={this._onView}
      />
    );
  }

  /** Refresh whenever the panel shows (the poll stands by while hidden). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  private _onView: (version: number) => void;
}

/** A namespace for `HistoryWidget` statics. */
export namespace HistoryWidget {
  /** The options of a history panel. */
  export interface IOptions {
    model: HistoryModel;
    /** Open the read-only preview of a version. */
    onView: (version: number) => void;
  }
}

/** Whether a version's content is a notebook that can be shown. */
export function isNotebookContent(
  content: unknown
): content is nbformat.INotebookContent {
  if (typeof content !== 'object' || content === null) {
    return false;
  }
  const cells = (content as { cells?: unknown }).cells;
  return (
    Array.isArray(cells) &&
    cells.every(
      cell =>
        typeof cell === 'object' &&
        cell !== null &&
        typeof (cell as { cell_type?: unknown }).cell_type === 'string'
    )
  );
}

/** The header of a version's preview: its details and Restore. */
class VersionPreviewHeader extends ReactWidget {
  constructor(private readonly _preview: VersionPreview) {
    super();
    this.addClass(PREVIEW_HEADER_CLASS);
  }

  render(): JSX.Element {
    const preview = this._preview;
    return (
      <UseSignal signal={preview.model.changed} initialSender={preview.model}>
        {() => this._renderDetails()}
      </UseSignal>
    );
  }

  /** Whether the restore confirmation is open. */
  restoring = false;

  private _renderDetails(): JSX.Element {
    const preview = this._preview;
    const { error, loaded, model } = preview;
    if (error) {
      return (
        <section aria-label="Version preview error">
          <h2 className={PREVIEW_TITLE_CLASS}>
            Cannot show version {preview.version}
          </h2>
          <ErrorMessage error={error} />
        </section>
      );
    }
    if (!loaded) {
      return <p aria-busy="true">Loading version {preview.version}…</p>;
    }
    const setRestoring = (value: boolean) => {
      this.restoring = value;
      this.update();
    };
    return (
      <>
        <h2 className={PREVIEW_TITLE_CLASS}>
          Version {loaded.version} of {PathExt.basename(model.path)}
        </h2>
        <dl className={PREVIEW_DETAILS_CLASS} aria-label="Version details">
          <dt>Reason</dt>
          <dd data-field="reason">{reasonText(loaded.reason)}</dd>
          {loaded.label && (
            <>
              <dt>Label</dt>
              <dd data-field="label">{loaded.label}</dd>
            </>
          )}
          <dt>Author</dt>
          <dd data-field="author">{authorText(loaded)}</dd>
          <dt>Kept</dt>
          <dd data-field="at">
            <DateText value={loaded.at} />
          </dd>
          <dt>Path</dt>
          <dd data-field="path">{loaded.path}</dd>
        </dl>
        <div className={PREVIEW_ACTIONS_CLASS}>
          {model.canEdit && (
            <button
              type="button"
              className={DANGER_BUTTON_CLASS}
              onClick={() => setRestoring(true)}
            >
              Restore this version
            </button>
          )}
        </div>
        <p className={HISTORY_STATUS_CLASS} role="status">
          {preview.restored ?? ''}
        </p>
        <p className={PREVIEW_NOTICE_CLASS}>
          Read-only preview: the version is shown as untrusted content (HTML is
          sanitized and no script runs).
        </p>
        {this.restoring && model.canEdit && (
          <RestoreDialog
            path={model.path}
            version={loaded}
            onRestore={() => preview.restore()}
            onClose={() => setRestoring(false)}
          />
        )}
      </>
    );
  }
}

/**
 * The read-only preview of a version: its details, Restore for editors, and
 * its cells rendered with JupyterLab's renderers as untrusted content (the
 * text of a file version as text).
 */
export class VersionPreview extends Panel {
  constructor(options: VersionPreview.IOptions) {
    super();
    this.addClass(PREVIEW_CLASS);
    this.addClass('jp-MlopsStudio-versionPreview');
    this.model = options.model;
    this.version = options.version;
    this._rendermime = options.rendermime;
    this.title.label = `${PathExt.basename(this.model.path)} (version ${this.version})`;
    this.title.caption = `Version ${this.version} of ${this.model.path}`;
    this._header = new VersionPreviewHeader(this);
    this.addWidget(this._header);
    void this._load();
  }

  /** The history of the document. */
  readonly model: HistoryModel;

  /** The version shown. */
  readonly version: number;

  /** Resolves once the version is loaded or failed to load. */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** The version with its content, once loaded. */
  get loaded(): IVersionContent | null {
    return this._loaded;
  }

  /** Why the version could not be loaded, if it could not. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** What the last restore from this preview did. */
  get restored(): string | null {
    return this._restored;
  }

  /** Write this version back to the file. */
  async restore(): Promise<void> {
    await this.model.restore(this.version);
    this._restored = this.model.status;
    this._header.update();
  }

  private async _load(): Promise<void> {
    try {
      const loaded = await this.model.getVersion(this.version);
      if (this.isDisposed) {
        return;
      }
      this._loaded = loaded;
      this.addWidget(this._contentWidget(loaded.content));
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      this._error = asAPIError(error);
    } finally {
      this._header.update();
      this._ready.resolve();
    }
  }

  private _contentWidget(content: unknown): Widget {
    if (isNotebookContent(content)) {
      return new NotebookView(content, this._rendermime);
    }
    const node = document.createElement('div');
    node.className = PREVIEW_SOURCE_CLASS;
    const pre = document.createElement('pre');
    pre.textContent =
      typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    node.append(pre);
    node.setAttribute('role', 'region');
    node.setAttribute('aria-label', 'File content');
    return new Widget({ node });
  }

  private _error: StudioAPIError | null = null;
  private _header: VersionPreviewHeader;
  private _loaded: IVersionContent | null = null;
  private _ready = new PromiseDelegate<void>();
  private _rendermime: IRenderMimeRegistry;
  private _restored: string | null = null;
}

/** A namespace for `VersionPreview` statics. */
export namespace VersionPreview {
  /** The options of a version preview. */
  export interface IOptions {
    /** The history of the document (the preview does not own it). */
    model: HistoryModel;
    version: number;
    /** The application's renderers; every model given to them is untrusted. */
    rendermime: IRenderMimeRegistry;
  }
}
