/**
 * Typed REST layer of notebook snapshots and share links
 * (`/mlops-studio/api/v1/snapshots`, `/links`, `/shared`).
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 410 for a revoked or expired link).
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { ServerConnection } from '@jupyterlab/services';

import { jsonRequest, pathSegment, requestChecked, requestItems } from '../api';
import * as validate from './validate';

/** Who a share link is for. */
export type Audience = 'domain' | 'users';

/** The state of a share link. */
export type LinkState = 'active' | 'expired' | 'revoked';

/** The git state of a snapshot's notebook, when it is in a repository. */
export interface IGitState {
  remote: string | null;
  branch: string | null;
  commit: string;
  dirty: boolean;
}

/** A version of a snapshot's lineage. */
export interface ILineageEntry {
  id: string;
  version: number;
}

/** A notebook snapshot. */
export interface ISnapshot {
  id: string;
  /** Its number in the lineage of its notebook (1, 2, 3 …). */
  version: number;
  title: string;
  description: string;
  author: string;
  space: string;
  /** The notebook's path from the server root. */
  path: string;
  kernelspec: Record<string, unknown>;
  git: IGitState | null;
  include_outputs: boolean;
  /** Whether it was taken from the open collaboration room. */
  from_live_document: boolean;
  digest: string;
  size: number;
  cells: number;
  created_at: string;
  /** Every version of the lineage the snapshot belongs to, oldest first. */
  lineage: ILineageEntry[];
}

/** The newest later snapshot of a lineage that the reader may open. */
export interface INewerSnapshot {
  id: string;
  version: number;
  title: string;
}

/** The link through which a preview was opened. */
export interface IOpeningLink {
  id: string;
  label: string;
  created_by: string;
  expires_at: string | null;
}

/** A snapshot as previewed: its details, a newer version and the link. */
export interface IPreviewedSnapshot extends ISnapshot {
  newer: INewerSnapshot | null;
  /** Only when it was opened through a share link. */
  link: IOpeningLink | null;
}

/** The answer of `GET /shared/{token}` and `GET /snapshots/{id}/notebook`. */
export interface ISnapshotNotebook {
  snapshot: IPreviewedSnapshot;
  notebook: nbformat.INotebookContent;
}

/** A share link of a snapshot. */
export interface IShareLink {
  id: string;
  snapshot: string;
  audience: Audience;
  users: string[];
  label: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  state: LinkState;
  /** How many times the link was opened. */
  opens: number;
}

/** A share link just created: its token and URL are in this answer only. */
export interface INewShareLink extends IShareLink {
  token: string;
  url: string;
}

/** One open of a share link. */
export interface ILinkOpen {
  username: string;
  at: string;
}

/** Where a copy of a shared notebook was written. */
export interface ICopyResult {
  space: string;
  /** The copy's path from the server root. */
  path: string;
  snapshot: string;
}

/** The domain settings the share dialog follows. */
export interface ISharingSettings {
  /** Whether snapshots may include outputs. */
  snapshots_allow_outputs: boolean;
  /** The expiry of a new link, in days; `null` for none. */
  share_link_default_expiry_days: number | null;
  /** The longest expiry, in days; `null` for no maximum. */
  share_link_max_expiry_days: number | null;
}

/** The body of `POST /snapshots`. */
export interface INewSnapshot {
  path: string;
  title?: string;
  description?: string;
  include_outputs?: boolean;
}

/** The body of `POST /snapshots/{id}/links`. */
export interface INewLink {
  audience: Audience;
  /** The usernames, with audience `users`. */
  users?: string[];
  /** Days until it expires; `null` for never, omitted for the domain default. */
  expires_in_days?: number | null;
  label?: string;
}

/** The body of `PATCH /links/{id}`. */
export interface ILinkPatch {
  expires_in_days?: number | null;
  label?: string;
}

/** The body of `POST /shared/{token}/copy`. */
export interface ICopyRequest {
  /** A space the user can write; their private space by default. */
  space?: string;
  /** A file name ending in `.ipynb`; the snapshot's by default. */
  name?: string;
}

/** Which snapshots `GET /snapshots` lists. */
export type SnapshotScope = 'mine' | 'shared';

function snapshotPath(id: string): string {
  return `snapshots/${pathSegment(id)}`;
}

function linkPath(id: string): string {
  return `links/${pathSegment(id)}`;
}

/** `GET /domain`: the domain settings snapshots and links follow. */
export function getSharingSettings(
  serverSettings?: ServerConnection.ISettings
): Promise<ISharingSettings> {
  return requestChecked(
    'domain',
    validate.validateSharingSettings,
    serverSettings
  );
}

/** `GET /snapshots?scope=`: my snapshots, or those shared with me. */
export function listSnapshots(
  scope: SnapshotScope,
  serverSettings?: ServerConnection.ISettings
): Promise<ISnapshot[]> {
  return requestItems(
    `snapshots?scope=${scope}`,
    validate.validateSnapshot,
    serverSettings
  );
}

/** `POST /snapshots`: snapshot a notebook of one of my spaces. */
export function createSnapshot(
  snapshot: INewSnapshot,
  serverSettings?: ServerConnection.ISettings
): Promise<ISnapshot> {
  return requestChecked(
    'snapshots',
    validate.validateSnapshot,
    serverSettings,
    jsonRequest('POST', snapshot)
  );
}

/** `GET /snapshots/{id}/notebook`: a snapshot I may read, with its notebook. */
export function getSnapshotNotebook(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ISnapshotNotebook> {
  return requestChecked(
    `${snapshotPath(id)}/notebook`,
    validate.validateSnapshotNotebook,
    serverSettings
  );
}

/** `GET /snapshots/{id}/links`: the links of one of my snapshots. */
export function listLinks(
  snapshot: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IShareLink[]> {
  return requestItems(
    `${snapshotPath(snapshot)}/links`,
    validate.validateLink,
    serverSettings
  );
}

/** `POST /snapshots/{id}/links`: a new link; its token is in this answer only. */
export function createLink(
  snapshot: string,
  link: INewLink,
  serverSettings?: ServerConnection.ISettings
): Promise<INewShareLink> {
  return requestChecked(
    `${snapshotPath(snapshot)}/links`,
    validate.validateNewLink,
    serverSettings,
    jsonRequest('POST', link)
  );
}

/** `PATCH /links/{id}`: change a live link's label or expiry. */
export function updateLink(
  link: string,
  patch: ILinkPatch,
  serverSettings?: ServerConnection.ISettings
): Promise<IShareLink> {
  return requestChecked(
    linkPath(link),
    validate.validateLink,
    serverSettings,
    jsonRequest('PATCH', patch)
  );
}

/** `DELETE /links/{id}`: revoke a link at once; the answer is the revoked link. */
export function revokeLink(
  link: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IShareLink> {
  return requestChecked(
    linkPath(link),
    validate.validateLink,
    serverSettings,
    jsonRequest('DELETE')
  );
}

/** `GET /links/{id}/opens`: who opened a link, and when. */
export function listLinkOpens(
  link: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ILinkOpen[]> {
  return requestItems(
    `${linkPath(link)}/opens`,
    validate.validateLinkOpen,
    serverSettings
  );
}

/** `GET /shared/{token}`: open a share link (the open is recorded). */
export function openSharedLink(
  token: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ISnapshotNotebook> {
  return requestChecked(
    `shared/${pathSegment(token)}`,
    validate.validateSnapshotNotebook,
    serverSettings
  );
}

/** `POST /shared/{token}/copy`: copy the shared notebook into a space. */
export function copySharedNotebook(
  token: string,
  request: ICopyRequest,
  serverSettings?: ServerConnection.ISettings
): Promise<ICopyResult> {
  return requestChecked(
    `shared/${pathSegment(token)}/copy`,
    validate.validateCopyResult,
    serverSettings,
    jsonRequest('POST', request)
  );
}
