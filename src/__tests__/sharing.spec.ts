import {
  copySharedNotebook,
  createLink,
  createSnapshot,
  getSharingSettings,
  getSnapshotNotebook,
  listLinkOpens,
  listSnapshots,
  openSharedLink,
  revokeLink,
  updateLink
} from '../sharing/api';
import { extendedExpiryDays, SnapshotsModel } from '../sharing/model';
import { shareTokenOf, withoutShareToken } from '../sharing/url';
import {
  validateLink,
  validateSharingSettings,
  validateSnapshot,
  validateSnapshotNotebook
} from '../sharing/validate';
import { failed, FakeServer, unexpected } from './fakeserver';
import {
  DOMAIN,
  makeLink,
  makeShared,
  makeSnapshot,
  sharingServer,
  TOKEN
} from './sharingfakes';

const DAY = 24 * 60 * 60 * 1000;

describe('sharing API', () => {
  it('lists my snapshots and those shared with me by scope', async () => {
    const server = sharingServer();
    const mine = await listSnapshots('mine', server.serverSettings);
    const shared = await listSnapshots('shared', server.serverSettings);
    expect(mine.map(s => s.id)).toEqual(['aaaaaaaaaaaaaaaa']);
    expect(shared.map(s => s.author)).toEqual(['carol']);
    expect(
      server.calls('GET', 'snapshots').map(r => r.query.get('scope'))
    ).toEqual(['mine', 'shared']);
  });

  it('creates a snapshot, then a link, with the bodies given', async () => {
    const server = new FakeServer()
      .on('POST', 'snapshots', 201, makeSnapshot('aaaaaaaaaaaaaaaa'))
      .on('POST', 'snapshots/aaaaaaaaaaaaaaaa/links', 201, {
        ...makeLink('l2'),
        token: TOKEN,
        url: `http://localhost/mlops-studio/share/${TOKEN}`
      });
    const snapshot = await createSnapshot(
      {
        path: 'spaces/team/churn.ipynb',
        title: 'Churn',
        include_outputs: true
      },
      server.serverSettings
    );
    const link = await createLink(
      snapshot.id,
      { audience: 'users', users: ['bob'], expires_in_days: 3, label: 'x' },
      server.serverSettings
    );
    expect(link.token).toBe(TOKEN);
    expect(link.url).toContain('/mlops-studio/share/');
    expect(server.calls('POST', 'snapshots')[0].body).toEqual({
      path: 'spaces/team/churn.ipynb',
      title: 'Churn',
      include_outputs: true
    });
    const linkCall = server.calls('POST', 'snapshots/aaaaaaaaaaaaaaaa/links');
    expect(linkCall[0].body).toEqual({
      audience: 'users',
      users: ['bob'],
      expires_in_days: 3,
      label: 'x'
    });
    expect(linkCall[0].contentType).toBe('application/json');
  });

  it('refuses a created link answered without its token', async () => {
    const server = new FakeServer().on(
      'POST',
      'snapshots/aaaaaaaaaaaaaaaa/links',
      201,
      makeLink('l2')
    );
    const error = await createLink(
      'aaaaaaaaaaaaaaaa',
      { audience: 'domain' },
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toContain("'token'");
  });

  it('revokes with DELETE, extends with PATCH and lists opens', async () => {
    const server = new FakeServer()
      .on('DELETE', 'links/l1', 200, makeLink('l1', { state: 'revoked' }))
      .on('PATCH', 'links/l1', 200, makeLink('l1'))
      .on('GET', 'links/l1/opens', 200, {
        items: [{ username: 'bob', at: '2026-03-02T00:00:00+00:00' }],
        next: null
      });
    expect((await revokeLink('l1', server.serverSettings)).state).toBe(
      'revoked'
    );
    await updateLink('l1', { expires_in_days: 10 }, server.serverSettings);
    expect(server.calls('PATCH', 'links/l1')[0].body).toEqual({
      expires_in_days: 10
    });
    const opens = await listLinkOpens('l1', server.serverSettings);
    expect(opens).toEqual([
      { username: 'bob', at: '2026-03-02T00:00:00+00:00' }
    ]);
  });

  it('opens a share link and copies it, token in the path', async () => {
    const server = new FakeServer()
      .on('GET', `shared/${TOKEN}`, 200, makeShared())
      .on('POST', `shared/${TOKEN}/copy`, 201, {
        space: 'bob-private',
        path: 'spaces/bob-private/churn.ipynb',
        snapshot: 'aaaaaaaaaaaaaaaa'
      });
    const shared = await openSharedLink(TOKEN, server.serverSettings);
    expect(shared.snapshot.link?.created_by).toBe('alice');
    expect(shared.snapshot.newer).toBeNull();
    expect(shared.notebook.cells).toHaveLength(2);
    const copy = await copySharedNotebook(
      TOKEN,
      { space: 'bob-private', name: 'churn.ipynb' },
      server.serverSettings
    );
    expect(copy.path).toBe('spaces/bob-private/churn.ipynb');
    expect(server.calls('POST', `shared/${TOKEN}/copy`)[0].body).toEqual({
      space: 'bob-private',
      name: 'churn.ipynb'
    });
  });

  it('turns a revoked link into a StudioAPIError with status 410', async () => {
    const server = new FakeServer().on('GET', `shared/${TOKEN}`, 410, {
      message: 'this share link was revoked by its owner',
      reason: 'link-revoked'
    });
    const error = await openSharedLink(TOKEN, server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.status).toBe(410);
    expect(error.reason).toBe('link-revoked');
    expect(error.message).toBe('this share link was revoked by its owner');
  });

  it('reads a snapshot by id with its notebook', async () => {
    const server = new FakeServer().on(
      'GET',
      'snapshots/aaaaaaaaaaaaaaaa/notebook',
      200,
      makeShared({ link: undefined })
    );
    const shared = await getSnapshotNotebook(
      'aaaaaaaaaaaaaaaa',
      server.serverSettings
    );
    expect(shared.snapshot.link).toBeNull();
  });

  it('reads the sharing settings of the domain', async () => {
    const server = new FakeServer().on('GET', 'domain', 200, DOMAIN);
    expect(await getSharingSettings(server.serverSettings)).toEqual(
      DOMAIN.settings
    );
  });
});

describe('sharing validators', () => {
  it('normalizes a snapshot without optional details', () => {
    const snapshot = validateSnapshot(
      makeSnapshot('a', {
        description: undefined,
        git: undefined,
        include_outputs: undefined,
        kernelspec: null
      })
    );
    expect(snapshot.description).toBe('');
    expect(snapshot.git).toBeNull();
    expect(snapshot.include_outputs).toBe(false);
    expect(snapshot.kernelspec).toEqual({});
  });

  it('names what is wrong in a snapshot', () => {
    expect(() => validateSnapshot(makeSnapshot('a', { version: '1' }))).toThrow(
      /version/
    );
    expect(() =>
      validateSnapshot(makeSnapshot('a', { git: { branch: 'main' } }))
    ).toThrow(/commit/);
    expect(() =>
      validateSnapshot(makeSnapshot('a', { lineage: [{ id: 'a' }] }))
    ).toThrow(/version/);
  });

  it('checks the state and the audience of a link', () => {
    expect(validateLink(makeLink('l', { label: undefined })).label).toBe('');
    expect(() => validateLink(makeLink('l', { state: 'paused' }))).toThrow(
      /state/
    );
    expect(() => validateLink(makeLink('l', { audience: 'world' }))).toThrow(
      /audience/
    );
    expect(() => validateLink(makeLink('l', { opens: 1.5 }))).toThrow(/opens/);
  });

  it('requires a notebook with a list of typed cells', () => {
    const shared = makeShared();
    expect(validateSnapshotNotebook(shared).snapshot.newer).toBeNull();
    expect(() =>
      validateSnapshotNotebook({ ...shared, notebook: { cells: {} } })
    ).toThrow(/notebook\.cells/);
    expect(() =>
      validateSnapshotNotebook({ ...shared, notebook: { cells: [{}] } })
    ).toThrow(/cell_type/);
    expect(() =>
      validateSnapshotNotebook({
        ...shared,
        snapshot: { ...(shared.snapshot as object), newer: { id: 'x' } }
      })
    ).toThrow(/version/);
  });

  it('defaults sharing settings a domain does not set', () => {
    expect(validateSharingSettings({ settings: {} })).toEqual({
      snapshots_allow_outputs: true,
      share_link_default_expiry_days: null,
      share_link_max_expiry_days: null
    });
    expect(() => validateSharingSettings({})).toThrow(/settings/);
  });
});

describe('extendedExpiryDays', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');

  it('adds the days to what is left of a live link', () => {
    const link = { expires_at: new Date(now + 2.5 * DAY).toISOString() };
    expect(extendedExpiryDays(link, 7, now)).toBe(10);
  });

  it('counts from now for an expired link, and not at all for none', () => {
    const link = { expires_at: new Date(now - 3 * DAY).toISOString() };
    expect(extendedExpiryDays(link, 7, now)).toBe(7);
    expect(extendedExpiryDays({ expires_at: null }, 7, now)).toBeNull();
  });
});

describe('share token in the URL', () => {
  it('is read and removed, keeping the other parameters', () => {
    const href = `http://host/base/lab?reset&mlops-share=${TOKEN}#x`;
    expect(shareTokenOf(href)).toBe(TOKEN);
    expect(shareTokenOf('http://host/base/lab')).toBeNull();
    const cleaned = withoutShareToken(href);
    expect(cleaned).not.toContain('mlops-share');
    expect(cleaned).toContain('reset');
    expect(cleaned.endsWith('#x')).toBe(true);
  });
});

describe('SnapshotsModel', () => {
  let server: FakeServer;
  let model: SnapshotsModel;

  beforeEach(async () => {
    server = sharingServer();
    model = new SnapshotsModel({ serverSettings: server.serverSettings });
    await model.ready;
  });

  afterEach(() => model.dispose());

  it('loads my snapshots and those shared with me, without links', () => {
    expect(model.error).toBeNull();
    expect(model.mine.map(s => s.id)).toEqual(['aaaaaaaaaaaaaaaa']);
    expect(model.shared.map(s => s.id)).toEqual(['bbbbbbbbbbbbbbbb']);
    expect(model.canShare).toBe(true);
    expect(model.isExpanded('aaaaaaaaaaaaaaaa')).toBe(false);
    expect(server.calls('GET', 'snapshots/aaaaaaaaaaaaaaaa/links')).toEqual([]);
  });

  it('loads the links of an expanded snapshot with every refresh', async () => {
    await model.toggleLinks('aaaaaaaaaaaaaaaa');
    expect(model.links('aaaaaaaaaaaaaaaa')?.map(l => l.id)).toEqual(['l1']);
    await model.refresh();
    expect(
      server.calls('GET', 'snapshots/aaaaaaaaaaaaaaaa/links')
    ).toHaveLength(2);
    await model.toggleLinks('aaaaaaaaaaaaaaaa');
    expect(model.links('aaaaaaaaaaaaaaaa')).toBeNull();
    await model.refresh();
    expect(
      server.calls('GET', 'snapshots/aaaaaaaaaaaaaaaa/links')
    ).toHaveLength(2);
  });

  it('shows a new snapshot at once and the links of a new link', async () => {
    server
      .on(
        'POST',
        'snapshots',
        201,
        makeSnapshot('cccccccccccccccc', { version: 2 })
      )
      .on('POST', 'snapshots/cccccccccccccccc/links', 201, {
        ...makeLink('l9', { snapshot: 'cccccccccccccccc' }),
        token: TOKEN,
        url: 'http://x/share'
      });
    const created = await model.createSnapshot({ path: 'spaces/team/c.ipynb' });
    expect(model.mine[0].id).toBe(created.id);
    await model.createLink(created.id, { audience: 'domain' });
    expect(model.isExpanded('cccccccccccccccc')).toBe(true);
  });

  it('replaces a revoked link in place', async () => {
    server.on(
      'DELETE',
      'links/l1',
      200,
      makeLink('l1', { state: 'revoked', revoked_at: '2026-03-02T00:00:00Z' })
    );
    await model.toggleLinks('aaaaaaaaaaaaaaaa');
    const [link] = model.links('aaaaaaaaaaaaaaaa')!;
    const changed = jest.fn();
    model.changed.connect(changed);
    const revoked = await model.revokeLink(link);
    expect(revoked.state).toBe('revoked');
    expect(model.links('aaaaaaaaaaaaaaaa')![0].state).toBe('revoked');
    expect(changed).toHaveBeenCalled();
  });

  it('extends a link by the days left plus the days asked', async () => {
    server.on('PATCH', 'links/l1', 200, makeLink('l1'));
    const expires = new Date(Date.now() + 1.5 * DAY).toISOString();
    await model.extendLink(
      validateLink(makeLink('l1', { expires_at: expires })),
      7
    );
    expect(server.calls('PATCH', 'links/l1')[0].body).toEqual({
      expires_in_days: 9
    });
  });

  it('keeps the error of a failed refresh', async () => {
    server.on('GET', 'snapshots', 500, { message: 'boom', reason: 'x' });
    await model.refresh().catch(() => undefined);
    expect(model.error?.status).toBe(500);
    expect(model.mine.map(s => s.id)).toEqual(['aaaaaaaaaaaaaaaa']);
  });
});
