/**
 * The dialogs of the registry panel: new group, approve / reject a version.
 *
 * They only render and call back into the model; server errors (such as the
 * four-eyes refusal, 403) are shown inline (`role="alert"`) and keep the
 * dialog open.
 */
import * as React from 'react';

import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  DIALOG_BUTTONS_CLASS,
  ERROR_CLASS,
  FIELD_CLASS,
  INPUT_CLASS,
  PRIMARY_BUTTON_CLASS
} from '../../widgets/classes';
import { Modal } from '../../widgets/modal';
import type { IRegistryGroup, IRegistryVersion, VersionStatus } from '../api';
import type { RegistryModel } from '../model';

/** The longest status comment the server accepts. */
export const MAX_COMMENT_LENGTH = 1024;

/** An inline error message, `null` without an error. */
export function ErrorMessage(props: { error: unknown }): JSX.Element | null {
  const { error } = props;
  if (error === null || error === undefined) {
    return null;
  }
  const reason = (error as { reason?: string | null }).reason;
  return (
    <p className={ERROR_CLASS} role="alert" data-reason={reason ?? undefined}>
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

/** The properties of the new-group dialog. */
export interface INewGroupDialogProps {
  model: RegistryModel;
  onClose: () => void;
  onCreated?: (group: IRegistryGroup) => void;
}

/** A dialog creating a model package group: name and description. */
export function NewGroupDialog(props: INewGroupDialogProps): JSX.Element {
  const { model, onClose, onCreated } = props;
  const [name, setName] = React.useState('');
  const [description, setDescription] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !name.trim()) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const group = await model.createGroup({
        name: name.trim(),
        description
      });
      onCreated?.(group);
      onClose();
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <Modal title="New model group" onClose={onClose}>
      <form onSubmit={onSubmit} aria-label="New model group">
        <label className={FIELD_CLASS}>
          <span>Group name</span>
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

/** The statuses the status dialog sets, with their verbs. */
const VERBS: Partial<Record<VersionStatus, string>> = {
  Approved: 'Approve',
  Rejected: 'Reject'
};

/** The properties of the status dialog. */
export interface IStatusDialogProps {
  model: RegistryModel;
  version: IRegistryVersion;
  status: 'Approved' | 'Rejected';
  onClose: () => void;
}

/** A dialog approving or rejecting a version, with a required comment. */
export function StatusDialog(props: IStatusDialogProps): JSX.Element {
  const { model, version, status, onClose } = props;
  const [comment, setComment] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);
  const verb = VERBS[status] ?? status;
  const valid =
    comment.trim().length > 0 && comment.length <= MAX_COMMENT_LENGTH;

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !valid) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await model.setStatus(version.version, status, comment.trim());
      onClose();
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <Modal title={`${verb} version ${version.version}`} onClose={onClose}>
      <form onSubmit={onSubmit}>
        <p>
          {verb} version {version.version} of <strong>{version.group}</strong>
          {version.registered_by && (
            <>, registered by {version.registered_by}</>
          )}
          . The comment is kept in the audit trail.
        </p>
        <label className={FIELD_CLASS}>
          <span>Comment</span>
          <textarea
            className={INPUT_CLASS}
            name="comment"
            rows={3}
            maxLength={MAX_COMMENT_LENGTH}
            value={comment}
            required
            data-autofocus
            onChange={event => setComment(event.target.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <div className={DIALOG_BUTTONS_CLASS}>
          <button type="button" className={BUTTON_CLASS} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={
              status === 'Rejected' ? DANGER_BUTTON_CLASS : PRIMARY_BUTTON_CLASS
            }
            disabled={busy || !valid}
          >
            Confirm
          </button>
        </div>
      </form>
    </Modal>
  );
}
