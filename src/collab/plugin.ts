/**
 * The view-only plugin: it opens the notebooks and text files of a space the
 * user may only view read-only, with a "View only" indicator, and switches
 * them back when the role changes (the studio model's poll brings it).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import type { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { INotebookTracker } from '@jupyterlab/notebook';

import type { StudioModel } from '../model';
import { IStudioModel } from '../tokens';
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
