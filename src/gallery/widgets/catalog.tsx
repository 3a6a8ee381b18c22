/**
 * The domain catalog, for admins: add the template a space folder holds,
 * or remove a template of the catalog.
 */
import * as React from 'react';

import { FormDialog, TextField } from '../../widgets/form';
import type { ITemplate } from '../api';

/**
 * Why a path cannot name a folder from the server root, `null` when it can
 * (the server checks that it is a folder of a space holding a template).
 */
export function catalogPathError(path: string): string | null {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (!trimmed) {
    return 'A folder is required';
  }
  if (trimmed.startsWith('/') || trimmed.split('/').includes('..')) {
    return 'The folder is a path from the server root, e.g. spaces/team/my-template';
  }
  return null;
}

/** The properties of the add-to-catalog dialog. */
export interface IAddToCatalogDialogProps {
  /** The folder proposed, from the server root. */
  path?: string;
  /** Add the folder's template; the dialog closes when it resolves. */
  onAdd: (path: string) => Promise<unknown>;
  onClose: () => void;
}

/** A dialog adding the template of a space folder to the domain catalog. */
export function AddToCatalogDialog(
  props: IAddToCatalogDialogProps
): JSX.Element {
  const [path, setPath] = React.useState(props.path ?? '');
  const error = catalogPathError(path);
  return (
    <FormDialog
      title="Add to the template catalog"
      formLabel="Add to the template catalog"
      submitLabel="Add to catalog"
      valid={error === null}
      onSubmit={() => props.onAdd(path.trim().replace(/\/+$/, ''))}
      onClose={props.onClose}
    >
      <p>
        The folder's template (its template.yaml and files) is copied into the
        domain catalog, which every user of the studio sees in the gallery.
      </p>
      <TextField
        label="Folder of a space"
        name="space-path"
        placeholder="spaces/team/my-template"
        value={path}
        required
        initialFocus
        onChange={setPath}
      />
      {path && error && <small>{error}</small>}
    </FormDialog>
  );
}

/** The properties of the remove-from-catalog dialog. */
export interface IRemoveFromCatalogDialogProps {
  template: ITemplate;
  onRemove: () => Promise<unknown>;
  onClose: () => void;
}

/** A dialog confirming the removal of a template from the domain catalog. */
export function RemoveFromCatalogDialog(
  props: IRemoveFromCatalogDialogProps
): JSX.Element {
  const { template } = props;
  return (
    <FormDialog
      title={`Remove ${template.title}`}
      submitLabel="Remove from catalog"
      danger
      valid
      onSubmit={props.onRemove}
      onClose={props.onClose}
    >
      <p>
        This deletes <code>{template.id}</code> from the domain catalog: nobody
        sees it in the gallery any more. Copies already opened in spaces stay.
      </p>
    </FormDialog>
  );
}
