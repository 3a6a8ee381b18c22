/**
 * Document history fixtures for tests: versions, a fake server answering
 * /me, /spaces and the history of a notebook, and the models on it.
 */
import { HistoryModel } from '../collab/history';
import { StudioModel } from '../model';
import { FakeServer, makeSpace, ME } from './fakeserver';

/** The notebook of the fixtures, in the shared space `team`. */
export const NOTEBOOK = 'spaces/team/train.ipynb';

/** The spaces: alice owns `team`, views `lab`, edits `work`. */
export const HISTORY_SPACES = [
  makeSpace('team', { sharing: 'shared', role: 'owner' }),
  makeSpace('lab', { sharing: 'shared', role: 'viewer', owner: 'bob' }),
  makeSpace('work', { sharing: 'shared', role: 'editor', owner: 'bob' })
];

/** A version as the server lists it. */
export function version(
  number: number,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    version: number,
    path: NOTEBOOK,
    reason: 'saved',
    author: 'alice',
    label: null,
    at: `2024-05-0${number}T10:00:00+00:00`,
    size: 1000 * number,
    ...overrides
  };
}

/** A one-cell notebook. */
export function notebookContent(source: string): Record<string, unknown> {
  return {
    cells: [
      {
        cell_type: 'code',
        source,
        metadata: {},
        outputs: [],
        execution_count: null
      },
      { cell_type: 'markdown', source: '# Notes', metadata: {} }
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  };
}

/** The versions of the fixtures, newest first. */
export const VERSIONS = [
  version(3, { reason: 'out-of-band', author: null }),
  version(2, { reason: 'saved', label: 'before tuning', size: 2048 }),
  version(1, { reason: 'before-restore', author: 'bob', size: 512 })
];

/** A fake server: the studio's /me and /spaces, and three versions. */
export function historyServer(
  versions: Record<string, unknown>[] = VERSIONS
): FakeServer {
  return new FakeServer()
    .on('GET', 'me', 200, ME)
    .on('GET', 'spaces', 200, { items: HISTORY_SPACES, next: null })
    .on('GET', 'collab/history', 200, { path: NOTEBOOK, items: versions })
    .on('GET', 'collab/history/2', 200, {
      ...version(2, { label: 'before tuning' }),
      size: undefined,
      content: notebookContent("print('version two')")
    });
}

/** A studio model (loaded) and the history model of `path` on `server`. */
export async function historyModels(
  server: FakeServer,
  path = NOTEBOOK
): Promise<{ studio: StudioModel; model: HistoryModel }> {
  const { serverSettings } = server;
  const studio = new StudioModel({ serverSettings, refreshInterval: 60000 });
  await studio.ready;
  const model = new HistoryModel({
    path,
    studio,
    serverSettings,
    refreshInterval: 60000
  });
  await model.ready;
  return { studio, model };
}
