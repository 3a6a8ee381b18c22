/**
 * Document history: the validators, the REST layer and the model of a
 * document's version history.
 */
import {
  canEditHistory,
  formatSize,
  getVersion,
  HistoryModel,
  listVersions,
  reasonText,
  restoreVersion,
  saveVersion,
  validateHistory,
  validateVersion,
  validateVersionContent
} from '../collab/history';
import type { IMe, ISpace } from '../api';
import { failed, makeSpace, ME, unexpected } from './fakeserver';
import {
  historyModels,
  historyServer,
  HISTORY_SPACES,
  NOTEBOOK,
  version,
  VERSIONS
} from './historyfakes';

/** A deep copy of a JSON fixture (validators normalize in place). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('history answers', () => {
  it('accepts a version, defaulting a missing label and size to null', () => {
    const { label: _, size: __, ...bare } = version(1);
    const checked = validateVersion(copy(bare));
    expect(checked.label).toBeNull();
    expect(checked.size).toBeNull();
    expect(validateVersion(copy(version(2, { label: 'x' }))).label).toBe('x');
  });

  it('refuses a malformed version, naming the property', () => {
    expect(() => validateVersion(copy(version(1, { version: '1' })))).toThrow(
      /version/
    );
    expect(() => validateVersion(copy(version(1, { author: 3 })))).toThrow(
      /author/
    );
    expect(() => validateVersion(copy(version(1, { size: 1.5 })))).toThrow(
      /size/
    );
    expect(() => validateVersion(null)).toThrow(/not an object/);
  });

  it('accepts a history and names the item that is malformed', () => {
    expect(
      validateHistory(copy({ path: NOTEBOOK, items: VERSIONS })).items
    ).toHaveLength(3);
    expect(() =>
      validateHistory({ path: NOTEBOOK, items: [version(1), { version: 2 }] })
    ).toThrow(/^items\[1\]: /);
    expect(() => validateHistory({ path: NOTEBOOK })).toThrow(/items/);
  });

  it('needs the content of a version to show it', () => {
    expect(
      validateVersionContent(copy({ ...version(1), content: 'text' })).content
    ).toBe('text');
    expect(() => validateVersionContent(copy(version(1)))).toThrow(/content/);
  });
});

describe('history REST layer', () => {
  it('lists the versions of a document, its path in the query', async () => {
    const server = historyServer();
    const history = await listVersions(NOTEBOOK, server.serverSettings);
    expect(history.items.map(item => item.version)).toEqual([3, 2, 1]);
    const [request] = server.calls('GET', 'collab/history');
    expect(request.query.get('path')).toBe(NOTEBOOK);
  });

  it('gets a version with its content', async () => {
    const server = historyServer();
    const entry = await getVersion(NOTEBOOK, 2, server.serverSettings);
    expect(entry.label).toBe('before tuning');
    expect(entry.size).toBeNull();
    expect((entry.content as any).cells[0].source).toBe("print('version two')");
    expect(server.calls('GET', 'collab/history/2')[0].query.get('path')).toBe(
      NOTEBOOK
    );
  });

  it('saves a version with a trimmed label, or none', async () => {
    const server = historyServer();
    server.on('POST', 'collab/history', 201, version(4));
    await saveVersion(NOTEBOOK, '  ready for review ', server.serverSettings);
    await saveVersion(NOTEBOOK, '   ', server.serverSettings);
    await saveVersion(NOTEBOOK, undefined, server.serverSettings);
    const calls = server.calls('POST', 'collab/history');
    expect(calls.map(call => call.body)).toEqual([
      { label: 'ready for review' },
      {},
      {}
    ]);
    expect(calls[0].query.get('path')).toBe(NOTEBOOK);
    expect(calls[0].contentType).toBe('application/json');
  });

  it('restores a version', async () => {
    const server = historyServer();
    server.on('POST', 'collab/history/2/restore', 200, {
      path: NOTEBOOK,
      restored: 2
    });
    const answer = await restoreVersion(NOTEBOOK, 2, server.serverSettings);
    expect(answer).toEqual({ path: NOTEBOOK, restored: 2 });
    expect(
      server.calls('POST', 'collab/history/2/restore')[0].query.get('path')
    ).toBe(NOTEBOOK);
  });

  it("reports the server's refusal with its reason", async () => {
    const server = historyServer();
    server.on('POST', 'collab/history/2/restore', 403, {
      message: 'saving or restoring a version needs the editor role',
      reason: 'forbidden'
    });
    const error = failed(
      await restoreVersion(NOTEBOOK, 2, server.serverSettings).then(
        unexpected,
        e => e
      )
    );
    expect(error.status).toBe(403);
    expect(error.reason).toBe('forbidden');
    expect(error.message).toBe(
      'saving or restoring a version needs the editor role'
    );
  });

  it('reports a malformed answer', async () => {
    const server = historyServer();
    server.on('GET', 'collab/history', 200, { path: NOTEBOOK, items: [{}] });
    const error = failed(
      await listVersions(NOTEBOOK, server.serverSettings).then(
        unexpected,
        e => e
      )
    );
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toMatch(/items\[0\]/);
  });
});

describe('canEditHistory', () => {
  const spaces = HISTORY_SPACES as unknown as ISpace[];
  const me: IMe = ME;

  it('lets the owners and editors of the space save and restore', () => {
    expect(canEditHistory('spaces/team/a.ipynb', spaces, me)).toBe(true);
    expect(canEditHistory('spaces/work/a.ipynb', spaces, me)).toBe(true);
  });

  it('keeps viewers, non-members and unknown users to viewing', () => {
    expect(canEditHistory('spaces/lab/a.ipynb', spaces, me)).toBe(false);
    expect(canEditHistory('spaces/gone/a.ipynb', spaces, me)).toBe(false);
    expect(canEditHistory('spaces/team/a.ipynb', spaces, null)).toBe(false);
  });

  it('lets an admin edit any space, but nothing outside spaces', () => {
    const admin = { ...me, is_admin: true };
    const other = [makeSpace('x', { role: null })] as unknown as ISpace[];
    expect(canEditHistory('spaces/x/a.ipynb', other, admin)).toBe(true);
    expect(canEditHistory('notes/a.ipynb', other, admin)).toBe(false);
  });
});

describe('history text', () => {
  it('says why a version was kept', () => {
    expect(reasonText('out-of-band')).toBe('Kept before a change on disk');
    expect(reasonText('before-restore')).toBe('Kept before a restore');
    expect(reasonText('before-recovery')).toBe(
      'Kept before unsaved edits were recovered'
    );
    expect(reasonText('saved')).toBe('Saved');
    expect(reasonText('checkpoint')).toBe('Checkpoint');
    expect(reasonText('something-new')).toBe('something-new');
  });

  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatSize(null)).toBe('–');
  });
});

describe('HistoryModel', () => {
  let models: HistoryModel[] = [];
  afterEach(() => {
    models.forEach(model => {
      model.studio.dispose();
      model.dispose();
    });
    models = [];
  });
  const load = async (...args: Parameters<typeof historyModels>) => {
    const loaded = await historyModels(...args);
    models.push(loaded.model);
    return loaded;
  };

  it('loads the versions, newest first', async () => {
    const { model } = await load(historyServer());
    expect(model.error).toBeNull();
    expect(model.versions.map(item => item.version)).toEqual([3, 2, 1]);
    expect(model.path).toBe(NOTEBOOK);
  });

  it('says whether the user may save and restore, by their role', async () => {
    const server = historyServer();
    expect((await load(server)).model.canEdit).toBe(true);
    expect((await load(server, 'spaces/lab/a.ipynb')).model.canEdit).toBe(
      false
    );
  });

  it('follows a role change of the studio model', async () => {
    const server = historyServer();
    const { studio, model } = await load(server, 'spaces/lab/a.ipynb');
    let changes = 0;
    model.changed.connect(() => changes++);
    server.on('GET', 'spaces', 200, {
      items: [makeSpace('lab', { sharing: 'shared', role: 'editor' })],
      next: null
    });
    await studio.refresh();
    expect(model.canEdit).toBe(true);
    expect(changes).toBeGreaterThan(0);
  });

  it('saves a version, says so and lists it', async () => {
    const server = historyServer();
    const { model } = await load(server);
    const saved = version(4, { label: 'ready' });
    server.on('POST', 'collab/history', 201, saved);
    server.on('GET', 'collab/history', 200, {
      path: NOTEBOOK,
      items: [saved, ...VERSIONS]
    });
    const entry = await model.save('ready');
    expect(entry.version).toBe(4);
    expect(model.status).toBe('Version 4 saved: ready');
    expect(model.versions[0].version).toBe(4);
    expect(server.calls('POST', 'collab/history')[0].body).toEqual({
      label: 'ready'
    });
  });

  it('restores a version and says what happened', async () => {
    const server = historyServer();
    const { model } = await load(server);
    server.on('POST', 'collab/history/2/restore', 200, {
      path: NOTEBOOK,
      restored: 2
    });
    await model.restore(2);
    expect(model.status).toMatch(/^Version 2 restored: spaces\/team/);
    // the list is loaded again (the server kept what the restore replaced)
    expect(server.calls('GET', 'collab/history').length).toBeGreaterThan(1);
  });

  it('rejects a refused action and keeps the versions', async () => {
    const server = historyServer();
    const { model } = await load(server);
    server.on('POST', 'collab/history', 403, {
      message: 'saving or restoring a version needs the editor role',
      reason: 'forbidden'
    });
    const error = failed(await model.save().then(unexpected, e => e));
    expect(error.status).toBe(403);
    expect(model.versions).toHaveLength(3);
    expect(model.status).toBeNull();
  });

  it('keeps the error of a failed refresh', async () => {
    const server = historyServer();
    server.on('GET', 'collab/history', 404, {
      message: "no document 'spaces/team/x.ipynb' in your spaces",
      reason: 'no-document'
    });
    const { model } = await load(server, 'spaces/team/x.ipynb');
    expect(model.error?.reason).toBe('no-document');
    expect(model.versions).toEqual([]);
  });
});
