/**
 * Typed REST layer of image builds (`/mlops-studio/api/v1/images/...`).
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 400 `invalid-repository`, 409 `build-ended`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  API_PATH,
  jsonRequest,
  pathSegment,
  requestChecked,
  requestItems
} from '../api';
import * as validate from './validate';

/** The status of a build. */
export type BuildStatus =
  'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';

/** Every build status, in the order a build goes through them. */
export const BUILD_STATUSES: ReadonlyArray<BuildStatus> = [
  'Queued',
  'InProgress',
  'Succeeded',
  'Failed',
  'Stopped'
];

/** The statuses of a build that has not ended (it may be cancelled). */
export const ACTIVE_STATUSES: ReadonlyArray<BuildStatus> = [
  'Queued',
  'InProgress'
];

/** Which SageMaker container layout a Dockerfile is checked against. */
export type LayoutMode = 'training' | 'inference' | 'both';

/** Every layout mode. */
export const LAYOUT_MODES: ReadonlyArray<LayoutMode> = [
  'training',
  'inference',
  'both'
];

/** A build backend, from `GET /images/backends`. */
export interface IBuildBackend {
  name: string;
  /** Whether builds can run on it now. */
  available: boolean;
  /** Why it is not available, `null` when it is. */
  problem: string | null;
  /** The names of the per-build options it takes. */
  options: string[];
}

/** A phase a build went through. */
export interface IBuildPhase {
  name: string;
  at: string;
}

/** An image build. */
export interface IBuild {
  id: string;
  space: string;
  /** The context folder, from the server root (`spaces/<space>/...`). */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  repository: string;
  tag: string;
  build_args: Record<string, string>;
  backend: string;
  options: Record<string, unknown>;
  context_digest: string;
  context_size: number | null;
  status: BuildStatus;
  phases: IBuildPhase[];
  image_uri: string | null;
  external_id: string | null;
  /** The build whose image was reused, when served from the cache. */
  cached_from: string | null;
  failure_reason: string | null;
  created_by: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** The kind of a log line. */
export type LogKind = 'line' | 'phase' | 'status';

/** A numbered line of a build's log. */
export interface ILogLine {
  seq: number;
  at: string;
  kind: LogKind;
  text: string;
}

/** A page of a build's log, from `GET /images/builds/{id}/logs`. */
export interface ILogPage {
  build: string;
  status: BuildStatus;
  lines: ILogLine[];
  /** The line number to ask the next page after. */
  next: number;
  /** Whether the build has ended and every line was sent. */
  complete: boolean;
}

/** A finding of a layout check. */
export interface ILayoutFinding {
  level: 'error' | 'warning' | 'info';
  rule: string;
  message: string;
  /** The Dockerfile line concerned, `null` for the whole file. */
  line: number | null;
}

/** The answer of `POST /images/check`. */
export interface ILayoutCheck {
  mode: LayoutMode;
  ok: boolean;
  findings: ILayoutFinding[];
}

/** The options of a CodeBuild build. */
export interface ICodeBuildOptions {
  role?: string;
  bucket?: string;
  compute_type?: string;
  vpc_id?: string;
  subnets?: string[];
  security_group_ids?: string[];
}

/** The body of `POST /images/builds`. */
export interface INewBuild {
  /** The context folder from the server root, as the file browser gives it. */
  context: string;
  dockerfile?: string;
  repository: string;
  tag?: string;
  build_args?: Record<string, string>;
  backend?: string;
  options?: ICodeBuildOptions;
  rebuild?: boolean;
  layout?: LayoutMode;
}

/** The body of `POST /images/check`: a Dockerfile in a space, or its text. */
export type LayoutCheckRequest =
  | { dockerfile: string; mode: LayoutMode }
  | { content: string; mode: LayoutMode };

/** `GET /images/backends`: the configured backends. */
export async function listBackends(
  serverSettings?: ServerConnection.ISettings
): Promise<IBuildBackend[]> {
  return requestItems(
    'images/backends',
    validate.validateBackend,
    serverSettings
  );
}

/**
 * `POST /images/builds`: start a build. A build served from the cache is
 * answered `Succeeded` at once, with `cached_from` set.
 */
export function startBuild(
  build: INewBuild,
  serverSettings?: ServerConnection.ISettings
): Promise<IBuild> {
  return requestChecked(
    'images/builds',
    validate.validateBuild,
    serverSettings,
    jsonRequest('POST', build)
  );
}

/** `GET /images/builds[?space=]`: the builds of the user's spaces. */
export async function listBuilds(
  space?: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IBuild[]> {
  const query = space ? `?space=${encodeURIComponent(space)}` : '';
  return requestItems(
    `images/builds${query}`,
    validate.validateBuild,
    serverSettings
  );
}

/** `GET /images/builds/{id}`: one build. */
export function getBuild(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IBuild> {
  return requestChecked(
    `images/builds/${pathSegment(id)}`,
    validate.validateBuild,
    serverSettings
  );
}

/** `POST /images/builds/{id}/cancel`: stop a build (409 once it has ended). */
export function cancelBuild(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IBuild> {
  return requestChecked(
    `images/builds/${pathSegment(id)}/cancel`,
    validate.validateBuild,
    serverSettings,
    jsonRequest('POST')
  );
}

/** `GET /images/builds/{id}/logs?after=N`: the log lines after line `after`. */
export function getBuildLogs(
  id: string,
  after = 0,
  serverSettings?: ServerConnection.ISettings
): Promise<ILogPage> {
  return requestChecked(
    `images/builds/${pathSegment(id)}/logs?after=${after}`,
    validate.validateLogPage,
    serverSettings
  );
}

/** `POST /images/check`: check a Dockerfile against the SageMaker layout. */
export function checkLayout(
  request: LayoutCheckRequest,
  serverSettings?: ServerConnection.ISettings
): Promise<ILayoutCheck> {
  return requestChecked(
    'images/check',
    validate.validateLayoutCheck,
    serverSettings,
    jsonRequest('POST', request)
  );
}

/**
 * The URL of a build's server-sent event stream (`GET .../events?after=N`),
 * with the token when the settings append it (an `EventSource` sends no
 * headers, only the cookies). Without `after`, a reconnecting
 * `EventSource` resumes from its `Last-Event-ID` (the server prefers the
 * query's `after` over it).
 */
export function buildEventsURL(
  id: string,
  after = 0,
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): string {
  const url = URLExt.join(
    serverSettings.baseUrl,
    API_PATH,
    `images/builds/${pathSegment(id)}/events`
  );
  const query: Record<string, string> = {};
  if (after > 0) {
    query.after = String(after);
  }
  if (serverSettings.appendToken && serverSettings.token) {
    query.token = serverSettings.token;
  }
  return url + URLExt.objectToQueryString(query);
}
