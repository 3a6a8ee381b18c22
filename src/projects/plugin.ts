/**
 * The projects plugin: it only wires the projects model, the Projects
 * section of the Studio sidebar, its "New project…" command, the file
 * browser (Open repository) and the registry panel (Model group) together.
 */
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import type { StudioModel } from '../model';
import { IStudioModel } from '../tokens';
// The Projects section joins the sidebar at activation: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addStudioSection, SECTION_CLASS } from '../widgets';
import type { IProject } from './api';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ProjectPermissions, ProjectsModel } from './model';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { projectIcon, ProjectsWidget } from './widgets';

/** The ids of the project commands. */
export namespace ProjectCommandIDs {
  export const newProject = 'mlops-studio:new-project';
  /**
   * The main plugin's `CommandIDs.openRegistry` (not imported: the plugin
   * list in `../index` imports this module); it takes an optional `group`.
   */
  export const openRegistry = 'mlops-studio:open-registry';
}

/** The palette category of the studio commands. */
const CATEGORY = 'MLOps Studio';

/**
 * MLOps projects: the Projects section of the Studio sidebar (status,
 * Open repository, Model group, Delete…) and "New project…".
 */
export const projectsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:projects',
  description:
    'MLOps projects: the Projects section of the Studio sidebar and New project….',
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
    const shell = labShell ?? app.shell;
    const model: ProjectsModel = new ProjectsModel({
      serverSettings: serviceManager.serverSettings,
      // Stand by while the section is hidden, or the page is.
      standby: (): boolean | 'when-hidden' =>
        !section.isVisible || 'when-hidden'
    });

    const openRepository = fileBrowser
      ? async (project: IProject) => {
          try {
            await fileBrowser.model.cd('/' + project.repository);
            shell.activateById(fileBrowser.id);
          } catch (error) {
            await showErrorMessage(
              `Cannot open the repository of ${project.name}`,
              error as Error
            );
          }
        }
      : undefined;

    const openModelGroup = (project: IProject) => {
      commands
        .execute(ProjectCommandIDs.openRegistry, { group: project.model_group })
        .catch(async error => {
          await showErrorMessage(
            `Cannot open the model group ${project.model_group}`,
            error as Error
          );
        });
    };

    const section: ProjectsWidget = new ProjectsWidget({
      model,
      studio,
      onOpenRepository: openRepository,
      onOpenModelGroup: commands.hasCommand(ProjectCommandIDs.openRegistry)
        ? openModelGroup
        : undefined
    });
    section.addClass(SECTION_CLASS);
    section.title.label = 'Projects';
    const panel = addStudioSection(app, section, {
      id: 'jp-mlops-studio-projects',
      icon: projectIcon,
      rank: 260
    });

    commands.addCommand(ProjectCommandIDs.newProject, {
      label: 'New Project…',
      caption:
        'Create an MLOps project (repository, pipeline, CI, model group) in a shared space',
      icon: args => (args.isPalette ? undefined : projectIcon),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => studio.can(ProjectPermissions.create),
      execute: () => {
        shell.activateById(panel.id);
        section.openDialog({ kind: 'new' });
      }
    });
    studio.changed.connect(() =>
      commands.notifyCommandChanged(ProjectCommandIDs.newProject)
    );
    palette?.addItem({
      command: ProjectCommandIDs.newProject,
      category: CATEGORY
    });
  }
};
