/**
 * View-only documents: the decision for a path, the indicator, the
 * controller of a document widget and the read-only switch of a notebook.
 */
import { YNotebook } from '@jupyter/ydoc';
import { NotebookActions, NotebookModel } from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { Toolbar } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { applyUpdate, encodeStateAsUpdate, encodeStateVector } from 'yjs';

import type { IMe, ISpace, SpaceRole } from '../api';
import { EditorReadOnly, NotebookReadOnly } from '../collab/switches';
import {
  IReadOnlySwitch,
  VIEW_ONLY_DOCUMENT_CLASS,
  VIEW_ONLY_INDICATOR_CLASS,
  ViewOnlyDocument,
  ViewOnlyIndicator,
  viewOnlySpace,
  viewOnlyTooltip
} from '../collab/viewonly';
import { makeSpace, ME } from './fakeserver';

function space(name: string, role: SpaceRole | null): ISpace {
  return makeSpace(name, { sharing: 'shared', role }) as unknown as ISpace;
}

function me(isAdmin = false): IMe {
  return { ...ME, is_admin: isAdmin };
}

describe('viewOnlySpace', () => {
  const spaces = [
    space('team', 'viewer'),
    space('lab', 'editor'),
    space('mine', 'owner'),
    space('other', null)
  ];

  it('is the space of a path where the user is a viewer', () => {
    expect(viewOnlySpace('spaces/team/a.ipynb', spaces, me())?.name).toBe(
      'team'
    );
    expect(viewOnlySpace('/spaces/team/deep/b.py', spaces, me())?.name).toBe(
      'team'
    );
  });

  it('is null where the user is an editor or the owner', () => {
    expect(viewOnlySpace('spaces/lab/a.ipynb', spaces, me())).toBeNull();
    expect(viewOnlySpace('spaces/mine/a.ipynb', spaces, me())).toBeNull();
  });

  it('is the space where a non-admin is not a member', () => {
    expect(viewOnlySpace('spaces/other/a.ipynb', spaces, me())?.name).toBe(
      'other'
    );
  });

  it('is null for an admin, even a viewer', () => {
    expect(viewOnlySpace('spaces/team/a.ipynb', spaces, me(true))).toBeNull();
    expect(viewOnlySpace('spaces/other/a.ipynb', spaces, me(true))).toBeNull();
  });

  it('is null outside spaces and in spaces not listed', () => {
    expect(viewOnlySpace('notebooks/a.ipynb', spaces, me())).toBeNull();
    expect(viewOnlySpace('spaces', spaces, me())).toBeNull();
    expect(viewOnlySpace('team/a.ipynb', spaces, me())).toBeNull();
    expect(viewOnlySpace('spaces/gone/a.ipynb', spaces, me())).toBeNull();
  });

  it('is null while the user is not known', () => {
    expect(viewOnlySpace('spaces/team/a.ipynb', spaces, null)).toBeNull();
  });
});

describe('ViewOnlyIndicator', () => {
  it('says View only with a tooltip naming the space', () => {
    const indicator = new ViewOnlyIndicator('team');
    expect(indicator.node.textContent).toBe('View only');
    expect(indicator.hasClass(VIEW_ONLY_INDICATOR_CLASS)).toBe(true);
    expect(indicator.node.title).toBe(
      'You are a viewer of space team: your edits would not be saved'
    );
    indicator.space = 'lab';
    expect(indicator.node.title).toBe(viewOnlyTooltip('lab'));
    indicator.dispose();
  });
});

/** A document widget as far as the controller uses it. */
function fakeDocument(): any {
  const widget = new Widget();
  (widget as any).toolbar = new Toolbar();
  return widget;
}

class FakeSwitch implements IReadOnlySwitch {
  calls: boolean[] = [];
  disposed = false;
  setReadOnly(readOnly: boolean): void {
    this.calls.push(readOnly);
  }
  dispose(): void {
    this.disposed = true;
  }
}

describe('ViewOnlyDocument', () => {
  it('shows the indicator and locks the content, then reverts both', () => {
    const widget = fakeDocument();
    const content = new FakeSwitch();
    const doc = new ViewOnlyDocument(widget, content);
    const indicators = () =>
      widget.toolbar.node.querySelectorAll(`.${VIEW_ONLY_INDICATOR_CLASS}`);

    doc.space = space('team', 'viewer');
    expect(doc.isViewOnly).toBe(true);
    expect(content.calls).toEqual([true]);
    expect(indicators()).toHaveLength(1);
    expect(widget.hasClass(VIEW_ONLY_DOCUMENT_CLASS)).toBe(true);

    // The same space again changes nothing; another one renames the tooltip.
    doc.space = space('team', 'viewer');
    doc.space = space('lab', 'viewer');
    expect(content.calls).toEqual([true]);
    expect(indicators()).toHaveLength(1);
    expect((indicators()[0] as HTMLElement).title).toBe(viewOnlyTooltip('lab'));

    doc.space = null;
    expect(doc.isViewOnly).toBe(false);
    expect(content.calls).toEqual([true, false]);
    expect(indicators()).toHaveLength(0);
    expect(widget.hasClass(VIEW_ONLY_DOCUMENT_CLASS)).toBe(false);

    doc.space = space('team', 'viewer');
    expect(indicators()).toHaveLength(1);
    doc.dispose();
    expect(content.disposed).toBe(true);
    expect(indicators()).toHaveLength(0);
    doc.space = null;
    expect(content.calls).toEqual([true, false, true]);
  });
});

describe('NotebookReadOnly', () => {
  // @jupyter/ydoc reads a new cell's Yjs types, and gives them an undo
  // manager, before adding them to the document when inserting cells; yjs
  // warns about both. Only those are hidden.
  const warn = console.warn;
  const known = ['Invalid access: Add Yjs type', '[yjs#509] Not same Y.Doc'];
  beforeAll(() => {
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (!known.some(message => String(args[0]).startsWith(message))) {
        warn(...args);
      }
    });
  });
  afterAll(() => jest.restoreAllMocks());

  function notebookWith(sources: string[]) {
    const notebook = NBTestUtils.createNotebook();
    const model = new NotebookModel();
    model.sharedModel.insertCells(
      0,
      sources.map(source => ({ cell_type: 'code', source }))
    );
    notebook.model = model;
    return { notebook, model };
  }

  /** Change the document as another user would: on their copy, then synced. */
  function remoteChange(model: NotebookModel, change: (nb: YNotebook) => void) {
    const local = (model.sharedModel as YNotebook).ydoc;
    const remote = new YNotebook();
    applyUpdate(remote.ydoc, encodeStateAsUpdate(local));
    change(remote);
    applyUpdate(
      local,
      encodeStateAsUpdate(remote.ydoc, encodeStateVector(local)),
      'remote'
    );
    remote.dispose();
  }

  /** The document's cells: type and source. */
  function cellsOf(model: NotebookModel) {
    return model.sharedModel.cells.map(cell => [
      cell.cell_type,
      cell.getSource()
    ]);
  }

  it('locks every cell, also those added later, without touching the document', () => {
    const { notebook, model } = notebookWith(['x = 1', 'y = 2']);
    const updates: Uint8Array[] = [];
    (model.sharedModel as YNotebook).ydoc.on('update', (update: Uint8Array) =>
      updates.push(update)
    );
    const lock = new NotebookReadOnly(notebook);

    lock.setReadOnly(true);
    expect(model.readOnly).toBe(true);
    expect(notebook.widgets.map(cell => cell.readOnly)).toEqual([true, true]);

    remoteChange(model, nb =>
      nb.insertCell(2, { cell_type: 'markdown', source: '# z' })
    );
    expect(notebook.widgets).toHaveLength(3);
    expect(notebook.widgets[2].readOnly).toBe(true);
    // Only the remote cell changed the shared document, no `editable` metadata.
    expect(updates).toHaveLength(1);
    expect(
      model.sharedModel.cells.map(cell => cell.getMetadata('editable'))
    ).toEqual([undefined, undefined, undefined]);

    lock.setReadOnly(false);
    expect(model.readOnly).toBe(false);
    expect(notebook.widgets.map(cell => cell.readOnly)).toEqual([
      false,
      false,
      false
    ]);
    expect(updates).toHaveLength(1);

    // Cells added after the revert are writable.
    model.sharedModel.insertCell(0, { cell_type: 'code', source: 'w' });
    expect(notebook.widgets[0].readOnly).toBe(false);
    lock.dispose();
    notebook.dispose();
  });

  it("drops the viewer's own changes while read-only, and takes them after", () => {
    const { notebook, model } = notebookWith(['x = 1', 'y = 2']);
    // an edit made while still an editor, which undo would revert
    model.sharedModel.insertCell(2, { cell_type: 'code', source: 'z = 3' });
    const before = cellsOf(model);
    const updates: Uint8Array[] = [];
    const local = (model.sharedModel as YNotebook).ydoc;
    local.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') {
        updates.push(update);
      }
    });
    const lock = new NotebookReadOnly(notebook);
    lock.setReadOnly(true);

    // JupyterLab's notebook actions, as the command-mode shortcuts run them
    notebook.activeCellIndex = 0;
    NotebookActions.deleteCells(notebook);
    NotebookActions.moveDown(notebook);
    NotebookActions.changeCellType(notebook, 'markdown');
    NotebookActions.insertBelow(notebook);
    NotebookActions.clearAllOutputs(notebook);
    NotebookActions.undo(notebook);
    model.sharedModel.cells[0].setSource('changed');
    model.sharedModel.setMetadata('changed', true);
    expect(updates).toHaveLength(0);
    expect(cellsOf(model)).toEqual(before);
    expect(notebook.widgets).toHaveLength(3);

    // a cell another user adds meanwhile shows, and is guarded too
    remoteChange(model, nb =>
      nb.insertCell(0, { cell_type: 'code', source: 'w' })
    );
    expect(cellsOf(model)[0]).toEqual(['code', 'w']);
    model.sharedModel.cells[0].setSource('changed');
    expect(cellsOf(model)[0]).toEqual(['code', 'w']);
    expect(updates).toHaveLength(0);

    // made an editor again: the same actions change the document
    lock.setReadOnly(false);
    notebook.activeCellIndex = 0;
    NotebookActions.deleteCells(notebook);
    model.sharedModel.cells[0].setSource('x = 10');
    expect(cellsOf(model)).toEqual([
      ['code', 'x = 10'],
      ['code', 'y = 2'],
      ['code', 'z = 3']
    ]);
    expect(updates).toHaveLength(2);
    lock.dispose();
    notebook.dispose();
  });

  it('gives a cell marked not editable in the document its own state back', () => {
    const { notebook, model } = notebookWith(['x = 1', 'y = 2']);
    model.sharedModel.cells[1].setMetadata('editable', false);
    expect(notebook.widgets[1].readOnly).toBe(true);
    const lock = new NotebookReadOnly(notebook);
    lock.setReadOnly(true);
    lock.setReadOnly(false);
    expect(notebook.widgets.map(cell => cell.readOnly)).toEqual([false, true]);
    // Syncing works again: the document's metadata still drives the cell.
    model.sharedModel.cells[1].deleteMetadata('editable');
    expect(notebook.widgets[1].readOnly).toBe(false);
    lock.dispose();
    notebook.dispose();
  });

  it('starts no kernel by itself while read-only', () => {
    const { notebook } = notebookWith(['x = 1']);
    const session = { kernelPreference: { name: 'python3' } as any };
    const lock = new NotebookReadOnly(notebook, session);
    lock.setReadOnly(true);
    expect(session.kernelPreference).toEqual({
      name: 'python3',
      shouldStart: false
    });
    lock.setReadOnly(false);
    expect(session.kernelPreference.shouldStart).toBeUndefined();
    expect(session.kernelPreference.name).toBe('python3');
    lock.dispose();
    notebook.dispose();
  });

  it('keeps a notebook model read-only when it already was', () => {
    const { notebook, model } = notebookWith(['x = 1']);
    model.readOnly = true;
    const lock = new NotebookReadOnly(notebook);
    lock.setReadOnly(true);
    lock.setReadOnly(false);
    expect(model.readOnly).toBe(true);
    lock.dispose();
    notebook.dispose();
  });
});

describe('EditorReadOnly', () => {
  it('sets the editor option and the model state, then reverts them', () => {
    const options: Record<string, unknown> = {};
    const content = {
      editor: {
        setOption: (name: string, value: unknown) => {
          options[name] = value;
        }
      }
    };
    const model = { readOnly: false };
    const lock = new EditorReadOnly(content, model);
    lock.setReadOnly(true);
    expect(options.readOnly).toBe(true);
    expect(model.readOnly).toBe(true);
    lock.setReadOnly(false);
    expect(options.readOnly).toBe(false);
    expect(model.readOnly).toBe(false);
  });
});
