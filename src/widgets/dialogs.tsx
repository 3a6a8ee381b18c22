/**
 * The dialogs of the spaces section: new space, members, delete.
 *
 * They only render and call back into the model; server errors are shown
 * inline (`role="alert"`) and keep the dialog open.
 */
import * as React from 'react';

import type { IMember, ISpace, IUser, Sharing, SpaceRole } from '../api';
import type { StudioModel } from '../model';
import {
  ADD_MEMBER_CLASS,
  BUTTON_CLASS,
  EMPTY_CLASS,
  MEMBER_ITEM_CLASS,
  MEMBER_LIST_CLASS,
  SUGGESTIONS_CLASS
} from './classes';
import {
  DialogButtons,
  ErrorMessage,
  FormDialog,
  InlineForm,
  NewItemDialog,
  Select,
  SelectField,
  TextField,
  useAction
} from './form';
import { Modal } from './modal';

const ROLES: ReadonlyArray<SpaceRole> = ['viewer', 'editor', 'owner'];
const SHARINGS: ReadonlyArray<Sharing> = ['private', 'shared'];

/** The properties of the new-space dialog. */
export interface INewSpaceDialogProps {
  model: StudioModel;
  onClose: () => void;
  /** Called with the created space. */
  onCreated?: (space: ISpace) => void;
}

/** A dialog creating a space: name, sharing and description. */
export function NewSpaceDialog(props: INewSpaceDialogProps): JSX.Element {
  const { model, onCreated } = props;
  const [sharing, setSharing] = React.useState<Sharing>('private');

  const create = async (name: string, description: string) => {
    const space = await model.createSpace({ name, sharing, description });
    onCreated?.(space);
  };

  return (
    <NewItemDialog
      title="New space"
      nameLabel="Space name"
      onCreate={create}
      onClose={props.onClose}
    >
      <SelectField
        label="Sharing"
        name="sharing"
        value={sharing}
        options={SHARINGS}
        onChange={setSharing}
      />
    </NewItemDialog>
  );
}

/** The properties of the delete dialog. */
export interface IDeleteSpaceDialogProps {
  model: StudioModel;
  space: ISpace;
  onClose: () => void;
}

/** A dialog deleting a space, confirmed by typing its name. */
export function DeleteSpaceDialog(props: IDeleteSpaceDialogProps): JSX.Element {
  const { model, space, onClose } = props;
  const [confirm, setConfirm] = React.useState('');

  return (
    <FormDialog
      title={`Delete space ${space.name}`}
      submitLabel="Delete space"
      danger
      valid={confirm === space.name}
      onSubmit={() => model.deleteSpace(space.name)}
      onClose={onClose}
    >
      <p>
        This deletes the space <strong>{space.name}</strong> and every file in
        it. This cannot be undone.
      </p>
      <TextField
        label={`Type ${space.name} to confirm`}
        value={confirm}
        initialFocus
        onChange={setConfirm}
      />
    </FormDialog>
  );
}

/** The properties of the members dialog. */
export interface IMembersDialogProps {
  model: StudioModel;
  space: ISpace;
  onClose: () => void;
}

/**
 * A dialog listing the members of a space, with a role select and a remove
 * button per member and a row adding a member.
 */
export function MembersDialog(props: IMembersDialogProps): JSX.Element {
  const { model, space, onClose } = props;
  const [members, setMembers] = React.useState<IMember[] | null>(null);
  const [users, setUsers] = React.useState<IUser[]>([]);
  const [username, setUsername] = React.useState('');
  const [role, setRole] = React.useState<SpaceRole>('viewer');
  const { busy, error, setError, run } = useAction();
  const mounted = React.useRef(true);

  const load = React.useCallback(async () => {
    try {
      const items = await model.listMembers(space.name);
      if (mounted.current) {
        setMembers(items);
      }
    } catch (reason) {
      if (mounted.current) {
        setMembers([]);
        setError(reason);
      }
    }
  }, [model, space.name, setError]);

  React.useEffect(() => {
    mounted.current = true;
    void load();
    model
      .listUsers()
      .then(items => mounted.current && setUsers(items))
      // Listing users may be forbidden: the username is then typed freely.
      .catch(() => undefined);
    return () => {
      mounted.current = false;
    };
  }, [load, model]);

  const change = (action: () => Promise<unknown>): Promise<boolean> =>
    run(async () => {
      await action();
      await load();
    });

  const add = async () => {
    const name = username.trim();
    if (await change(() => model.setMember(space.name, name, role))) {
      setUsername('');
    }
  };

  const memberNames = new Set((members ?? []).map(member => member.username));
  const query = username.trim().toLowerCase();
  const suggestions = query
    ? users
        .filter(
          user =>
            !memberNames.has(user.username) &&
            user.username.toLowerCase() !== query &&
            (user.username.toLowerCase().includes(query) ||
              user.display_name.toLowerCase().includes(query))
        )
        .slice(0, 5)
    : [];

  return (
    <Modal title={`Members of ${space.name}`} onClose={onClose}>
      {members === null ? (
        <p aria-busy="true">Loading members…</p>
      ) : members.length === 0 ? (
        <p className={EMPTY_CLASS}>No members.</p>
      ) : (
        <ul className={MEMBER_LIST_CLASS} aria-label="Members">
          {members.map(member => (
            <li
              key={member.username}
              className={MEMBER_ITEM_CLASS}
              data-username={member.username}
            >
              <span title={member.username}>
                {member.display_name || member.username}{' '}
                <small>@{member.username}</small>
              </span>
              <Select
                label={`Access level of ${member.username}`}
                value={member.role}
                options={ROLES}
                disabled={busy}
                onChange={next =>
                  void change(() =>
                    model.setMember(space.name, member.username, next)
                  )
                }
              />
              <button
                type="button"
                className={BUTTON_CLASS}
                aria-label={`Remove ${member.username}`}
                disabled={busy}
                onClick={() =>
                  void change(() =>
                    model.removeMember(space.name, member.username)
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <InlineForm
        className={ADD_MEMBER_CLASS}
        submitLabel="Add member"
        primary
        disabled={busy || !username.trim()}
        onSubmit={() => void add()}
      >
        <TextField
          label="Username"
          value={username}
          initialFocus
          onChange={setUsername}
        />
        <SelectField
          label="Role"
          value={role}
          options={ROLES}
          onChange={setRole}
        />
      </InlineForm>
      {suggestions.length > 0 && (
        <ul className={SUGGESTIONS_CLASS} aria-label="Matching users">
          {suggestions.map(user => (
            <li key={user.username}>
              <button
                type="button"
                className={BUTTON_CLASS}
                aria-label={`Choose user ${user.username}`}
                onClick={() => setUsername(user.username)}
              >
                {user.display_name} <small>@{user.username}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
      <DialogButtons onClose={onClose} closeLabel="Close" />
    </Modal>
  );
}
