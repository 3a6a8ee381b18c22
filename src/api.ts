/**
 * Typed REST layer of the studio API (`/mlops-studio/api/v1`).
 *
 * Every function receives the server settings from its caller (defaulting to
 * `ServerConnection.makeSettings()`), sends JSON, validates the shape of what
 * comes back and throws a `StudioAPIError` on any non-2xx answer.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import * as validate from './validate';

/**
 * The path of the studio REST API, relative to the server base URL.
 */
export const API_PATH = 'mlops-studio/api/v1';

/** A studio persona. */
export type Persona = 'admin' | 'data-scientist' | 'mlops' | 'compute';

/** How a space is shared. */
export type Sharing = 'private' | 'shared';

/** A member's role in a space. */
export type SpaceRole = 'viewer' | 'editor' | 'owner';

/** The signed-in user, from `GET /me`. */
export interface IMe {
  username: string;
  display_name: string;
  personas: string[];
  permissions: string[];
  is_admin: boolean;
}

/** A space, from `GET /spaces`. */
export interface ISpace {
  name: string;
  sharing: Sharing;
  description: string;
  owner: string;
  /** The space directory relative to the server root, e.g. `spaces/<name>`. */
  path: string;
  /** The signed-in user's role in the space, `null` when not a member (admins). */
  role: SpaceRole | null;
  created_at: string;
  updated_at: string;
}

/** A member of a space. */
export interface IMember {
  username: string;
  display_name: string;
  role: SpaceRole;
}

/** A user profile, from `GET /users`. */
export interface IUser {
  username: string;
  display_name: string;
  personas: string[];
  created_at: string;
}

/** A page of a list resource. */
export interface IPage<T> {
  items: T[];
  next: string | null;
}

/** The body of `POST /spaces`. */
export interface INewSpace {
  name: string;
  sharing: Sharing;
  description?: string;
}

/** The body of `PATCH /spaces/{name}`. */
export interface ISpacePatch {
  description?: string;
  sharing?: Sharing;
}

/**
 * An error answered by the studio API (or a failure to reach it).
 *
 * `status` is the HTTP status (0 for a network failure), `reason` the
 * machine-readable reason of the server's `{message, reason}` body.
 */
export class StudioAPIError extends Error {
  constructor(status: number, message: string, reason: string | null = null) {
    super(message);
    this.name = 'StudioAPIError';
    this.status = status;
    this.reason = reason;
  }

  /** The HTTP status, 0 when the server could not be reached. */
  readonly status: number;

  /** The server's reason code, when it sent one. */
  readonly reason: string | null;

  /**
   * Build an error from a non-2xx response, reading its JSON body when possible.
   */
  static async fromResponse(response: Response): Promise<StudioAPIError> {
    let message = response.statusText || `HTTP ${response.status}`;
    let reason: string | null = null;
    try {
      const text = await response.text();
      if (text) {
        const body = JSON.parse(text);
        if (body && typeof body === 'object') {
          if (typeof body.message === 'string' && body.message) {
            message = body.message;
          }
          if (typeof body.reason === 'string' && body.reason) {
            reason = body.reason;
          }
        }
      }
    } catch {
      // Not JSON (e.g. an HTML error page from a proxy): keep the status text.
    }
    return new StudioAPIError(response.status, message, reason);
  }
}

/**
 * Call a studio API endpoint and return its decoded JSON body.
 *
 * @param endpoint - path below `mlops-studio/api/v1`, e.g. `spaces`
 * @param serverSettings - the Jupyter server connection settings
 * @param init - the fetch options (method, body …)
 * @returns the decoded JSON body, or `undefined` for an empty answer (204)
 * @throws StudioAPIError on a non-2xx status or a network failure
 */
export async function requestAPI<T>(
  endpoint = '',
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(serverSettings.baseUrl, API_PATH, endpoint);
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { ...init, headers },
      serverSettings
    );
  } catch (error) {
    throw new StudioAPIError(
      0,
      `Cannot reach the studio server: ${(error as Error).message ?? error}`,
      'network-error'
    );
  }
  if (!response.ok) {
    throw await StudioAPIError.fromResponse(response);
  }
  const text = await response.text();
  if (!text) {
    return undefined as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StudioAPIError(
      response.status,
      `Invalid JSON answered by ${endpoint}`,
      'invalid-response'
    );
  }
}

/**
 * Run a validator over an answer, turning a shape error into a `StudioAPIError`.
 */
function checked<T>(
  endpoint: string,
  data: unknown,
  validator: (value: unknown) => T
): T {
  try {
    return validator(data);
  } catch (error) {
    throw new StudioAPIError(
      200,
      `Malformed answer from ${endpoint}: ${(error as Error).message}`,
      'invalid-response'
    );
  }
}

/**
 * Call a studio API endpoint and validate its answer.
 *
 * @param endpoint - path below `mlops-studio/api/v1`, with its query if any
 * @param validator - checks the shape of the decoded body and types it
 * @throws StudioAPIError on a non-2xx status, a network failure or a
 *   malformed answer (reason `invalid-response`)
 */
export async function requestChecked<T>(
  endpoint: string,
  validator: (value: unknown) => T,
  serverSettings?: ServerConnection.ISettings,
  init?: RequestInit
): Promise<T> {
  const data = await requestAPI<unknown>(endpoint, serverSettings, init);
  return checked(endpoint, data, validator);
}

/**
 * Call a list endpoint (`{items, next}`) and validate every item.
 */
export function requestPage<T>(
  endpoint: string,
  validateItem: (item: unknown) => T,
  serverSettings?: ServerConnection.ISettings
): Promise<IPage<T>> {
  return requestChecked(
    endpoint,
    value => validate.validatePage(value, validateItem),
    serverSettings
  );
}

/** The items of a list endpoint (the server answers them in one page). */
export async function requestItems<T>(
  endpoint: string,
  validateItem: (item: unknown) => T,
  serverSettings?: ServerConnection.ISettings
): Promise<T[]> {
  return (await requestPage(endpoint, validateItem, serverSettings)).items;
}

/** `DELETE` an endpoint, with a JSON body when given; the answer is empty. */
export async function requestDelete(
  endpoint: string,
  serverSettings?: ServerConnection.ISettings,
  body?: unknown
): Promise<void> {
  await requestAPI<void>(endpoint, serverSettings, jsonRequest('DELETE', body));
}

/** A value as one URI-encoded path segment. */
export function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** The fetch options of a request with a JSON body (none when `undefined`). */
export function jsonRequest(method: string, body?: unknown): RequestInit {
  return body === undefined
    ? { method }
    : { method, body: JSON.stringify(body) };
}

/** `GET /me`: the signed-in user, personas and permissions. */
export function getMe(
  serverSettings?: ServerConnection.ISettings
): Promise<IMe> {
  return requestChecked('me', validate.validateMe, serverSettings);
}

/** `GET /spaces`: the spaces the signed-in user can see. */
export async function listSpaces(
  serverSettings?: ServerConnection.ISettings
): Promise<ISpace[]> {
  return requestItems('spaces', validate.validateSpace, serverSettings);
}

/** `POST /spaces`: create a space. */
export function createSpace(
  space: INewSpace,
  serverSettings?: ServerConnection.ISettings
): Promise<ISpace> {
  const body: INewSpace = { name: space.name, sharing: space.sharing };
  if (space.description !== undefined) {
    body.description = space.description;
  }
  return requestChecked(
    'spaces',
    validate.validateSpace,
    serverSettings,
    jsonRequest('POST', body)
  );
}

/** `PATCH /spaces/{name}`: change a space's description or sharing. */
export function updateSpace(
  name: string,
  patch: ISpacePatch,
  serverSettings?: ServerConnection.ISettings
): Promise<ISpace> {
  return requestChecked(
    `spaces/${pathSegment(name)}`,
    validate.validateSpace,
    serverSettings,
    jsonRequest('PATCH', patch)
  );
}

/** `DELETE /spaces/{name}`: delete a space, confirmed by its name. */
export function deleteSpace(
  name: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  return requestDelete(`spaces/${pathSegment(name)}`, serverSettings, {
    confirm: name
  });
}

/** `GET /spaces/{name}/members`: the members of a space. */
export async function listMembers(
  name: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IMember[]> {
  const endpoint = `spaces/${pathSegment(name)}/members`;
  return requestItems(endpoint, validate.validateMember, serverSettings);
}

/** `PUT /spaces/{name}/members/{username}`: add a member or change a role. */
export function setMember(
  space: string,
  username: string,
  role: SpaceRole,
  serverSettings?: ServerConnection.ISettings
): Promise<IMember> {
  return requestChecked(
    `spaces/${pathSegment(space)}/members/${pathSegment(username)}`,
    validate.validateMember,
    serverSettings,
    jsonRequest('PUT', { role })
  );
}

/** `DELETE /spaces/{name}/members/{username}`: remove a member. */
export function removeMember(
  space: string,
  username: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  return requestDelete(
    `spaces/${pathSegment(space)}/members/${pathSegment(username)}`,
    serverSettings
  );
}

/** `GET /users`: the user profiles of the domain. */
export async function listUsers(
  serverSettings?: ServerConnection.ISettings
): Promise<IUser[]> {
  return requestItems('users', validate.validateUser, serverSettings);
}
