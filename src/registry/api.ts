/**
 * Typed REST layer of the model registry (`/mlops-studio/api/v1/registry`).
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 403 when the four-eyes rule refuses an approval).
 */
import { ServerConnection } from '@jupyterlab/services';

import {
  jsonRequest,
  pathSegment,
  requestChecked,
  requestDelete,
  requestItems,
  requestPage
} from '../api';
import * as validate from './validate';

/** The status of a model version. */
export type VersionStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';

/** The statuses a version can be given. */
export const VERSION_STATUSES: ReadonlyArray<VersionStatus> = [
  'PendingManualApproval',
  'Approved',
  'Rejected'
];

/** A quality-gate rule of a group. */
export type RegistryRule =
  | {
      metric: string;
      kind: 'threshold';
      op: '>=' | '>' | '<=' | '<';
      threshold: number;
    }
  | {
      metric: string;
      kind: 'improve';
      direction: 'higher' | 'lower';
      margin: number;
      margin_kind: 'absolute' | 'relative';
    };

/** A model package group. */
export interface IRegistryGroup {
  name: string;
  description: string;
  tags: Record<string, string>;
  project: string | null;
  space: string | null;
  owner: string;
  initial_status: 'PendingManualApproval' | 'Approved';
  gate_failure: 'refuse' | 'reject';
  publish_to_gallery: boolean;
  latest_version: number | null;
  aliases: Record<string, number>;
  rules: RegistryRule[];
  created_at: string;
  updated_at: string;
}

/** The result of one gate rule for a version. */
export interface IRuleResult {
  rule: RegistryRule;
  passed: boolean;
  value: number | null;
  compared_with: number | null;
  message: string;
}

/** The stored artifact of a version. */
export interface IArtifact {
  uri: string;
  digest: string;
  size: number | null;
  kind: 'upload' | 'space' | 's3';
}

/** Where a version comes from. */
export interface ILineage {
  space?: string;
  notebook?: string;
  snapshot_id?: string;
  git_remote?: string;
  git_commit?: string;
  project?: string;
}

/** The model card of a version. */
export interface IModelCard {
  markdown: string;
  status: 'Draft' | 'PendingReview' | 'Approved' | 'Archived';
}

/** The quality gate outcome of a version. */
export interface IGateOutcome {
  passed: boolean;
  overridden: boolean;
  results: IRuleResult[];
}

/** A model version. */
export interface IRegistryVersion {
  group: string;
  version: number;
  status: VersionStatus;
  status_comment: string;
  description: string;
  aliases: string[];
  artifact: IArtifact | null;
  framework: string;
  framework_version: string;
  metrics: Record<string, number>;
  hyperparameters: Record<string, unknown>;
  tags: Record<string, string>;
  customer_metadata: Record<string, string>;
  lineage: ILineage;
  model_card: IModelCard | null;
  registered_by: string;
  created_at: string;
  updated_at: string;
  /** `null` for versions registered before the group had rules. */
  gate: IGateOutcome | null;
}

/** One entry of a version's audit trail. */
export interface IAuditEntry {
  id: number | string;
  version: number;
  actor: string;
  at: string;
  from_status: string | null;
  to_status: string | null;
  comment: string;
  kind: 'status' | 'override' | 'alias' | string;
}

/** The body of `POST /registry/groups` (the UI sets name and description). */
export interface INewGroup {
  name: string;
  description?: string;
}

/** The page size asked for when listing versions. */
export const VERSIONS_PAGE_SIZE = 500;

/** The most pages of versions fetched for one group. */
export const MAX_VERSION_PAGES = 20;

function groupPath(group: string): string {
  return `registry/groups/${pathSegment(group)}`;
}

function versionPath(group: string, ref: number | string): string {
  return `${groupPath(group)}/versions/${pathSegment(ref)}`;
}

/** `GET /registry/groups`: every model package group. */
export async function listGroups(
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryGroup[]> {
  return requestItems(
    'registry/groups',
    validate.validateGroup,
    serverSettings
  );
}

/** `GET /registry/groups/{group}`: one group. */
export function getGroup(
  group: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryGroup> {
  return requestChecked(
    groupPath(group),
    validate.validateGroup,
    serverSettings
  );
}

/** `POST /registry/groups`: create a group. */
export function createGroup(
  group: INewGroup,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryGroup> {
  const body: INewGroup = { name: group.name };
  if (group.description) {
    body.description = group.description;
  }
  return requestChecked(
    'registry/groups',
    validate.validateGroup,
    serverSettings,
    jsonRequest('POST', body)
  );
}

/**
 * `GET /registry/groups/{group}/versions`: every version of a group, newest
 * first, following the `next` cursor.
 */
export async function listVersions(
  group: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryVersion[]> {
  const endpoint = `${groupPath(group)}/versions`;
  const versions: IRegistryVersion[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_VERSION_PAGES; page++) {
    const query: string =
      `?limit=${VERSIONS_PAGE_SIZE}` +
      (after === null ? '' : `&after=${encodeURIComponent(after)}`);
    const answer = await requestPage(
      endpoint + query,
      validate.validateVersion,
      serverSettings
    );
    versions.push(...answer.items);
    after = answer.next;
    if (after === null) {
      break;
    }
  }
  return versions;
}

/** `GET /registry/groups/{group}/versions/{ref}`: a version by number or alias. */
export function getVersion(
  group: string,
  ref: number | string,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryVersion> {
  return requestChecked(
    versionPath(group, ref),
    validate.validateVersion,
    serverSettings
  );
}

/**
 * `POST /registry/groups/{group}/versions/{ref}/status`: approve, reject or
 * send back to pending, with a required comment.
 */
export function setVersionStatus(
  group: string,
  ref: number | string,
  status: VersionStatus,
  comment: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryVersion> {
  return requestChecked(
    `${versionPath(group, ref)}/status`,
    validate.validateVersion,
    serverSettings,
    jsonRequest('POST', { status, comment })
  );
}

/** `GET /registry/groups/{group}/versions/{ref}/audit`: the audit trail. */
export async function getAudit(
  group: string,
  ref: number | string,
  serverSettings?: ServerConnection.ISettings
): Promise<IAuditEntry[]> {
  return requestItems(
    `${versionPath(group, ref)}/audit`,
    validate.validateAuditEntry,
    serverSettings
  );
}

/** `PUT /registry/groups/{group}/aliases/{alias}`: point an alias at a version. */
export function setAlias(
  group: string,
  alias: string,
  version: number,
  serverSettings?: ServerConnection.ISettings
): Promise<IRegistryVersion> {
  return requestChecked(
    `${groupPath(group)}/aliases/${pathSegment(alias)}`,
    validate.validateVersion,
    serverSettings,
    jsonRequest('PUT', { version })
  );
}

/** `DELETE /registry/groups/{group}/aliases/{alias}`: remove an alias. */
export function deleteAlias(
  group: string,
  alias: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  return requestDelete(
    `${groupPath(group)}/aliases/${pathSegment(alias)}`,
    serverSettings
  );
}
