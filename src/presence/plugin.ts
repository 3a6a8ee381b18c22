/**
 * The presence plugin: it only wires the presence model, the "Who's here"
 * section of the Studio sidebar and the document manager's open command.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { showErrorMessage } from '@jupyterlab/apputils';

import type { StudioModel } from '../model';
import { IStudioModel } from '../tokens';
// The section joins the sidebar at activation: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addStudioSection, SECTION_CLASS } from '../widgets';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { PresenceModel } from './model';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { presenceIcon, PresenceWidget } from './widgets';

/** The document manager's command opening a path (not imported: a plain id). */
const OPEN_COMMAND = 'docmanager:open';

/**
 * Presence: the "Who's here" section of the Studio sidebar, listing who
 * has which document of each shared space open now; a click opens it.
 */
export const presencePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops-studio:presence',
  description:
    "Presence: the Who's here section of the Studio sidebar, who has which document of each shared space open.",
  autoStart: true,
  requires: [IStudioModel],
  activate: (app: JupyterFrontEnd, studio: StudioModel): void => {
    const { commands, serviceManager } = app;
    const model: PresenceModel = new PresenceModel({
      studio,
      serverSettings: serviceManager.serverSettings,
      // Stand by while the section is hidden, or the page is.
      standby: (): boolean | 'when-hidden' =>
        !section.isVisible || 'when-hidden'
    });
    const open = (path: string) => {
      commands.execute(OPEN_COMMAND, { path }).catch(async error => {
        await showErrorMessage(`Cannot open ${path}`, error as Error);
      });
    };
    const section: PresenceWidget = new PresenceWidget({ model, onOpen: open });
    section.addClass(SECTION_CLASS);
    section.title.label = "Who's here";
    addStudioSection(app, section, {
      id: 'jp-mlops-studio-presence',
      icon: presenceIcon,
      rank: 280
    });
  }
};
