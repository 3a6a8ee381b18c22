/**
 * The studio side panel: the user header and the spaces section.
 */
import { Message } from '@lumino/messaging';
import { AccordionPanel } from '@lumino/widgets';
import {
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
