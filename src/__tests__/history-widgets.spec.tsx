/**
 * The "Version history" panel, the preview of a version and the history
 * plugin's wiring (command, notebook toolbar button, out-of-band notice).
 */
import { YNotebook } from '@jupyter/ydoc';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { defaultRenderMime } from '@jupyterlab/testutils';
import { Toolbar } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { PromiseDelegate } from '@lumino/coreutils';
import { MessageLoop } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { act } from 'react';

import { HistoryModel } from '../collab/history';
import {
  HistoryDialog,
  HistoryView,
  HistoryWidget,
  isNotebookContent,
  VersionPreview
} from '../collab/historywidgets';
import { OUT_OF_BAND_KEY } from '../collab/notice';
import { HistoryCommandIDs, historyPlugin } from '../collab/plugin';
import { StudioModel } from '../model';
import {
  buttonByText,
  byLabel,
  click,
  dialogNamed,
  flush,
  MountedView,
  mountView,
  queryButton,
  setValue
} from './dom';
import type { FakeServer } from './fakeserver';
import {
  historyModels,
  historyServer,
  NOTEBOOK,
  version,
  VERSIONS
} from './historyfakes';
import { until } from './presencefakes';

/** Submit the form of a dialog and let it settle. */
async function submit(dialog: HTMLElement): Promise<void> {
  await click(dialog.querySelector<HTMLButtonElement>('[type="submit"]')!);
}

/** The rows of the versions table, as the text of their cells. */
function rows(root: ParentNode): string[][] {
  return Array.from(root.querySelectorAll('tbody tr')).map(row =>
    Array.from(row.querySelectorAll('td')).map(cell => cell.textContent ?? '')
  );
}

describe('HistoryView', () => {
  let server: FakeServer;
  let model: HistoryModel;
  let view: MountedView<HistoryDialog>;
  let viewed: number[];

  const mount = async (path = NOTEBOOK) => {
    ({ model } = await historyModels(server, path));
    viewed = [];
    view = await mountView<HistoryDialog>((dialog, onDialog) => (
      <HistoryView
        model={model}
        dialog={dialog}
        onDialog={onDialog}
        onView={number => viewed.push(number)}
      />
    ));
    // Re-render on every change of the model, as the widget does.
    model.changed.connect(() => void view.update());
    return view.container;
  };

  beforeEach(() => {
    server = historyServer();
  });
  afterEach(() => {
    view?.dispose();
    model?.studio.dispose();
    model?.dispose();
  });

  it('lists the versions with time, reason, label, author and size', async () => {
    const root = await mount();
    expect(root.querySelector('h2')?.textContent).toBe('Version history');
    expect(root.textContent).toContain(NOTEBOOK);
    const table = byLabel<HTMLTableElement>(root, 'Versions');
    expect(table.tagName).toBe('TABLE');
    const cells = rows(root);
    expect(cells.map(row => row[0])).toEqual(['3', '2', '1']);
    expect(cells[0][2]).toBe('Kept before a change on disk');
    expect(cells[0][3]).toBe('the server');
    expect(cells[1][2]).toBe('Savedbefore tuning');
    expect(cells[1][4]).toBe('2.0 KB');
    expect(cells[2][2]).toBe('Kept before a restore');
    expect(cells[2][3]).toBe('bob');
    expect(cells[2][4]).toBe('512 B');
    const time = root.querySelector('tbody tr time')!;
    expect(time.getAttribute('dateTime')).toBe(VERSIONS[0].at);
  });

  it('opens the preview of a version', async () => {
    const root = await mount();
    await click(byLabel(root, 'View version 2'));
    expect(viewed).toEqual([2]);
  });

  it('offers Save version and Restore to editors only', async () => {
    let root = await mount();
    expect(queryButton(root, 'Save version')).not.toBeNull();
    expect(
      root.querySelectorAll('[aria-label^="Restore version"]')
    ).toHaveLength(3);
    view.dispose();

    root = await mount('spaces/lab/a.ipynb');
    expect(queryButton(root, 'Save version')).toBeNull();
    expect(
      root.querySelectorAll('[aria-label^="Restore version"]')
    ).toHaveLength(0);
    expect(queryButton(root, 'View')).not.toBeNull();
    expect(root.textContent).toContain('for the editors of its space');
  });

  it('saves a version with a label from its dialog', async () => {
    const root = await mount();
    const saved = version(4, { label: 'ready for review' });
    server.on('POST', 'collab/history', 201, saved);
    server.on('GET', 'collab/history', 200, {
      path: NOTEBOOK,
      items: [saved, ...VERSIONS]
    });
    await click(buttonByText(root, 'Save version'));
    const dialog = dialogNamed('Save a version')!;
    expect(dialog).not.toBeNull();
    await act(async () =>
      setValue(
        byLabel<HTMLInputElement>(dialog, 'Label (optional)'),
        'ready for review'
      )
    );
    await submit(dialog);
    await flush();
    expect(server.calls('POST', 'collab/history')[0].body).toEqual({
      label: 'ready for review'
    });
    expect(dialogNamed('Save a version')).toBeNull();
    expect(root.querySelector('[role="status"]')?.textContent).toBe(
      'Version 4 saved: ready for review'
    );
    expect(rows(root)[0][0]).toBe('4');
  });

  it('refuses a label longer than 200 characters before sending', async () => {
    const root = await mount();
    await click(buttonByText(root, 'Save version'));
    const dialog = dialogNamed('Save a version')!;
    await act(async () =>
      setValue(
        byLabel<HTMLInputElement>(dialog, 'Label (optional)'),
        'x'.repeat(201)
      )
    );
    const button = dialog.querySelector<HTMLButtonElement>('[type="submit"]')!;
    expect(button.disabled).toBe(true);
    expect(dialog.querySelector('[role="alert"]')?.textContent).toMatch(
      /at most 200 characters \(201 now\)/
    );
  });

  it('restores a version once confirmed', async () => {
    const root = await mount();
    server.on('POST', 'collab/history/2/restore', 200, {
      path: NOTEBOOK,
      restored: 2
    });
    await click(byLabel(root, 'Restore version 2'));
    const dialog = dialogNamed('Restore version 2?')!;
    expect(dialog.textContent).toContain(
      `${NOTEBOOK} is replaced by version 2`
    );
    expect(server.calls('POST', 'collab/history/2/restore')).toHaveLength(0);
    await submit(dialog);
    await flush();
    expect(server.calls('POST', 'collab/history/2/restore')).toHaveLength(1);
    expect(dialogNamed('Restore version 2?')).toBeNull();
    expect(root.querySelector('[role="status"]')?.textContent).toMatch(
      /^Version 2 restored/
    );
  });

  it('shows a refused restore in its dialog, which stays open', async () => {
    const root = await mount();
    server.on('POST', 'collab/history/1/restore', 403, {
      message: 'saving or restoring a version needs the editor role',
      reason: 'forbidden'
    });
    await click(byLabel(root, 'Restore version 1'));
    const dialog = dialogNamed('Restore version 1?')!;
    await submit(dialog);
    await flush();
    expect(dialogNamed('Restore version 1?')).not.toBeNull();
    const alert = dialog.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe(
      'saving or restoring a version needs the editor role'
    );
    expect(alert.getAttribute('data-reason')).toBe('forbidden');
    // Cancel closes it without another request
    await click(buttonByText(dialog, 'Cancel'));
    expect(dialogNamed('Restore version 1?')).toBeNull();
    expect(server.calls('POST', 'collab/history/1/restore')).toHaveLength(1);
  });

  it('shows why the versions cannot be listed', async () => {
    server.on('GET', 'collab/history', 404, {
      message: "no history of 'spaces/team/new.ipynb'",
      reason: 'no-history'
    });
    const root = await mount('spaces/team/new.ipynb');
    const alert = root.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe("no history of 'spaces/team/new.ipynb'");
    expect(root.querySelector('table')).toBeNull();
    expect(root.textContent).not.toContain('No versions yet');
  });

  it('says when there are no versions yet', async () => {
    server.on('GET', 'collab/history', 200, { path: NOTEBOOK, items: [] });
    const root = await mount();
    expect(root.textContent).toContain('No versions yet');
  });
});

describe('HistoryWidget', () => {
  it('renders the model with its title and reloads when shown', async () => {
    const server = historyServer();
    const { studio, model } = await historyModels(server);
    const widget = new HistoryWidget({ model, onView: () => undefined });
    expect(widget.title.label).toBe('History: train.ipynb');
    await act(async () => {
      Widget.attach(widget, document.body);
    });
    await flush();
    // shown again (its tab selected): the versions are loaded again
    const before = server.calls('GET', 'collab/history').length;
    await act(async () => {
      widget.hide();
      widget.show();
    });
    await flush();
    expect(server.calls('GET', 'collab/history').length).toBeGreaterThan(
      before
    );
    expect(rows(widget.node).map(row => row[0])).toEqual(['3', '2', '1']);
    act(() => widget.dispose());
    model.dispose();
    studio.dispose();
  });
});

describe('VersionPreview', () => {
  let server: FakeServer;
  let model: HistoryModel;
  let preview: VersionPreview;

  const show = async (number: number, path = NOTEBOOK) => {
    ({ model } = await historyModels(server, path));
    preview = new VersionPreview({
      model,
      version: number,
      rendermime: defaultRenderMime()
    });
    await act(async () => {
      Widget.attach(preview, document.body);
      await preview.ready;
    });
    await flush();
    return preview.node;
  };

  beforeEach(() => {
    server = historyServer();
  });
  afterEach(() => {
    act(() => preview?.dispose());
    model?.studio.dispose();
    model?.dispose();
  });

  it("shows a version's details and its cells, read-only", async () => {
    const node = await show(2);
    expect(preview.title.label).toBe('train.ipynb (version 2)');
    expect(node.querySelector('h2')?.textContent).toBe(
      'Version 2 of train.ipynb'
    );
    const details = byLabel(node, 'Version details');
    expect(details.querySelector('[data-field="reason"]')?.textContent).toBe(
      'Saved'
    );
    expect(details.querySelector('[data-field="label"]')?.textContent).toBe(
      'before tuning'
    );
    expect(details.querySelector('[data-field="author"]')?.textContent).toBe(
      'alice'
    );
    const cells = byLabel(node, 'Notebook cells');
    expect(cells.querySelector('pre')?.textContent).toBe(
      "print('version two')"
    );
    expect(cells.querySelectorAll('[data-cell-type]')).toHaveLength(2);
    // nothing editable
    expect(node.querySelector('[contenteditable="true"], textarea')).toBeNull();
  });

  it('restores the version from the preview once confirmed', async () => {
    const node = await show(2);
    server.on('POST', 'collab/history/2/restore', 200, {
      path: NOTEBOOK,
      restored: 2
    });
    await click(buttonByText(node, 'Restore this version'));
    const dialog = dialogNamed('Restore version 2?')!;
    await submit(dialog);
    await flush();
    expect(server.calls('POST', 'collab/history/2/restore')).toHaveLength(1);
    expect(node.querySelector('[role="status"]')?.textContent).toMatch(
      /^Version 2 restored/
    );
  });

  it('offers no restore to a viewer', async () => {
    server.on('GET', 'collab/history/2', 200, {
      ...version(2, { path: 'spaces/lab/a.ipynb' }),
      content: 'plain text'
    });
    const node = await show(2, 'spaces/lab/a.ipynb');
    expect(queryButton(node, 'Restore this version')).toBeNull();
    // a text file's version shows as text
    expect(byLabel(node, 'File content').textContent).toBe('plain text');
  });

  it('shows why a version cannot be shown', async () => {
    server.on('GET', 'collab/history/9', 404, {
      message: "no version '9' of this document",
      reason: 'no-version'
    });
    const node = await show(9);
    expect(node.querySelector('h2')?.textContent).toBe('Cannot show version 9');
    expect(node.querySelector('[role="alert"]')?.textContent).toBe(
      "no version '9' of this document"
    );
  });

  it('tells a notebook from other content', () => {
    expect(isNotebookContent({ cells: [{ cell_type: 'code' }] })).toBe(true);
    expect(isNotebookContent({ cells: [{}] })).toBe(false);
    expect(isNotebookContent('text')).toBe(false);
    expect(isNotebookContent(null)).toBe(false);
  });
});

/** A document context as far as the plugin uses it. */
class FakeContext {
  constructor(public path: string) {}
  readonly model = { sharedModel: new YNotebook() };
  readonly pathChanged = new Signal<this, string>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly ready = Promise.resolve();
  isDisposed = false;
  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
    this.model.sharedModel.dispose();
  }
}

describe('historyPlugin', () => {
  // The panel renders as in JupyterLab, on Lumino's and the poll's own
  // schedule rather than inside act().
  beforeEach(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = false;
  });
  afterEach(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
    jest.restoreAllMocks();
  });

  it('opens one history panel per document, from the toolbar button and the notice', async () => {
    const server = historyServer();
    const studio = new StudioModel({
      serverSettings: server.serverSettings,
      refreshInterval: 60000
    });
    await studio.ready;
    const commands = new CommandRegistry();
    const added: Widget[] = [];
    const activated: string[] = [];
    const extensions: Record<string, any> = {};
    const app = {
      commands,
      serviceManager: { serverSettings: server.serverSettings },
      shell: {
        currentWidget: null,
        add: (widget: Widget) => {
          added.push(widget);
          Widget.attach(widget, document.body);
        },
        activateById: (id: string) => activated.push(id)
      },
      docRegistry: {
        addWidgetExtension: (name: string, extension: unknown) => {
          extensions[name] = extension;
        }
      }
    } as unknown as JupyterFrontEnd;
    historyPlugin.activate(app, studio, defaultRenderMime(), null, null, null);

    // the command needs a document of a space
    expect(commands.isEnabled(HistoryCommandIDs.open, {})).toBe(false);
    expect(
      commands.isEnabled(HistoryCommandIDs.open, { path: 'notes/a.ipynb' })
    ).toBe(false);
    expect(commands.isEnabled(HistoryCommandIDs.open, { path: NOTEBOOK })).toBe(
      true
    );
    expect(commands.label(HistoryCommandIDs.open)).toBe(
      'Studio: Version history'
    );

    // a notebook of a space gets the toolbar button
    const context = new FakeContext(NOTEBOOK);
    const notebook = { toolbar: new Toolbar() };
    const button = extensions.Notebook.createNew(notebook, context) as Widget;
    Widget.attach(notebook.toolbar, document.body);
    MessageLoop.flush();
    await until(() => button.node.querySelector('jp-button, button') !== null);
    expect(Array.from(notebook.toolbar.names())).toContain(
      'mlops-version-history'
    );
    expect(button.isHidden).toBe(false);
    const outside = new FakeContext('notes/a.ipynb');
    const hidden = extensions.Notebook.createNew(
      { toolbar: new Toolbar() },
      outside
    ) as Widget;
    expect(hidden.isHidden).toBe(true);

    // the button opens the panel; again, it activates the same one
    button.node.querySelector<HTMLElement>('jp-button, button')!.click();
    await flush();
    expect(added).toHaveLength(1);
    const panel = added[0] as MainAreaWidget<HistoryWidget>;
    expect(panel.content.model.path).toBe(NOTEBOOK);
    expect(panel.title.label).toBe('History: train.ipynb');
    await panel.content.model.ready;
    await commands.execute(HistoryCommandIDs.open, { path: NOTEBOOK });
    expect(added).toHaveLength(1);
    expect(activated.filter(id => id === panel.id).length).toBe(2);

    // View opens a preview next to the panel, once per version
    await flush();
    const viewButton = panel.node.querySelector<HTMLButtonElement>(
      '[aria-label="View version 2"]'
    )!;
    viewButton.click();
    await flush();
    viewButton.click();
    expect(added).toHaveLength(2);
    const preview = added[1] as MainAreaWidget<VersionPreview>;
    expect(preview.content.version).toBe(2);

    // a change on disk is told, and its action opens that document's history
    const warning = jest.spyOn(Notification, 'warning');
    await flush();
    context.model.sharedModel.setState(
      OUT_OF_BAND_KEY,
      JSON.stringify({
        version: 5,
        at: '2024-05-05T10:00:00+00:00',
        path: 'spaces/work/other.ipynb'
      })
    );
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning.mock.calls[0][0]).toBe(
      "spaces/work/other.ipynb changed on disk; the room's previous content was kept as version 5"
    );
    warning.mock.calls[0][1]!.actions![0].callback(new MouseEvent('click'));
    await flush();
    expect(added).toHaveLength(3);
    const other = added[2] as MainAreaWidget<HistoryWidget>;
    expect(other.content.model.path).toBe('spaces/work/other.ipynb');

    // closing a panel closes its previews and stops its model
    const model = panel.content.model;
    panel.dispose();
    expect(preview.isDisposed).toBe(true);
    expect(model.isDisposed).toBe(true);

    context.dispose();
    notebook.toolbar.dispose();
    other.dispose();
    Notification.dismiss();
    outside.dispose();
    studio.dispose();
  });

  it('watches text files for the notice as well', async () => {
    const server = historyServer();
    const studio = new StudioModel({
      serverSettings: server.serverSettings,
      refreshInterval: 60000
    });
    const extensions: Record<string, any> = {};
    const app = {
      commands: new CommandRegistry(),
      serviceManager: { serverSettings: server.serverSettings },
      shell: { currentWidget: null, add: () => undefined },
      docRegistry: {
        addWidgetExtension: (name: string, extension: unknown) => {
          extensions[name] = extension;
        }
      }
    } as unknown as JupyterFrontEnd;
    historyPlugin.activate(app, studio, defaultRenderMime(), null, null, null);
    const context = new FakeContext('spaces/team/prepare.py');
    const ready = new PromiseDelegate<void>();
    (context as any).ready = ready.promise;
    // an old notice, synced before the document is ready, is not told
    context.model.sharedModel.setState(
      OUT_OF_BAND_KEY,
      JSON.stringify({ version: 1, path: context.path })
    );
    extensions.Editor.createNew({}, context);
    const warning = jest.spyOn(Notification, 'warning');
    ready.resolve();
    await flush();
    expect(warning).not.toHaveBeenCalled();
    context.model.sharedModel.setState(
      OUT_OF_BAND_KEY,
      JSON.stringify({ version: 2, path: context.path })
    );
    expect(warning).toHaveBeenCalledTimes(1);
    context.dispose();
    Notification.dismiss();
    studio.dispose();
  });
});
