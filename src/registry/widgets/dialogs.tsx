/**
 * The dialogs of the registry panel: new group, approve / reject a version.
 *
 * They only render and call back into the model; server errors (such as the
 * four-eyes refusal, 403) are shown inline (`role="alert"`) and keep the
 * dialog open.
 */
import * as React from 'react';

import { FormDialog, NewItemDialog, TextAreaField } from '../../widgets/form';
import type { IRegistryGroup, IRegistryVersion } from '../api';
import type { RegistryModel } from '../model';

/** The longest status comment the server accepts. */
export const MAX_COMMENT_LENGTH = 1024;

/** The properties of the new-group dialog. */
export interface INewGroupDialogProps {
  model: RegistryModel;
  onClose: () => void;
  onCreated?: (group: IRegistryGroup) => void;
}

/** A dialog creating a model package group: name and description. */
export function NewGroupDialog(props: INewGroupDialogProps): JSX.Element {
  const { model, onCreated } = props;

  const create = async (name: string, description: string) => {
    const group = await model.createGroup({ name, description });
    onCreated?.(group);
  };

  return (
    <NewItemDialog
      title="New model group"
      nameLabel="Group name"
      onCreate={create}
      onClose={props.onClose}
    />
  );
}

/** The statuses a reviewer gives a version, with their verbs. */
export const REVIEW_VERBS = {
  Approved: 'Approve',
  Rejected: 'Reject'
} as const;

/** A status a reviewer gives a version. */
export type ReviewStatus = keyof typeof REVIEW_VERBS;

/** The properties of the status dialog. */
export interface IStatusDialogProps {
  model: RegistryModel;
  version: IRegistryVersion;
  status: ReviewStatus;
  onClose: () => void;
}

/** A dialog approving or rejecting a version, with a required comment. */
export function StatusDialog(props: IStatusDialogProps): JSX.Element {
  const { model, version, status, onClose } = props;
  const [comment, setComment] = React.useState('');
  const verb = REVIEW_VERBS[status];

  return (
    <FormDialog
      title={`${verb} version ${version.version}`}
      submitLabel="Confirm"
      danger={status === 'Rejected'}
      valid={comment.trim().length > 0 && comment.length <= MAX_COMMENT_LENGTH}
      onSubmit={() => model.setStatus(version.version, status, comment.trim())}
      onClose={onClose}
    >
      <p>
        {verb} version {version.version} of <strong>{version.group}</strong>
        {version.registered_by && <>, registered by {version.registered_by}</>}.
        The comment is kept in the audit trail.
      </p>
      <TextAreaField
        label="Comment"
        name="comment"
        maxLength={MAX_COMMENT_LENGTH}
        value={comment}
        required
        initialFocus
        onChange={setComment}
      />
    </FormDialog>
  );
}
