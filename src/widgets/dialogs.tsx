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
  DANGER_BUTTON_CLASS,
  DIALOG_BUTTONS_CLASS,
  EMPTY_CLASS,
  ERROR_CLASS,
  FIELD_CLASS,
  INPUT_CLASS,
  MEMBER_ITEM_CLASS,
  MEMBER_LIST_CLASS,
  PRIMARY_BUTTON_CLASS,
  SUGGESTIONS_CLASS
} from './classes';
import { Modal } from './modal';

const ROLES: SpaceRole[] = ['viewer', 'editor', 'owner'];

/** The message of an error, for display. */
function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** An inline error message. */
function ErrorMessage(props: { error: unknown }): JSX.Element | null {
  if (props.error === null || props.error === undefined) {
    return null;
  }
  const reason = (props.error as { reason?: string | null }).reason;
  return (
    <p className={ERROR_CLASS} role="alert" data-reason={reason ?? undefined}>
      {messageOf(props.error)}
    </p>
  );
}

/** The properties of the new-space dialog. */
export interface INewSpaceDialogProps {
  model: StudioModel;
  onClose: () => void;
  /** Called with the created space. */
  onCreated?: (space: ISpace) => void;
}

/** A dialog creating a space: name, sharing and description. */
export function NewSpaceDialog(props: INewSpaceDialogProps): JSX.Element {
  const { model, onClose, onCreated } = props;
  const [name, setName] = React.useState('');
  const [sharing, setSharing] = React.useState<Sharing>('private');
  const [description, setDescription] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const space = await model.createSpace({
        name: name.trim(),
        sharing,
        description
      });
      onCreated?.(space);
      onClose();
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <Modal title="New space" onClose={onClose}>
      <form onSubmit={onSubmit} aria-label="New space">
        <label className={FIELD_CLASS}>
          <span>Space name</span>
          <input
            className={INPUT_CLASS}
            type="text"
            name="name"
            value={name}
            required
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            onChange={event => setName(event.target.value)}
          />
        </label>
        <label className={FIELD_CLASS}>
          <span>Sharing</span>
          <select
            className={INPUT_CLASS}
            name="sharing"
            value={sharing}
            onChange={event => setSharing(event.target.value as Sharing)}
          >
            <option value="private">private</option>
            <option value="shared">shared</option>
          </select>
        </label>
        <label className={FIELD_CLASS}>
          <span>Description</span>
          <textarea
            className={INPUT_CLASS}
            name="description"
            rows={3}
            value={description}
            onChange={event => setDescription(event.target.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <div className={DIALOG_BUTTONS_CLASS}>
          <button type="button" className={BUTTON_CLASS} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={PRIMARY_BUTTON_CLASS}
            disabled={busy || !name.trim()}
          >
            Create
          </button>
        </div>
      </form>
    </Modal>
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
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || confirm !== space.name) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await model.deleteSpace(space.name);
      onClose();
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <Modal title={`Delete space ${space.name}`} onClose={onClose}>
      <form onSubmit={onSubmit}>
        <p>
          This deletes the space <strong>{space.name}</strong> and every file in
          it. This cannot be undone.
        </p>
        <label className={FIELD_CLASS}>
          <span>Type {space.name} to confirm</span>
          <input
            className={INPUT_CLASS}
            type="text"
            value={confirm}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            onChange={event => setConfirm(event.target.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <div className={DIALOG_BUTTONS_CLASS}>
          <button type="button" className={BUTTON_CLASS} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={DANGER_BUTTON_CLASS}
            disabled={busy || confirm !== space.name}
          >
            Delete space
          </button>
        </div>
      </form>
    </Modal>
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
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);
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
  }, [model, space.name]);

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

  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await load();
      return true;
    } catch (reason) {
      if (mounted.current) {
        setError(reason);
      }
      return false;
    } finally {
      if (mounted.current) {
        setBusy(false);
      }
    }
  };

  const onAdd = async (event: React.FormEvent) => {
    event.preventDefault();
    const name = username.trim();
    if (!name || busy) {
      return;
    }
    if (await run(() => model.setMember(space.name, name, role))) {
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
              <select
                className={INPUT_CLASS}
                aria-label={`Access level of ${member.username}`}
                value={member.role}
                disabled={busy}
                onChange={event => {
                  const next = event.target.value as SpaceRole;
                  void run(() =>
                    model.setMember(space.name, member.username, next)
                  );
                }}
              >
                {ROLES.map(item => (
                  <option key={item} value={item}>
                    {item}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className={BUTTON_CLASS}
                aria-label={`Remove ${member.username}`}
                disabled={busy}
                onClick={() =>
                  void run(() =>
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
      <form className={ADD_MEMBER_CLASS} onSubmit={onAdd}>
        <label className={FIELD_CLASS}>
          <span>Username</span>
          <input
            className={INPUT_CLASS}
            type="text"
            value={username}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            onChange={event => setUsername(event.target.value)}
          />
        </label>
        <label className={FIELD_CLASS}>
          <span>Role</span>
          <select
            className={INPUT_CLASS}
            value={role}
            onChange={event => setRole(event.target.value as SpaceRole)}
          >
            {ROLES.map(item => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className={PRIMARY_BUTTON_CLASS}
          disabled={busy || !username.trim()}
        >
          Add member
        </button>
      </form>
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
      <div className={DIALOG_BUTTONS_CLASS}>
        <button type="button" className={BUTTON_CLASS} onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
