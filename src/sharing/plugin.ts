/**
 * The sharing plugin: it only wires the snapshots model, the Snapshots
 * section of the Studio sidebar, the share dialog, the preview and their
 * commands together (context menus and the notebook toolbar button come
 * from `schema/sharing.json`).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import * as React from 'react';

import type { StudioModel } from '../model';
import { IStudioModel } from '../tokens';
// The Snapshots section joins the sidebar at activation: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addStudioSection, SECTION_CLASS, showModal } from '../widgets';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { SHARE_PERMISSION, SnapshotsModel } from './model';
import { shareTokenOf, withoutShareToken } from './url';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  PreviewSource,
  shareIcon,
  ShareDialog,
  SnapshotPreview,
  SnapshotsWidget
} from './widgets';

/** The ids of the sharing commands. */
export namespace SharingCommandIDs {
  export const shareSnapshot = 'mlops-studio:share-snapshot';
  export const openSnapshot = 'mlops-studio:open-snapshot';
}

/** The palette category of the studio commands. */
const CATEGORY = 'MLOps Studio';

/** Show the share dialog of a notebook; resolves when it closes. */
export function showShareDialog(
  model: SnapshotsModel,
  path: string
): Promise<void> {
  return showModal(onClose =>
    React.createElement(ShareDialog, { model, path, onClose })
  );
}

/** The key of a preview in the tracker: one tab per link or snapshot. */
function sourceKey(source: PreviewSource): string {
  return source.kind === 'link' ? `link:${source.token}` : `id:${source.id}`;
}

/**
 * Snapshots and share links: "Share snapshot…", the preview opened by a
 * share link, and the Snapshots section of the Studio sidebar.
 */
export const sharingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:sharing',
  description:
    'Notebook snapshots and share links: the share dialog, the read-only preview and the Snapshots section.',
  autoStart: true,
  requires: [IStudioModel, IRenderMimeRegistry],
  optional: [IDefaultFileBrowser, INotebookTracker, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    studio: StudioModel,
    rendermime: IRenderMimeRegistry,
    fileBrowser: IDefaultFileBrowser | null,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null
  ): void => {
    // Read before anything can change the URL; opened once the layout is restored.
    const token = shareTokenOf(window.location.href);
    const { commands, serviceManager } = app;

    const model: SnapshotsModel = new SnapshotsModel({
      serverSettings: serviceManager.serverSettings,
      // Stand by while the section is hidden, or the page is.
      standby: (): boolean | 'when-hidden' =>
        !section.isVisible || 'when-hidden'
    });
    const section: SnapshotsWidget = new SnapshotsWidget({
      model,
      onOpen: id =>
        void commands.execute(SharingCommandIDs.openSnapshot, { snapshot: id })
    });
    section.addClass(SECTION_CLASS);
    section.title.label = 'Snapshots';
    addStudioSection(app, section, {
      id: 'jp-mlops-studio-snapshots',
      icon: shareIcon,
      rank: 260
    });

    const previews = new WidgetTracker<MainAreaWidget<SnapshotPreview>>({
      namespace: 'mlops-studio-snapshot'
    });
    const openCopy = (path: string) => {
      commands.execute('docmanager:open', { path }).catch(async error => {
        await showErrorMessage(`Cannot open ${path}`, error as Error);
      });
    };
    const openPreview = (source: PreviewSource) => {
      const key = sourceKey(source);
      const existing = previews.find(w => sourceKey(w.content.source) === key);
      if (existing) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const content = new SnapshotPreview({
        source,
        rendermime,
        serverSettings: serviceManager.serverSettings,
        spaces: () => studio.spaces,
        isAdmin: () => studio.me?.is_admin ?? false,
        onOpenSnapshot: id =>
          void commands.execute(SharingCommandIDs.openSnapshot, {
            snapshot: id
          }),
        onOpenCopy: openCopy
      });
      const widget = new MainAreaWidget({ content });
      widget.title.icon = shareIcon;
      widget.title.closable = true;
      // The preview is not restored with the layout: a token is never stored.
      void previews.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget;
    };

    /** The notebook a share command is about, `null` when there is none. */
    const notebookPath = (args: ReadonlyPartialJSONObject): string | null => {
      if (typeof args.path === 'string') {
        return args.path;
      }
      const selected = () => {
        const item = fileBrowser?.selectedItems().next();
        return item && !item.done && item.value.type === 'notebook'
          ? item.value.path
          : null;
      };
      const current = () => notebooks?.currentWidget?.context.path ?? null;
      return args.from === 'browser'
        ? selected()
        : args.from === 'notebook'
          ? current()
          : (current() ?? selected());
    };

    commands.addCommand(SharingCommandIDs.shareSnapshot, {
      label: args => (args.toolbar ? '' : 'Share snapshot…'),
      caption:
        'Snapshot the notebook and share a link to its read-only preview',
      icon: args => (args.isPalette ? undefined : shareIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: 'The notebook, from the server root'
            },
            from: {
              type: 'string',
              enum: ['browser', 'notebook'],
              description:
                "Where the notebook is taken from without a path: the file browser's selection or the current notebook"
            }
          }
        }
      },
      isEnabled: args =>
        studio.can(SHARE_PERMISSION) && notebookPath(args) !== null,
      execute: async args => {
        const path = notebookPath(args);
        if (path !== null) {
          await showShareDialog(model, path);
        }
      }
    });
    studio.changed.connect(() =>
      commands.notifyCommandChanged(SharingCommandIDs.shareSnapshot)
    );

    commands.addCommand(SharingCommandIDs.openSnapshot, {
      label: 'Open Snapshot Preview',
      caption: 'Open the read-only preview of a snapshot or a share link',
      describedBy: {
        args: {
          type: 'object',
          properties: {
            token: { type: 'string', description: 'A share-link token' },
            snapshot: { type: 'string', description: 'A snapshot id' }
          }
        }
      },
      execute: args => {
        if (typeof args.token === 'string') {
          return openPreview({ kind: 'link', token: args.token });
        }
        if (typeof args.snapshot === 'string') {
          return openPreview({ kind: 'snapshot', id: args.snapshot });
        }
        throw new Error('Open Snapshot Preview needs a token or a snapshot id');
      }
    });

    palette?.addItem({
      command: SharingCommandIDs.shareSnapshot,
      category: CATEGORY
    });

    if (token) {
      void app.restored.then(() => {
        openPreview({ kind: 'link', token });
        window.history.replaceState(
          window.history.state,
          '',
          withoutShareToken(window.location.href)
        );
      });
    }
  }
};
