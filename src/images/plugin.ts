/**
 * The image builds plugin: it only wires the builds model, the Image builds
 * section of the Studio sidebar, the "Build image…" dialog and its command
 * (on the context menu of folders in the file browser) together.
 */
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { AccordionPanel } from '@lumino/widgets';
import * as React from 'react';

import type { StudioModel } from '../model';
import { listGroups } from '../registry/api';
import { IStudioModel } from '../tokens';
// The Image builds section joins the sidebar at activation: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addStudioSection, SECTION_CLASS, showModal } from '../widgets';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ImageBuildsModel, ImagePermissions, spaceOfPath } from './model';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  BuildDialog,
  BuildsWidget,
  imageBuildIcon,
  TrainDialog
} from './widgets';

/** The ids of the image build commands. */
export namespace ImageCommandIDs {
  export const buildImage = 'mlops-studio:build-image';
  export const runTrainingLocally = 'mlops-studio:run-training-locally';
}

/** The permission of local training runs and endpoints. */
const LOCAL_RUN_PERMISSION = 'localrun:use';

/** The permission of registering model versions. */
const REGISTER_PERMISSION = 'registry:register';

/** The file browser items the "Run training locally…" entry shows on. */
const SCRIPT_SELECTOR = '.jp-DirListing-item[data-file-type="python"]';

/** The palette category of the studio commands. */
const CATEGORY = 'MLOps Studio';

/** The file browser items the "Build image…" entry shows on. */
const FOLDER_SELECTOR = '.jp-DirListing-item[data-isdir="true"]';

/** The arguments schema of a command about a path of the file browser. */
function pathArgument(description: string) {
  return {
    args: {
      type: 'object' as const,
      properties: {
        path: {
          type: 'string',
          description: `${description}; the file browser's selection without it`
        }
      }
    }
  };
}

/**
 * Image builds: "Build image…" on a space folder, and the Image builds
 * section of the Studio sidebar with the live log of a build; "Run training
 * locally…" on a space's script.
 */
export const imagesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:images',
  description:
    'Image builds: Build image… on a space folder, and the Image builds section with live logs.',
  autoStart: true,
  requires: [IStudioModel],
  optional: [IDefaultFileBrowser, ICommandPalette, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    studio: StudioModel,
    fileBrowser: IDefaultFileBrowser | null,
    palette: ICommandPalette | null,
    labShell: ILabShell | null
  ): void => {
    const { commands, serviceManager } = app;
    const model: ImageBuildsModel = new ImageBuildsModel({
      serverSettings: serviceManager.serverSettings,
      // Stand by while the section is hidden, or the page is.
      standby: (): boolean | 'when-hidden' =>
        !section.isVisible || 'when-hidden'
    });
    const section: BuildsWidget = new BuildsWidget(model);
    section.addClass(SECTION_CLASS);
    section.title.label = 'Image builds';
    const panel = addStudioSection(app, section, {
      id: 'jp-mlops-studio-image-builds',
      icon: imageBuildIcon,
      rank: 270
    });

    /**
     * Show the section with the log of the build just started: its panel,
     * expanded and given most of the panel's height.
     */
    const reveal = () => {
      (labShell ?? app.shell).activateById(panel.id);
      const content = panel.content;
      if (content instanceof AccordionPanel) {
        const index = content.widgets.indexOf(section);
        if (index >= 0) {
          if (!section.isVisible) {
            content.expand(index);
          }
          content.setRelativeSizes(
            content.widgets.map(widget => (widget === section ? 6 : 1))
          );
        }
      }
    };

    /**
     * The path a command is about: its `path` argument, else the file
     * browser's selected item; `null` unless it is in a space and `accept`s.
     */
    const targetPath = (
      args: ReadonlyPartialJSONObject,
      accept: (path: string, type: string | null) => boolean
    ): string | null => {
      let path: string | null = null;
      let type: string | null = null;
      if (typeof args.path === 'string') {
        path = args.path;
      } else {
        const item = fileBrowser?.selectedItems().next();
        if (item && !item.done) {
          path = item.value.path;
          type = item.value.type;
        }
      }
      return path !== null && spaceOfPath(path) !== null && accept(path, type)
        ? path
        : null;
    };
    const folderPath = (args: ReadonlyPartialJSONObject) =>
      targetPath(args, (_, type) => type === null || type === 'directory');
    const scriptPath = (args: ReadonlyPartialJSONObject) =>
      targetPath(args, path => /\.(py|sh)$/.test(path));

    commands.addCommand(ImageCommandIDs.buildImage, {
      label: 'Build image…',
      caption:
        'Build a container image from this folder (CodeBuild/ECR or a local engine)',
      icon: args => (args.isPalette ? undefined : imageBuildIcon),
      describedBy: pathArgument(
        'The build context: a folder in a space, from the server root'
      ),
      isVisible: args => folderPath(args) !== null,
      isEnabled: args =>
        studio.can(ImagePermissions.build) && folderPath(args) !== null,
      execute: async args => {
        const context = folderPath(args);
        if (context === null) {
          return;
        }
        await showModal(onClose =>
          React.createElement(BuildDialog, {
            model,
            context,
            onStarted: reveal,
            onClose
          })
        );
      }
    });

    commands.addCommand(ImageCommandIDs.runTrainingLocally, {
      label: 'Run training locally…',
      caption:
        'Run this script on the server in the SageMaker training layout, without Docker',
      icon: args => (args.isPalette ? undefined : imageBuildIcon),
      describedBy: pathArgument(
        'The training script (.py or .sh) in a space, from the server root'
      ),
      isVisible: args => scriptPath(args) !== null,
      isEnabled: args =>
        studio.can(LOCAL_RUN_PERMISSION) && scriptPath(args) !== null,
      execute: async args => {
        const path = scriptPath(args);
        if (path === null) {
          return;
        }
        const { serverSettings } = serviceManager;
        const groups = studio.can(REGISTER_PERMISSION)
          ? async () =>
              (await listGroups(serverSettings)).map(group => group.name)
          : undefined;
        await showModal(onClose =>
          React.createElement(TrainDialog, {
            serverSettings,
            path,
            listGroups: groups,
            onClose
          })
        );
      }
    });

    studio.changed.connect(() => {
      commands.notifyCommandChanged(ImageCommandIDs.buildImage);
      commands.notifyCommandChanged(ImageCommandIDs.runTrainingLocally);
    });
    app.contextMenu.addItem({
      command: ImageCommandIDs.buildImage,
      selector: FOLDER_SELECTOR,
      rank: 62
    });
    app.contextMenu.addItem({
      command: ImageCommandIDs.runTrainingLocally,
      selector: SCRIPT_SELECTOR,
      rank: 62
    });
    for (const command of [
      ImageCommandIDs.buildImage,
      ImageCommandIDs.runTrainingLocally
    ]) {
      palette?.addItem({ command, category: CATEGORY });
    }
  }
};
