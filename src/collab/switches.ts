/**
 * The read-only switches of the documents the studio shows view-only: a
 * notebook's cells (also those added later) and a text editor.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { Notebook } from '@jupyterlab/notebook';

import type { IReadOnlySwitch } from './viewonly';

/** What the switches need of a document model. */
interface IReadOnlyModel {
  readOnly: boolean;
}

/**
 * The cells of a notebook made read-only, and the notebook model marked so.
 *
 * A cell's `readOnly` normally syncs to its `editable` metadata, which would
 * write the viewer's choice into the shared document: syncing is turned off
 * while read-only and turned back on (reloading the metadata's state) after.
 * Cells inserted meanwhile are made read-only as they arrive.
 *
 * While read-only, the notebook's shared model and its cells' drop the
 * viewer's own changes (see `dropLocalChanges`): JupyterLab's notebook
 * actions (delete, move, paste, change type, clear outputs, undo…) do not
 * look at `model.readOnly`, and the server drops a viewer's updates, so such
 * a change would only make the viewer's view differ from the document.
 *
 * Viewers may not use kernels in a space either: while read-only, the
 * notebook's session does not start a kernel by itself (the server would
 * refuse it with an error dialog); a kernel can be picked after the revert.
 */
export class NotebookReadOnly implements IReadOnlySwitch {
  constructor(notebook: Notebook, session?: IKernelPreferenceHolder) {
    this._notebook = notebook;
    this._session = session ?? null;
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this._readOnly) {
      return;
    }
    this._readOnly = readOnly;
    const model = this._notebook.model;
    if (readOnly) {
      if (model) {
        this._modelWasReadOnly = model.readOnly;
        model.readOnly = true;
        model.cells.changed.connect(this._lockCells, this);
        this._model = model;
      }
      if (this._session) {
        const preference = this._session.kernelPreference;
        this._shouldStart = preference.shouldStart;
        this._session.kernelPreference = { ...preference, shouldStart: false };
      }
      this._lockCells();
      return;
    }
    this._release();
    if (this._session) {
      this._session.kernelPreference = {
        ...this._session.kernelPreference,
        shouldStart: this._shouldStart
      };
    }
    for (const cell of this._notebook.widgets) {
      unlockCell(cell);
    }
  }

  dispose(): void {
    this._release();
  }

  private _lockCells(): void {
    for (const cell of this._notebook.widgets) {
      lockCell(cell);
    }
    if (this._model) {
      forSharedModels(this._model, dropLocalChanges);
    }
  }

  private _release(): void {
    if (this._model) {
      this._model.cells.changed.disconnect(this._lockCells, this);
      this._model.readOnly = this._modelWasReadOnly;
      forSharedModels(this._model, takeLocalChanges);
      this._model = null;
    }
  }

  private _model: Notebook['model'] = null;
  private _modelWasReadOnly = false;
  private _notebook: Notebook;
  private _readOnly = false;
  private _session: IKernelPreferenceHolder | null;
  private _shouldStart: boolean | undefined = undefined;
}

/** What the notebook switch needs of a session context. */
export interface IKernelPreferenceHolder {
  kernelPreference: ISessionContext.IKernelPreference;
}

/** Whether a cell syncs its editable state, by cell locked by the studio. */
const lockedCells = new WeakMap<Cell, boolean | undefined>();

/**
 * The methods through which local code changes a shared model: each change
 * of `@jupyter/ydoc`'s notebook and cell models runs in `transact`, and the
 * undo managers only replay local changes. Remote updates reach the Yjs
 * document directly, so they still apply.
 */
const LOCAL_CHANGES = ['transact', 'undo', 'redo'] as const;

/** Ignore what is asked of a shared model (a dropped local change). */
function dropped(): void {
  return;
}

/** Drop the local changes of a shared model, until `takeLocalChanges`. */
function dropLocalChanges(shared: object): void {
  for (const name of LOCAL_CHANGES) {
    // An own property hides the prototype's method; deleting it reveals it.
    Object.defineProperty(shared, name, {
      value: dropped,
      configurable: true,
      writable: true
    });
  }
}

/** Let a shared model take local changes again. */
function takeLocalChanges(shared: object): void {
  for (const name of LOCAL_CHANGES) {
    if (Object.getOwnPropertyDescriptor(shared, name)?.value === dropped) {
      delete (shared as Record<string, unknown>)[name];
    }
  }
}

/** Apply `f` to a notebook's shared model and to each of its cells'. */
function forSharedModels(
  model: NonNullable<Notebook['model']>,
  f: (shared: object) => void
): void {
  f(model.sharedModel);
  for (const cell of model.sharedModel.cells) {
    f(cell);
  }
}

/** Make a cell read-only without writing its `editable` metadata. */
function lockCell(cell: Cell): void {
  if (lockedCells.has(cell)) {
    return;
  }
  lockedCells.set(cell, cell.syncEditable);
  cell.syncEditable = false;
  cell.readOnly = true;
}

/** Give a cell back its own editable state (from its metadata when synced). */
function unlockCell(cell: Cell): void {
  if (!lockedCells.has(cell)) {
    return;
  }
  const syncEditable = lockedCells.get(cell);
  lockedCells.delete(cell);
  cell.readOnly = false;
  // Turning syncing back on reloads `readOnly` from the `editable` metadata.
  cell.syncEditable = syncEditable;
}

/** What the text editor switch needs of a file editor widget's content. */
export interface IEditorContent {
  editor: { setOption(option: string, value: unknown): void };
}

/** A text editor (and its document model) made read-only. */
export class EditorReadOnly implements IReadOnlySwitch {
  constructor(content: IEditorContent, model: IReadOnlyModel) {
    this._content = content;
    this._model = model;
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this._readOnly) {
      return;
    }
    this._readOnly = readOnly;
    if (readOnly) {
      this._modelWasReadOnly = this._model.readOnly;
    }
    this._model.readOnly = readOnly || this._modelWasReadOnly;
    this._content.editor.setOption('readOnly', readOnly);
  }

  dispose(): void {
    // Nothing connected.
  }

  private _content: IEditorContent;
  private _model: IReadOnlyModel;
  private _modelWasReadOnly = false;
  private _readOnly = false;
}
