/**
 * The studio side panel: the user header and the spaces section.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Message } from '@lumino/messaging';
import { AccordionPanel, Widget } from '@lumino/widgets';
import {
  LabIcon,
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';

import type { ISpace } from '../api';
import type { StudioModel } from '../model';
import { PANEL_CLASS, SECTION_CLASS } from './classes';
import { studioIcon } from './icons';
import { SpacesWidget } from './spaces';
import { UserHeader } from './userheader';

/** The id of the studio side panel. */
export const STUDIO_PANEL_ID = 'jp-mlops-studio-panel';

/** The left-sidebar panel of the studio. */
export class StudioPanel extends SidePanel {
  constructor(options: StudioPanel.IOptions) {
    super();
    this.model = options.model;
    this.id = STUDIO_PANEL_ID;
    this.addClass(PANEL_CLASS);
    this.title.icon = studioIcon;
    this.title.caption = 'MLOps Studio';
    this.title.label = '';
    this.node.setAttribute('aria-label', 'MLOps Studio');

    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh spaces',
        onClick: () => {
          void this.model.refresh();
        }
      })
    );

    const header = new UserHeader(this.model);
    header.addClass(SECTION_CLASS);
    header.title.label = 'Profile';
    this.addWidget(header);

    this.spaces = new SpacesWidget({
      model: this.model,
      onOpen: options.onOpenSpace
    });
    this.spaces.addClass(SECTION_CLASS);
    this.spaces.title.label = 'Spaces';
    this.addWidget(this.spaces);
  }

  /**
   * Give the sections after the profile (spaces, and those other plugins
   * add) most of the height the first time the panel shows.
   */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this._sized && this.content instanceof AccordionPanel) {
      this._sized = true;
      this.content.setRelativeSizes(
        this.content.widgets.map((_, index) => (index === 0 ? 1 : 4))
      );
    }
  }

  /** The studio model. */
  readonly model: StudioModel;

  /** The spaces section (its dialogs are opened by commands). */
  readonly spaces: SpacesWidget;

  private _sized = false;
}

/** A namespace for `StudioPanel` statics. */
export namespace StudioPanel {
  /** The options of the studio panel. */
  export interface IOptions {
    model: StudioModel;
    /** Open a space's directory; the Open buttons are hidden without it. */
    onOpenSpace?: (space: ISpace) => void;
  }
}

/** The Studio side panel, if the main plugin added it to the shell. */
export function findStudioPanel(app: JupyterFrontEnd): SidePanel | null {
  for (const widget of app.shell.widgets('left')) {
    if (widget.id === STUDIO_PANEL_ID && widget instanceof SidePanel) {
      return widget;
    }
  }
  return null;
}

/**
 * Add a section to the Studio side panel, or to a side panel of its own
 * when there is no Studio panel; returns the panel holding it.
 */
export function addStudioSection(
  app: JupyterFrontEnd,
  section: Widget,
  fallback: { id: string; icon: LabIcon; rank: number }
): SidePanel {
  const panel = findStudioPanel(app);
  if (panel) {
    panel.addWidget(section);
    return panel;
  }
  const own = new SidePanel();
  own.id = fallback.id;
  own.title.icon = fallback.icon;
  own.title.caption = section.title.label;
  own.addWidget(section);
  app.shell.add(own, 'left', { rank: fallback.rank });
  return own;
}
