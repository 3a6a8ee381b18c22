/**
 * View-only documents: which documents a user may only view (a viewer of the
 * space holding them), the "View only" toolbar indicator, and a controller
 * that makes a document widget read-only and writable again.
 *
 * The collaboration room already drops a viewer's document updates on the
 * server; this makes the frontend say so instead of letting the viewer type
 * into a document that silently diverges.
 */
import type { DocumentWidget } from '@jupyterlab/docregistry';
import { Widget } from '@lumino/widgets';

import type { IMe, ISpace } from '../api';
import { spaceOfPath } from '../images/model';

/** The class of the "View only" toolbar indicator. */
export const VIEW_ONLY_INDICATOR_CLASS = 'jp-MlopsStudio-viewOnly';

/** The class of a document widget shown view-only. */
export const VIEW_ONLY_DOCUMENT_CLASS = 'jp-MlopsStudio-viewOnlyDocument';

/** The toolbar name of the indicator. */
export const VIEW_ONLY_TOOLBAR_ITEM = 'mlops-studio-view-only';

/**
 * The space whose member may only view the document at `path`, or `null`
 * when they may edit it (or the studio cannot tell).
 *
 * A user is view-only in a space they can see but cannot write: a `viewer`,
 * or a non-member who is not an admin. Admins write everywhere; paths
 * outside `spaces/` and spaces not (yet) listed are left to the server.
 */
export function viewOnlySpace(
  path: string,
  spaces: ReadonlyArray<ISpace>,
  me: IMe | null
): ISpace | null {
  if (!me || me.is_admin) {
    return null;
  }
  const name = spaceOfPath(path);
  const space =
    name === null ? undefined : spaces.find(item => item.name === name);
  if (!space || space.role === 'editor' || space.role === 'owner') {
    return null;
  }
  return space;
}

/** The tooltip of the indicator for a space. */
export function viewOnlyTooltip(space: string): string {
  return `You are a viewer of space ${space}: your edits would not be saved`;
}

/**
 * The "View only" label of a document toolbar, its tooltip naming the space.
 */
export class ViewOnlyIndicator extends Widget {
  constructor(space: string) {
    super({ node: document.createElement('span') });
    this.addClass(VIEW_ONLY_INDICATOR_CLASS);
    this.addClass('jp-ToolbarLabelComponent');
    this.node.textContent = 'View only';
    this.node.setAttribute('role', 'status');
    this.space = space;
  }

  /** The space the user may only view. */
  get space(): string {
    return this._space;
  }
  set space(value: string) {
    this._space = value;
    this.node.title = viewOnlyTooltip(value);
  }

  private _space = '';
}

/** The read-only switch of a document widget's content. */
export interface IReadOnlySwitch {
  /** Make the content read-only (`true`) or writable again (`false`). */
  setReadOnly(readOnly: boolean): void;
  /** Release what the switch connected to. */
  dispose(): void;
}

/**
 * The view-only mode of one document widget: `space` set to a space makes the
 * content read-only and shows the indicator; `null` reverts both.
 */
export class ViewOnlyDocument {
  constructor(widget: DocumentWidget, content: IReadOnlySwitch) {
    this.widget = widget;
    this._content = content;
  }

  /** The document widget. */
  readonly widget: DocumentWidget;

  /** The space the user may only view, `null` when they may edit. */
  get space(): ISpace | null {
    return this._space;
  }
  set space(space: ISpace | null) {
    if (this._isDisposed || space?.name === this._space?.name) {
      return;
    }
    const wasViewOnly = this._space !== null;
    this._space = space;
    if (space === null) {
      this._indicator?.dispose();
      this._indicator = null;
      this.widget.removeClass(VIEW_ONLY_DOCUMENT_CLASS);
      this._content.setReadOnly(false);
      return;
    }
    if (this._indicator) {
      this._indicator.space = space.name;
    } else {
      this._indicator = new ViewOnlyIndicator(space.name);
      const { toolbar } = this.widget;
      if (
        !toolbar.insertBefore(
          'kernelName',
          VIEW_ONLY_TOOLBAR_ITEM,
          this._indicator
        )
      ) {
        toolbar.addItem(VIEW_ONLY_TOOLBAR_ITEM, this._indicator);
      }
    }
    this.widget.addClass(VIEW_ONLY_DOCUMENT_CLASS);
    if (!wasViewOnly) {
      this._content.setReadOnly(true);
    }
  }

  /** Whether the document is shown view-only. */
  get isViewOnly(): boolean {
    return this._space !== null;
  }

  /** Whether the controller is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Stop following the content (the widget is left as it is). */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._content.dispose();
    this._indicator?.dispose();
    this._indicator = null;
  }

  private _content: IReadOnlySwitch;
  private _indicator: ViewOnlyIndicator | null = null;
  private _isDisposed = false;
  private _space: ISpace | null = null;
}
