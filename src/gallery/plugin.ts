/**
 * The gallery plugin: it only wires the gallery model and panel, its
 * commands, the launcher items, the palette entry and the Studio sidebar's
 * toolbar button together.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { CommandToolbarButton, notebookIcon } from '@jupyterlab/ui-components';

// The gallery opens from the launcher and a sidebar button, and the launcher
// lists templates at start: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { spaceOfPath } from '../images/model';
import type { StudioModel } from '../model';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { writableSpaces } from '../sharing/widgets/preview';
import { IStudioModel } from '../tokens';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addMainAreaPanel, findStudioPanel } from '../widgets';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { type ITemplateInstance, searchTemplates } from './api';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { GalleryModel, GalleryPermissions } from './model';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { galleryIcon, GalleryPanel } from './widgets';

/** The ids of the gallery commands. */
export namespace GalleryCommandIDs {
  export const openGallery = 'mlops-studio:open-gallery';
  export const launchTemplate = 'mlops-studio:launch-template';
  export const addToCatalog = 'mlops-studio:add-to-catalog';
}

/** The file browser items "Add to Template Catalog…" shows on. */
const FOLDER_SELECTOR = '.jp-DirListing-item[data-isdir="true"]';

/** The DOM id of the gallery's main-area widget. */
const GALLERY_WIDGET_ID = 'jp-mlops-studio-gallery';

/** The palette and launcher category of the studio. */
const CATEGORY = 'MLOps Studio';

/** The most notebook templates given a launcher item of their own. */
const MAX_LAUNCHER_TEMPLATES = 12;

/**
 * The template gallery: a main-area panel (search, facets, details, "Open
 * in space…"), opened from the launcher, the palette and the Studio sidebar.
 */
export const galleryPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:gallery',
  description:
    'The template gallery: search and filter templates, read their manifest and open them in a space.',
  autoStart: true,
  requires: [IStudioModel],
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    studio: StudioModel,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    fileBrowser: IDefaultFileBrowser | null
  ): void => {
    const { commands, serviceManager } = app;
    const { serverSettings } = serviceManager;

    /** Open what an instantiation wrote: its main file, else its folder. */
    const openInstance = (instance: ITemplateInstance) => {
      const shown = instance.main
        ? commands.execute('docmanager:open', { path: instance.main })
        : fileBrowser
          ? fileBrowser.model
              .cd('/' + instance.folder)
              .then(() => app.shell.activateById(fileBrowser.id))
          : Promise.resolve();
      shown.catch(async error => {
        await showErrorMessage(
          `Cannot open ${instance.main ?? instance.folder}`,
          error as Error
        );
      });
    };

    addMainAreaPanel(app, {
      command: GalleryCommandIDs.openGallery,
      label: 'Open Template Gallery',
      title: 'Template Gallery',
      caption:
        'Browse notebook, project and model templates and open them in a space',
      icon: galleryIcon,
      id: GALLERY_WIDGET_ID,
      namespace: 'mlops-studio-gallery',
      restoreName: 'gallery',
      restorer,
      create: standby =>
        new GalleryPanel({
          model: new GalleryModel({ serverSettings, standby }),
          spaces: () => writableSpaces(studio.spaces, studio.me?.is_admin),
          onInstantiated: openInstance
        })
    });

    commands.addCommand(GalleryCommandIDs.launchTemplate, {
      label: args =>
        typeof args.title === 'string' ? args.title : 'Template gallery',
      caption: args =>
        typeof args.template === 'string'
          ? 'Open this template in a space (from the template gallery)'
          : 'Browse the template gallery',
      icon: args =>
        typeof args.template === 'string' ? notebookIcon : galleryIcon,
      describedBy: {
        args: {
          type: 'object',
          properties: {
            template: {
              type: 'string',
              description:
                'A template id: its details and "Open in space…" dialog are shown'
            },
            title: { type: 'string', description: 'The label of the item' },
            cwd: {
              type: 'string',
              description:
                'The file browser folder (from the launcher): its space is chosen first'
            }
          }
        }
      },
      execute: async args => {
        const widget = (await commands.execute(
          GalleryCommandIDs.openGallery
        )) as MainAreaWidget<GalleryPanel>;
        if (typeof args.template === 'string') {
          const cwd = typeof args.cwd === 'string' ? args.cwd : '';
          await widget.content.showTemplate(args.template, {
            use: true,
            space: spaceOfPath(cwd)
          });
        }
        return widget;
      }
    });

    /** The folder of a space a catalog command is about, `null` without one. */
    const spaceFolder = (args: ReadonlyPartialJSONObject): string | null => {
      let path: string | null = null;
      if (typeof args.path === 'string') {
        path = args.path;
      } else {
        const item = fileBrowser?.selectedItems().next();
        if (item && !item.done && item.value.type === 'directory') {
          path = item.value.path;
        }
      }
      return path !== null && spaceOfPath(path) !== null ? path : null;
    };
    commands.addCommand(GalleryCommandIDs.addToCatalog, {
      label: 'Add to Template Catalog…',
      caption:
        "Admins: copy this folder's template into the domain catalog of the gallery",
      icon: args => (args.isPalette ? undefined : galleryIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description:
                "A folder of a space holding a template, from the server root; the file browser's selection without it"
            }
          }
        }
      },
      isVisible: args =>
        studio.can(GalleryPermissions.manage) && spaceFolder(args) !== null,
      execute: async args => {
        const widget = (await commands.execute(
          GalleryCommandIDs.openGallery
        )) as MainAreaWidget<GalleryPanel>;
        const path = spaceFolder(args) ?? undefined;
        widget.content.openDialog({ kind: 'add-to-catalog', path });
        return widget;
      }
    });
    studio.changed.connect(() =>
      commands.notifyCommandChanged(GalleryCommandIDs.addToCatalog)
    );
    app.contextMenu.addItem({
      command: GalleryCommandIDs.addToCatalog,
      selector: FOLDER_SELECTOR,
      rank: 63
    });

    palette?.addItem({
      command: GalleryCommandIDs.openGallery,
      category: CATEGORY
    });

    findStudioPanel(app)?.toolbar.addItem(
      'template-gallery',
      new CommandToolbarButton({
        commands,
        id: GalleryCommandIDs.openGallery,
        label: 'Template gallery'
      })
    );

    if (launcher) {
      launcher.add({
        command: GalleryCommandIDs.launchTemplate,
        category: CATEGORY,
        rank: 0
      });
      // One item per notebook template, once the user is known (anyone may read the gallery).
      void studio.ready
        .then(() =>
          studio.can(GalleryPermissions.read)
            ? searchTemplates(
                { type: 'notebook', limit: MAX_LAUNCHER_TEMPLATES },
                serverSettings
              )
            : null
        )
        .then(result => {
          result?.items.forEach((template, index) => {
            launcher.add({
              command: GalleryCommandIDs.launchTemplate,
              args: { template: template.id, title: template.title },
              category: CATEGORY,
              rank: 10 + index
            });
          });
        })
        .catch(reason => {
          console.warn(
            'jupyter-mlops-studio: the launcher shows no gallery templates.',
            reason
          );
        });
    }
  }
};
