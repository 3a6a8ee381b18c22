/**
 * The collaboration plugins.
 *
 * The view-only plugin opens the notebooks and text files of a space the
 * user may only view read-only, with a "View only" indicator, and switches
 * them back when the role changes (the studio model's poll brings it).
 *
 * The history plugin wires the "Version history" panel of a document, the
 * read-only preview of a version, their command and notebook toolbar button,
 * and the notification of an out-of-band change.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';

// Whether a document has a history decides the command's state at once: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { spaceOfPath } from '../images/model';
import type { StudioModel } from '../model';
import { IStudioModel } from '../tokens';
// The panel opens from the toolbar button and the notice: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { HistoryModel } from './history';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { historyIcon, HistoryWidget, VersionPreview } from './historywidgets';
import {
  IStateDocument,
  OutOfBandWatcher,
  showOutOfBandNotification
} from './notice';
import { EditorReadOnly, IEditorContent, NotebookReadOnly } from './switches';
import { IReadOnlySwitch, ViewOnlyDocument, viewOnlySpace } from './viewonly';

/** The name of JupyterLab's text editor widget factory. */
const EDITOR_FACTORY = 'Editor';

/**
 * Notebooks and text files of a space where the user is a viewer open
 * read-only, and turn writable when they become an editor, without reopening.
 */
export const viewOnlyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:view-only',
  description:
    'Opens the notebooks and files of a space the user only views read-only, with a View only indicator.',
  autoStart: true,
  requires: [IStudioModel],
  optional: [INotebookTracker],
  activate: (
    app: JupyterFrontEnd,
    studio: StudioModel,
    notebooks: INotebookTracker | null
  ): void => {
    const documents = new Set<ViewOnlyDocument>();
    const decide = (doc: ViewOnlyDocument) => {
      doc.space = viewOnlySpace(
        doc.widget.context.path,
        studio.spaces,
        studio.me
      );
    };
    const follow = (widget: DocumentWidget, content: IReadOnlySwitch) => {
      const doc = new ViewOnlyDocument(widget, content);
      documents.add(doc);
      const onPathChanged = () => decide(doc);
      widget.context.pathChanged.connect(onPathChanged);
      widget.disposed.connect(() => {
        widget.context.pathChanged.disconnect(onPathChanged);
        documents.delete(doc);
        doc.dispose();
      });
      decide(doc);
    };
    studio.changed.connect(() => documents.forEach(decide));

    if (notebooks) {
      const followNotebook = (
        panel: NonNullable<typeof notebooks.currentWidget>
      ) =>
        follow(
          panel,
          new NotebookReadOnly(panel.content, panel.sessionContext)
        );
      notebooks.forEach(followNotebook);
      notebooks.widgetAdded.connect((_, panel) => followNotebook(panel));
    }

    // Text files: JupyterLab's editor factory, connected once it exists (the
    // file editor's tracker is not a dependency of the studio).
    let editorFactory: DocumentRegistry.WidgetFactory | undefined;
    const connectEditorFactory = () => {
      const factory = app.docRegistry.getWidgetFactory(EDITOR_FACTORY);
      if (!factory || factory === editorFactory) {
        return;
      }
      editorFactory = factory;
      factory.widgetCreated.connect((_, widget) => {
        const content = (widget as DocumentWidget).content as unknown;
        if (isEditorContent(content)) {
          const doc = widget as DocumentWidget;
          follow(doc, new EditorReadOnly(content, doc.context.model));
        }
      });
    };
    connectEditorFactory();
    app.docRegistry.changed.connect((_, change) => {
      if (change.type === 'widgetFactory' && change.name === EDITOR_FACTORY) {
        connectEditorFactory();
      }
    });
  }
};

/** Whether a widget's content is a code editor host (a `FileEditor`). */
function isEditorContent(content: unknown): content is IEditorContent {
  const editor = (content as Partial<IEditorContent> | null)?.editor;
  return typeof editor?.setOption === 'function';
}

/** The ids of the history commands. */
export namespace HistoryCommandIDs {
  /** Open the version history of a document (`path`, else the current one). */
  export const open = 'mlops-studio:version-history';
}

/** The toolbar name of the notebook's history button. */
export const HISTORY_TOOLBAR_ITEM = 'mlops-version-history';

/** The palette category of the studio commands. */
const CATEGORY = 'MLOps Studio';

/** Whether a widget is a document widget (it has a document context). */
function isDocumentWidget(widget: Widget | null): widget is DocumentWidget {
  return !!widget && 'context' in widget && 'content' in widget;
}

/**
 * Document history: the "Version history" panel of a document in a space
 * (opened from the notebook toolbar, the palette and the notification of an
 * out-of-band change), the read-only preview of a version, and that
 * notification for every notebook and text file open.
 */
export const historyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:history',
  description:
    'Document history: the Version history panel, the preview of a version and the notice of a change on disk.',
  autoStart: true,
  requires: [IStudioModel, IRenderMimeRegistry],
  optional: [INotebookTracker, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    studio: StudioModel,
    rendermime: IRenderMimeRegistry,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const { commands, serviceManager, shell } = app;
    const panels = new WidgetTracker<MainAreaWidget<HistoryWidget>>({
      namespace: 'mlops-studio-history'
    });
    const previews = new WidgetTracker<MainAreaWidget<VersionPreview>>({
      namespace: 'mlops-studio-version'
    });
    let nextId = 0;

    const findPanel = (path: string) =>
      panels.find(widget => widget.content.model.path === path);

    const openPreview = (
      panel: MainAreaWidget<HistoryWidget>,
      version: number
    ) => {
      const model = panel.content.model;
      const existing = previews.find(
        widget =>
          widget.content.model === model && widget.content.version === version
      );
      if (existing) {
        shell.activateById(existing.id);
        return;
      }
      const content = new VersionPreview({ model, version, rendermime });
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-mlops-studio-version-${++nextId}`;
      widget.title.icon = historyIcon;
      widget.title.closable = true;
      void previews.add(widget);
      shell.add(widget, 'main', { mode: 'tab-after', ref: panel.id });
      shell.activateById(widget.id);
    };

    const openPanel = (path: string) => {
      const existing = findPanel(path);
      if (existing) {
        shell.activateById(existing.id);
        return existing;
      }
      const model: HistoryModel = new HistoryModel({
        path,
        studio,
        serverSettings: serviceManager.serverSettings,
        // Stand by while the tab is hidden, or the page is.
        standby: (): boolean | 'when-hidden' =>
          !widget.isVisible || 'when-hidden'
      });
      const content = new HistoryWidget({
        model,
        onView: version => openPreview(widget, version)
      });
      const widget: MainAreaWidget<HistoryWidget> = new MainAreaWidget({
        content
      });
      widget.id = `jp-mlops-studio-history-${++nextId}`;
      widget.title.icon = historyIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => {
        // The previews of the document go with its history.
        previews
          .filter(preview => preview.content.model === model)
          .forEach(preview => preview.dispose());
        model.dispose();
      });
      void panels.add(widget);
      const document = notebooks?.find(panel => panel.context.path === path);
      shell.add(
        widget,
        'main',
        document ? { mode: 'split-right', ref: document.id } : undefined
      );
      shell.activateById(widget.id);
      return widget;
    };

    /** The document a command is about: `path`, else the current one. */
    const documentPath = (args: ReadonlyPartialJSONObject): string | null => {
      if (typeof args.path === 'string') {
        return args.path;
      }
      const current = shell.currentWidget;
      const panel = panels.find(widget => widget === current);
      if (panel) {
        return panel.content.model.path;
      }
      if (isDocumentWidget(current)) {
        return current.context.path;
      }
      return notebooks?.currentWidget?.context.path ?? null;
    };

    commands.addCommand(HistoryCommandIDs.open, {
      label: 'Studio: Version history',
      caption:
        'Show the versions the studio keeps of the document: view, restore, save one',
      icon: args => (args.isPalette ? undefined : historyIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description:
                'The document, from the server root (the current one when omitted)'
            }
          }
        }
      },
      isEnabled: args => {
        const path = documentPath(args);
        return path !== null && spaceOfPath(path) !== null;
      },
      execute: args => {
        const path = documentPath(args);
        if (path !== null && spaceOfPath(path) !== null) {
          return openPanel(path);
        }
      }
    });
    palette?.addItem({ command: HistoryCommandIDs.open, category: CATEGORY });
    if (restorer) {
      void restorer.restore(panels, {
        command: HistoryCommandIDs.open,
        args: widget => ({ path: widget.content.model.path }),
        name: widget => widget.content.model.path
      });
    }

    // Tell everyone with a document open when its file changed on disk.
    const watched = new WeakSet<DocumentRegistry.Context>();
    const watch = (context: DocumentRegistry.Context) => {
      if (watched.has(context)) {
        return;
      }
      watched.add(context);
      // The notice held once synced is an old one: watch from then on.
      void context.ready.then(() => {
        if (context.isDisposed) {
          return;
        }
        const watcher = new OutOfBandWatcher(
          context.model.sharedModel as unknown as IStateDocument,
          notice => {
            showOutOfBandNotification(notice, path => {
              void commands.execute(HistoryCommandIDs.open, { path });
            });
            void findPanel(notice.path)?.content.model.refresh();
          }
        );
        context.disposed.connect(() => watcher.dispose());
      });
    };

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (widget, context) => {
        const { toolbar } = widget as DocumentWidget;
        watch(context);
        const button = new ToolbarButton({
          icon: historyIcon,
          tooltip: 'Version history',
          onClick: () =>
            void commands.execute(HistoryCommandIDs.open, {
              path: context.path
            })
        });
        // Only documents of a space have a history.
        const onPathChanged = () =>
          button.setHidden(spaceOfPath(context.path) === null);
        context.pathChanged.connect(onPathChanged);
        button.disposed.connect(() =>
          context.pathChanged.disconnect(onPathChanged)
        );
        onPathChanged();
        if (!toolbar.insertAfter('cellType', HISTORY_TOOLBAR_ITEM, button)) {
          toolbar.addItem(HISTORY_TOOLBAR_ITEM, button);
        }
        return button;
      }
    });
    app.docRegistry.addWidgetExtension('Editor', {
      createNew: (_, context) => watch(context)
    });
  }
};
