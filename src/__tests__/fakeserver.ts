/**
 * A fake studio server for tests: a `fetch` answering from a route table,
 * handed to the code under test through `ServerConnection.makeSettings`.
 */
import { ServerConnection } from '@jupyterlab/services';

import { StudioAPIError } from '../api';

/** A request the fake server received. */
export interface IRecordedRequest {
  method: string;
  /** The path below the studio API, e.g. `spaces/a/members/bob`. */
  path: string;
  url: string;
  /** The query parameters, without ServerConnection's cache buster. */
  query: URLSearchParams;
  body: unknown;
  contentType: string | null;
}

/** What a route answers: a status and a JSON body (omitted for 204). */
export interface IFakeAnswer {
  status: number;
  body?: unknown;
  /** A raw text body, sent as is instead of `body`. */
  text?: string;
}

export type Route = (request: IRecordedRequest) => IFakeAnswer;

export const BASE_URL = 'http://localhost:8888/studio-base/';
const API_PREFIX = `${BASE_URL}mlops-studio/api/v1/`;

/** A fake server whose routes are `"<METHOD> <path>"` keys. */
export class FakeServer {
  routes: Record<string, Route> = {};
  requests: IRecordedRequest[] = [];
  /** When set, every request fails with this network error. */
  networkError: Error | null = null;

  readonly serverSettings: ServerConnection.ISettings =
    ServerConnection.makeSettings({
      baseUrl: BASE_URL,
      wsUrl: 'ws://localhost:8888/studio-base/',
      token: 'secret-token',
      appendToken: false,
      fetch: (input: RequestInfo, init?: RequestInit) =>
        this._fetch(new Request(input, init))
    });

  /** Answer `method path` with a fixed status and JSON body. */
  on(method: string, path: string, status: number, body?: unknown): this {
    this.routes[`${method} ${path}`] = () => ({ status, body });
    return this;
  }

  /** The requests made for `method path`. */
  calls(method: string, path: string): IRecordedRequest[] {
    return this.requests.filter(r => r.method === method && r.path === path);
  }

  private async _fetch(request: Request): Promise<Response> {
    if (this.networkError) {
      throw this.networkError;
    }
    const text = await request.text();
    // ServerConnection appends a cache buster (`?<timestamp>`): drop it.
    const [url, search = ''] = request.url.split('?');
    const query = new URLSearchParams(search);
    for (const key of Array.from(query.keys())) {
      if (/^\d+$/.test(key)) {
        query.delete(key);
      }
    }
    const path = url.startsWith(API_PREFIX)
      ? url.slice(API_PREFIX.length)
      : url;
    const recorded: IRecordedRequest = {
      method: request.method,
      path,
      url,
      query,
      body: text ? JSON.parse(text) : undefined,
      contentType: request.headers.get('Content-Type')
    };
    this.requests.push(recorded);
    const route = this.routes[`${request.method} ${path}`];
    if (!route) {
      return jsonResponse(404, {
        message: `No route ${request.method} ${path}`,
        reason: 'not-found'
      });
    }
    const answer = route(recorded);
    if (answer.text !== undefined) {
      return new Response(answer.text, {
        status: answer.status,
        statusText: 'Bad Gateway'
      });
    }
    if (answer.status === 204 || answer.body === undefined) {
      return new Response(null, { status: answer.status });
    }
    return jsonResponse(answer.status, answer.body);
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

export const ME = {
  username: 'alice',
  display_name: 'Alice Liddell',
  personas: ['data-scientist'],
  permissions: ['spaces:create'],
  is_admin: false
};

export function makeSpace(
  name: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    name,
    sharing: 'private',
    description: '',
    owner: 'alice',
    path: `spaces/${name}`,
    role: 'owner',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...overrides
  };
}

/** A fake server answering /me and /spaces. */
export function studioServer(
  spaces: Record<string, unknown>[] = []
): FakeServer {
  return new FakeServer()
    .on('GET', 'me', 200, ME)
    .on('GET', 'spaces', 200, { items: spaces, next: null });
}

/** A `then` callback failing a test when a promise resolves unexpectedly. */
export function unexpected(value: unknown): never {
  throw new Error(`Expected a rejection, got ${JSON.stringify(value)}`);
}

/** A `catch` callback checking that the rejection is a `StudioAPIError`. */
export function failed(error: unknown): StudioAPIError {
  expect(error).toBeInstanceOf(StudioAPIError);
  return error as StudioAPIError;
}
