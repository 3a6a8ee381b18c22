/**
 * The live log of one build: its lines as the server-sent event stream
 * delivers them, else (without `EventSource`, or when the stream cannot be
 * opened) as pages of the logs route polled until the build ends.
 */
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { asAPIError } from '../polling';
import type { StudioAPIError } from '../api';
import {
  ACTIVE_STATUSES,
  BUILD_STATUSES,
  BuildStatus,
  buildEventsURL,
  getBuildLogs,
  ILogLine,
  LogKind
} from './api';

/** What the log needs of an `EventSource` (a fake one in tests). */
export interface IEventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** Opens an event stream at a URL. */
export type EventSourceFactory = (url: string) => IEventSourceLike;

/** `EventSource.CLOSED`. */
const CLOSED = 2;

/** The milliseconds between two pages when polling the logs route. */
const POLL_INTERVAL = 1000;

/** The event stream of the browser, `null` where there is none (jsdom). */
export function defaultEventSource(): EventSourceFactory | null {
  return typeof EventSource === 'undefined'
    ? null
    : url => new EventSource(url, { withCredentials: true });
}

/**
 * The log of a build, followed until the build ends.
 *
 * `changed` is emitted for every batch of lines and when the status changes.
 * Lines are kept in order of their number; a line already seen (after a
 * reconnection) is dropped.
 */
export class BuildLog implements IDisposable {
  constructor(options: BuildLog.IOptions) {
    this.id = options.id;
    this._status = options.status ?? null;
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._pollInterval = options.pollInterval ?? POLL_INTERVAL;
    const factory =
      options.eventSource === undefined
        ? defaultEventSource()
        : options.eventSource;
    if (factory) {
      this._stream(factory);
    } else {
      void this._poll();
    }
  }

  /** The build id. */
  readonly id: string;

  /** The lines so far, in order. */
  get lines(): ReadonlyArray<ILogLine> {
    return this._lines;
  }

  /** The build's status as the log last said, `null` before it said any. */
  get status(): BuildStatus | null {
    return this._status;
  }

  /** Whether the build has ended and its whole log was received. */
  get complete(): boolean {
    return this._complete;
  }

  /** The error that stopped following the log, if any. */
  get error(): StudioAPIError | null {
    return this._error;
  }

  /** Emitted when lines arrive, the status changes or the log completes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Whether the log is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Stop following the log. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._source?.close();
    this._source = null;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private _stream(factory: EventSourceFactory): void {
    const source = factory(
      buildEventsURL(this.id, this._after, this._serverSettings)
    );
    this._source = source;
    const onLine = (kind: LogKind) => (event: MessageEvent) => {
      const data = parseData(event.data);
      const seq = Number(event.lastEventId);
      this._add([
        {
          seq: Number.isInteger(seq) && seq > 0 ? seq : this._after + 1,
          at: typeof data.at === 'string' ? data.at : '',
          kind,
          text: typeof data.text === 'string' ? data.text : ''
        }
      ]);
    };
    for (const kind of ['line', 'phase', 'status'] as LogKind[]) {
      source.addEventListener(kind, onLine(kind));
    }
    source.addEventListener('end', event => {
      source.close();
      const status = parseData(event.data).status;
      this._end(isStatus(status) ? status : this._status);
    });
    source.addEventListener('error', () => {
      // The browser reconnects by itself unless the stream was refused:
      // then the logs route is polled instead.
      if (source.readyState === CLOSED && !this._complete) {
        this._source = null;
        void this._poll();
      }
    });
  }

  private async _poll(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    try {
      const page = await getBuildLogs(
        this.id,
        this._after,
        this._serverSettings
      );
      if (this._isDisposed) {
        return;
      }
      this._add(page.lines);
      if (page.complete) {
        this._end(page.status);
        return;
      }
      if (page.status !== this._status) {
        this._status = page.status;
        this._changed.emit();
      }
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._error = asAPIError(error);
      this._changed.emit();
      if (this._error.status >= 400 && this._error.status < 500) {
        return; // the build is gone, or not ours: stop following it
      }
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this._poll();
    }, this._pollInterval);
  }

  private _add(lines: ReadonlyArray<ILogLine>): void {
    const fresh = lines.filter(line => line.seq > this._after);
    if (fresh.length === 0) {
      return;
    }
    for (const line of fresh) {
      if (line.kind === 'status' && isStatus(line.text)) {
        this._status = line.text;
      }
    }
    this._lines = [...this._lines, ...fresh];
    this._after = fresh[fresh.length - 1].seq;
    this._error = null;
    this._changed.emit();
  }

  private _end(status: BuildStatus | null): void {
    this._status = status;
    this._complete = true;
    this._changed.emit();
  }

  private _after = 0;
  private _changed = new Signal<this, void>(this);
  private _complete = false;
  private _error: StudioAPIError | null = null;
  private _isDisposed = false;
  private _lines: ILogLine[] = [];
  private _pollInterval: number;
  private _serverSettings: ServerConnection.ISettings;
  private _source: IEventSourceLike | null = null;
  private _status: BuildStatus | null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/** A namespace for `BuildLog` statics. */
export namespace BuildLog {
  /** The options of a build log. */
  export interface IOptions {
    id: string;
    /** The build's status when the log is opened. */
    status?: BuildStatus;
    serverSettings?: ServerConnection.ISettings;
    /**
     * Opens the event stream; the browser's `EventSource` by default, `null`
     * to poll the logs route instead.
     */
    eventSource?: EventSourceFactory | null;
    /** The milliseconds between pages when polling, 1 s by default. */
    pollInterval?: number;
  }
}

/** Whether a value is a build status. */
function isStatus(value: unknown): value is BuildStatus {
  return (
    typeof value === 'string' && BUILD_STATUSES.includes(value as BuildStatus)
  );
}

/** Whether a build with this status may still change (and be cancelled). */
export function isActive(status: BuildStatus | null): boolean {
  return status !== null && ACTIVE_STATUSES.includes(status);
}

/** The JSON data of an event, `{}` when it is not an object. */
function parseData(data: unknown): Record<string, unknown> {
  try {
    const value = JSON.parse(String(data));
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
