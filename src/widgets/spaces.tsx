/**
 * The spaces section: private and shared spaces with their actions.
 */
import * as React from 'react';

import type { ISpace } from '../api';
import type { StudioModel } from '../model';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  PRIMARY_BUTTON_CLASS,
  SPACE_ACTIONS_CLASS,
  SPACE_DESCRIPTION_CLASS,
  SPACE_GROUP_CLASS,
  SPACE_ITEM_CLASS,
  SPACE_LIST_CLASS,
  SPACE_META_CLASS,
  SPACE_NAME_CLASS,
  SPACES_CLASS,
  SPACES_TOOLBAR_CLASS,
  SUBHEADING_CLASS
} from './classes';
import { DialogHostWidget } from './dialoghost';
import { DeleteSpaceDialog, MembersDialog, NewSpaceDialog } from './dialogs';
import { ErrorMessage } from './form';

/** The dialog the spaces section shows, if any. */
export type SpacesDialog =
  | { kind: 'new' }
  | { kind: 'members'; space: ISpace }
  | { kind: 'delete'; space: ISpace }
  | null;

/** The properties of one space item. */
export interface ISpaceItemProps {
  space: ISpace;
  /** Whether the user may manage members / delete (owner or admin). */
  canManage: boolean;
  onOpen?: (space: ISpace) => void;
  onMembers: (space: ISpace) => void;
  onDelete: (space: ISpace) => void;
}

/** One space: name, sharing, the user's role, description and actions. */
export function SpaceItem(props: ISpaceItemProps): JSX.Element {
  const { space, canManage, onOpen, onMembers, onDelete } = props;
  const role = space.role ?? 'admin';
  return (
    <li
      className={SPACE_ITEM_CLASS}
      aria-label={space.name}
      data-space={space.name}
    >
      <div className={SPACE_NAME_CLASS} title={space.path}>
        {space.name}
      </div>
      <div className={SPACE_META_CLASS}>
        <span data-field="sharing">{space.sharing}</span>
        {' · '}
        <span data-field="role">your role: {role}</span>
        {space.owner && (
          <>
            {' · '}
            <span data-field="owner">owned by {space.owner}</span>
          </>
        )}
      </div>
      {space.description && (
        <div className={SPACE_DESCRIPTION_CLASS}>{space.description}</div>
      )}
      <div className={SPACE_ACTIONS_CLASS}>
        {onOpen && (
          <button
            type="button"
            className={BUTTON_CLASS}
            aria-label={`Open ${space.name}`}
            title={`Open ${space.path} in the file browser`}
            onClick={() => onOpen(space)}
          >
            Open
          </button>
        )}
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-label={`Members of ${space.name}`}
          title={
            canManage
              ? `Manage the members of ${space.name}`
              : 'Only owners and admins can manage members'
          }
          disabled={!canManage}
          onClick={() => onMembers(space)}
        >
          Members…
        </button>
        {canManage && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            aria-label={`Delete ${space.name}`}
            onClick={() => onDelete(space)}
          >
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}

/** The properties of a list of spaces. */
interface ISpaceGroupProps extends Omit<
  ISpaceItemProps,
  'space' | 'canManage'
> {
  title: string;
  spaces: ReadonlyArray<ISpace>;
  empty: string;
  canManage: (space: ISpace) => boolean;
}

function SpaceGroup(props: ISpaceGroupProps): JSX.Element {
  const { title, spaces, empty, canManage, ...handlers } = props;
  const headingId = `jp-MlopsStudio-${title.toLowerCase()}-heading`;
  return (
    <section className={SPACE_GROUP_CLASS} aria-labelledby={headingId}>
      <h3 id={headingId} className={SUBHEADING_CLASS}>
        {title}
      </h3>
      {spaces.length === 0 ? (
        <p className={EMPTY_CLASS}>{empty}</p>
      ) : (
        <ul className={SPACE_LIST_CLASS} aria-label={`${title} spaces`}>
          {spaces.map(space => (
            <SpaceItem
              key={space.name}
              space={space}
              canManage={canManage(space)}
              {...handlers}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The properties of the spaces view. */
export interface ISpacesViewProps {
  model: StudioModel;
  dialog: SpacesDialog;
  onDialog: (dialog: SpacesDialog) => void;
  onOpen?: (space: ISpace) => void;
}

/** Render the spaces of the model and the open dialog. */
export function SpacesView(props: ISpacesViewProps): JSX.Element {
  const { model, dialog, onDialog, onOpen } = props;
  const close = () => onDialog(null);
  const canManage = (space: ISpace) => model.canManage(space);
  const handlers = {
    onOpen,
    onMembers: (space: ISpace) => onDialog({ kind: 'members', space }),
    onDelete: (space: ISpace) => onDialog({ kind: 'delete', space })
  };
  return (
    <div className={SPACES_CLASS}>
      <div className={SPACES_TOOLBAR_CLASS}>
        {model.can('spaces:create') && (
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={() => onDialog({ kind: 'new' })}
          >
            New space
          </button>
        )}
      </div>
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading spaces…</p>
      ) : (
        <>
          <SpaceGroup
            title="Private"
            spaces={model.privateSpaces}
            empty="No private spaces."
            canManage={canManage}
            {...handlers}
          />
          <SpaceGroup
            title="Shared"
            spaces={model.sharedSpaces}
            empty="No shared spaces."
            canManage={canManage}
            {...handlers}
          />
        </>
      )}
      {dialog?.kind === 'new' && (
        <NewSpaceDialog model={model} onClose={close} />
      )}
      {dialog?.kind === 'members' && (
        <MembersDialog model={model} space={dialog.space} onClose={close} />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteSpaceDialog model={model} space={dialog.space} onClose={close} />
      )}
    </div>
  );
}

/**
 * A widget rendering the spaces section; commands open its dialogs through
 * `openDialog()`.
 */
export class SpacesWidget extends DialogHostWidget<StudioModel, SpacesDialog> {
  constructor(options: SpacesWidget.IOptions) {
    super(options.model);
    this._onOpen = options.onOpen;
    this.addClass(SPACES_CLASS + '-widget');
  }

  protected renderView(dialog: SpacesDialog): JSX.Element {
    return (
      <SpacesView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        onOpen={this._onOpen}
      />
    );
  }

  private _onOpen?: (space: ISpace) => void;
}

/** A namespace for `SpacesWidget` statics. */
export namespace SpacesWidget {
  /** The options of the spaces widget. */
  export interface IOptions {
    model: StudioModel;
    /** Open a space in the file browser; the Open button is hidden without it. */
    onOpen?: (space: ISpace) => void;
  }
}
