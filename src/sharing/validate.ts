/**
 * Shape validation of the answers about snapshots and share links.
 *
 * Like `../validate`, each validator throws an `Error` naming the first
 * property that does not have the expected shape. What the UI relies on is
 * checked strictly; optional details are normalized (a missing string
 * becomes `''`, a missing object `null`).
 */
import type * as nbformat from '@jupyterlab/nbformat';

import {
  assertObject,
  fail,
  JSONObject,
  nullableNumber,
  nullableObject,
  nullableString,
  optionalMap,
  optionalString,
  requireInteger,
  validateProperty
} from '../validate';
import type {
  ICopyResult,
  ILinkOpen,
  INewShareLink,
  IPreviewedSnapshot,
  ISharingSettings,
  IShareLink,
  ISnapshot,
  ISnapshotNotebook
} from './api';

const AUDIENCES = ['domain', 'users'];
const LINK_STATES = ['active', 'expired', 'revoked'];

/** Default a missing value to `false`, then check it is a boolean. */
function optionalBoolean(object: JSONObject, name: string): void {
  if (object[name] === undefined) {
    object[name] = false;
  }
  validateProperty(object, name, 'boolean');
}

/** Validate the sharing settings of `GET /domain`. */
export function validateSharingSettings(value: unknown): ISharingSettings {
  assertObject(value, 'The domain');
  assertObject(value.settings, "Property 'settings'");
  const settings = value.settings;
  if (settings.snapshots_allow_outputs === undefined) {
    settings.snapshots_allow_outputs = true;
  }
  validateProperty(settings, 'snapshots_allow_outputs', 'boolean');
  nullableNumber(settings, 'share_link_default_expiry_days');
  nullableNumber(settings, 'share_link_max_expiry_days');
  return {
    snapshots_allow_outputs: settings.snapshots_allow_outputs as boolean,
    share_link_default_expiry_days: settings.share_link_default_expiry_days as
      number | null,
    share_link_max_expiry_days: settings.share_link_max_expiry_days as
      number | null
  };
}

/** Validate a snapshot. */
export function validateSnapshot(value: unknown): ISnapshot {
  assertObject(value, 'A snapshot');
  validateProperty(value, 'id', 'string');
  requireInteger(value, 'version');
  validateProperty(value, 'title', 'string');
  optionalString(value, 'description');
  validateProperty(value, 'author', 'string');
  validateProperty(value, 'space', 'string');
  validateProperty(value, 'path', 'string');
  optionalMap(value, 'kernelspec');
  const git = nullableObject(value, 'git');
  if (git !== null) {
    nullableString(git, 'remote');
    nullableString(git, 'branch');
    validateProperty(git, 'commit', 'string');
    optionalBoolean(git, 'dirty');
  }
  optionalBoolean(value, 'include_outputs');
  optionalBoolean(value, 'from_live_document');
  optionalString(value, 'digest');
  requireInteger(value, 'size');
  requireInteger(value, 'cells');
  validateProperty(value, 'created_at', 'string');
  if (!Array.isArray(value.lineage)) {
    fail('lineage', 'array');
  }
  value.lineage.forEach((entry: unknown, index: number) => {
    assertObject(entry, `lineage[${index}]`);
    validateProperty(entry, 'id', 'string');
    requireInteger(entry, 'version');
  });
  return value as unknown as ISnapshot;
}

/** Validate a snapshot as previewed: with `newer` and `link`. */
export function validatePreviewedSnapshot(value: unknown): IPreviewedSnapshot {
  validateSnapshot(value);
  const object = value as JSONObject;
  const newer = nullableObject(object, 'newer');
  if (newer !== null) {
    validateProperty(newer, 'id', 'string');
    requireInteger(newer, 'version');
    optionalString(newer, 'title');
  }
  const link = nullableObject(object, 'link');
  if (link !== null) {
    validateProperty(link, 'id', 'string');
    optionalString(link, 'label');
    optionalString(link, 'created_by');
    nullableString(link, 'expires_at');
  }
  return value as IPreviewedSnapshot;
}

/** Validate a snapshot with its notebook (nbformat 4 with a list of cells). */
export function validateSnapshotNotebook(value: unknown): ISnapshotNotebook {
  assertObject(value, 'A shared snapshot');
  validatePreviewedSnapshot(value.snapshot);
  assertObject(value.notebook, "Property 'notebook'");
  const notebook = value.notebook;
  if (!Array.isArray(notebook.cells)) {
    fail('notebook.cells', 'array');
  }
  notebook.cells.forEach((cell: unknown, index: number) => {
    assertObject(cell, `notebook.cells[${index}]`);
    validateProperty(cell, 'cell_type', 'string');
  });
  return {
    snapshot: value.snapshot as IPreviewedSnapshot,
    notebook: notebook as unknown as nbformat.INotebookContent
  };
}

/** Validate a share link. */
export function validateLink(value: unknown): IShareLink {
  assertObject(value, 'A share link');
  validateProperty(value, 'id', 'string');
  validateProperty(value, 'snapshot', 'string');
  validateProperty(value, 'audience', 'string', AUDIENCES);
  validateProperty(value, 'users', 'string[]');
  optionalString(value, 'label');
  validateProperty(value, 'created_by', 'string');
  validateProperty(value, 'created_at', 'string');
  nullableString(value, 'expires_at');
  nullableString(value, 'revoked_at');
  validateProperty(value, 'state', 'string', LINK_STATES);
  requireInteger(value, 'opens');
  return value as unknown as IShareLink;
}

/** Validate a new share link: a link with its token and URL. */
export function validateNewLink(value: unknown): INewShareLink {
  validateLink(value);
  const object = value as JSONObject;
  validateProperty(object, 'token', 'string');
  validateProperty(object, 'url', 'string');
  return value as INewShareLink;
}

/** Validate an open of a share link. */
export function validateLinkOpen(value: unknown): ILinkOpen {
  assertObject(value, 'A link open');
  validateProperty(value, 'username', 'string');
  validateProperty(value, 'at', 'string');
  return value as unknown as ILinkOpen;
}

/** Validate where a copy was written. */
export function validateCopyResult(value: unknown): ICopyResult {
  assertObject(value, 'A copy');
  validateProperty(value, 'space', 'string');
  validateProperty(value, 'path', 'string');
  optionalString(value, 'snapshot');
  return value as unknown as ICopyResult;
}
