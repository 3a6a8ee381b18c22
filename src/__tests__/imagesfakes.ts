/**
 * Image build fixtures for tests: builds, backends, log pages, a fake
 * server answering the image routes and a fake `EventSource`.
 */
import type { IEventSourceLike } from '../images/log';
import { FakeServer, ME } from './fakeserver';

export const IMAGES_ME = {
  ...ME,
  permissions: ['spaces:create', 'images:read', 'images:build']
};

export const BUILD_ID = 'a'.repeat(32);

export function makeBuild(
  id: string = BUILD_ID,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id,
    space: 'team',
    context: 'spaces/team/trainer',
    dockerfile: 'Dockerfile',
    repository: 'team/trainer',
    tag: 'latest',
    build_args: {},
    backend: 'codebuild',
    options: {},
    context_digest: 'sha256:abc',
    context_size: 2048,
    status: 'InProgress',
    phases: [{ name: 'PACKAGE', at: '2026-03-01T10:00:01+00:00' }],
    image_uri: null,
    external_id: null,
    cached_from: null,
    failure_reason: null,
    created_by: 'alice',
    created_at: '2026-03-01T10:00:00+00:00',
    started_at: '2026-03-01T10:00:01+00:00',
    ended_at: null,
    ...overrides
  };
}

export const BACKENDS = [
  {
    name: 'codebuild',
    available: true,
    problem: null,
    options: [
      'role',
      'bucket',
      'compute_type',
      'vpc_id',
      'subnets',
      'security_group_ids'
    ]
  },
  {
    name: 'docker',
    available: false,
    problem: 'no docker or podman engine answers',
    options: []
  }
];

/** A log line as the logs route answers it. */
export function logLine(
  seq: number,
  kind: string,
  text: string
): Record<string, unknown> {
  return { seq, at: '2026-03-01T10:00:02+00:00', kind, text };
}

/** A fake server answering /me, /spaces and the image routes. */
export function imagesServer(
  builds: Record<string, unknown>[] = [makeBuild()]
): FakeServer {
  return new FakeServer()
    .on('GET', 'me', 200, IMAGES_ME)
    .on('GET', 'spaces', 200, { items: [], next: null })
    .on('GET', 'images/backends', 200, { items: BACKENDS, next: null })
    .on('GET', 'images/builds', 200, { items: builds, next: null });
}

/** A fake `EventSource` the test pushes events into. */
export class FakeEventSource implements IEventSourceLike {
  constructor(readonly url: string) {}

  readyState = 1;
  closed = false;

  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    (this._listeners[type] ??= []).push(listener);
  }

  /** Deliver an event as the server would send it. */
  emit(type: string, data: unknown, id?: number): void {
    const event = new MessageEvent(type, {
      data: JSON.stringify(data),
      lastEventId: id === undefined ? '' : String(id)
    });
    for (const listener of this._listeners[type] ?? []) {
      listener(event);
    }
  }

  /** Fail the stream; `closed` when the browser gives up on it. */
  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    for (const listener of this._listeners.error ?? []) {
      listener(new MessageEvent('error'));
    }
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  private _listeners: Record<string, ((event: MessageEvent) => void)[]> = {};
}

/** A factory of fake event sources remembering each one opened. */
export function fakeEventSources(): {
  opened: FakeEventSource[];
  factory: (url: string) => FakeEventSource;
} {
  const opened: FakeEventSource[] = [];
  return {
    opened,
    factory: (url: string) => {
      const source = new FakeEventSource(url);
      opened.push(source);
      return source;
    }
  };
}

export const RUN_ID = 'f'.repeat(32);

export function makeRun(
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id: RUN_ID,
    kind: 'training',
    space: 'team',
    entry_point: 'spaces/team/src/train.py',
    source_dir: null,
    status: 'InProgress',
    exit_code: null,
    failure_reason: null,
    created_by: 'alice',
    created_at: '2026-03-01T10:00:00+00:00',
    ended_at: null,
    hyperparameters: { epochs: '3' },
    channels: {},
    max_runtime_seconds: 86400,
    register: null,
    model: null,
    output_key: null,
    registered: null,
    log_key: null,
    ...overrides
  };
}
