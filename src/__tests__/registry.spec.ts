import { StudioAPIError } from '../api';
import {
  createGroup,
  deleteAlias,
  getAudit,
  getVersion,
  listGroups,
  listVersions,
  setAlias,
  setVersionStatus
} from '../registry/api';
import { notebookPath, RegistryModel } from '../registry/model';
import { failed, FakeServer, unexpected } from './fakeserver';
import {
  makeAudit,
  makeGroup,
  makeVersion,
  REGISTRY_ME,
  registryServer
} from './registryfakes';

describe('registry API', () => {
  it('listGroups returns validated groups', async () => {
    const server = registryServer();
    const groups = await listGroups(server.serverSettings);
    expect(groups.map(g => g.name)).toEqual(['fraud', 'churn']);
    expect(groups[1].aliases).toEqual({ production: 2 });
    expect(groups[0].latest_version).toBeNull();
  });

  it('normalizes missing optional group fields', async () => {
    const server = new FakeServer().on('GET', 'registry/groups', 200, {
      items: [{ name: 'bare', latest_version: 1 }]
    });
    const [group] = await listGroups(server.serverSettings);
    expect(group.description).toBe('');
    expect(group.aliases).toEqual({});
    expect(group.rules).toEqual([]);
  });

  it('rejects a malformed version with the property it names', async () => {
    const server = new FakeServer().on(
      'GET',
      'registry/groups/churn/versions',
      200,
      { items: [makeVersion('churn', 1, { status: 'Archived' })], next: null }
    );
    const error = await listVersions('churn', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toMatch(/items\[0\].*status/);
  });

  it('rejects a non-numeric metric', async () => {
    const server = new FakeServer().on(
      'GET',
      'registry/groups/churn/versions/1',
      200,
      makeVersion('churn', 1, { metrics: { accuracy: 'high' } })
    );
    const error = await getVersion('churn', 1, server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.message).toMatch(/metrics\.accuracy/);
  });

  it('listVersions follows the next cursor', async () => {
    const server = new FakeServer();
    let calls = 0;
    server.routes['GET registry/groups/churn/versions'] = () => {
      calls++;
      return calls === 1
        ? {
            status: 200,
            body: { items: [makeVersion('churn', 2)], next: 'o1' }
          }
        : {
            status: 200,
            body: { items: [makeVersion('churn', 1)], next: null }
          };
    };
    const versions = await listVersions('churn', server.serverSettings);
    expect(versions.map(v => v.version)).toEqual([2, 1]);
    expect(calls).toBe(2);
  });

  it('encodes path segments', async () => {
    const server = new FakeServer().on(
      'GET',
      'registry/groups/churn/versions/my%20alias',
      200,
      makeVersion('churn', 2)
    );
    const version = await getVersion(
      'churn',
      'my alias',
      server.serverSettings
    );
    expect(version.version).toBe(2);
  });

  it('createGroup posts the name and description', async () => {
    const server = new FakeServer().on(
      'POST',
      'registry/groups',
      201,
      makeGroup('churn')
    );
    await createGroup(
      { name: 'churn', description: 'Churn' },
      server.serverSettings
    );
    const [request] = server.calls('POST', 'registry/groups');
    expect(request.body).toEqual({ name: 'churn', description: 'Churn' });
    expect(request.contentType).toBe('application/json');
  });

  it('createGroup maps a conflict to a StudioAPIError', async () => {
    const server = new FakeServer().on('POST', 'registry/groups', 409, {
      message: "model group 'churn' exists",
      reason: 'group-exists'
    });
    const error = await createGroup(
      { name: 'churn' },
      server.serverSettings
    ).then(unexpected, failed);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(409);
    expect(error.reason).toBe('group-exists');
  });

  it('setVersionStatus posts {status, comment}', async () => {
    const server = new FakeServer().on(
      'POST',
      'registry/groups/churn/versions/3/status',
      200,
      makeVersion('churn', 3, { status: 'Approved', status_comment: 'ok' })
    );
    const version = await setVersionStatus(
      'churn',
      3,
      'Approved',
      'ok',
      server.serverSettings
    );
    expect(version.status).toBe('Approved');
    expect(
      server.calls('POST', 'registry/groups/churn/versions/3/status')[0].body
    ).toEqual({ status: 'Approved', comment: 'ok' });
  });

  it('setVersionStatus surfaces the four-eyes refusal', async () => {
    const server = new FakeServer().on(
      'POST',
      'registry/groups/churn/versions/3/status',
      403,
      {
        message: 'the registrant cannot approve their own version',
        reason: 'four-eyes'
      }
    );
    const error = await setVersionStatus(
      'churn',
      3,
      'Approved',
      'mine',
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.status).toBe(403);
    expect(error.reason).toBe('four-eyes');
    expect(error.message).toMatch(/cannot approve/);
  });

  it('getAudit returns the entries', async () => {
    const server = registryServer();
    const entries = await getAudit('churn', 2, server.serverSettings);
    expect(entries.map(e => e.to_status)).toEqual([
      'PendingManualApproval',
      'Approved'
    ]);
  });

  it('setAlias puts the version and deleteAlias deletes', async () => {
    const server = new FakeServer()
      .on(
        'PUT',
        'registry/groups/churn/aliases/production',
        200,
        makeVersion('churn', 3, { aliases: ['production'] })
      )
      .on('DELETE', 'registry/groups/churn/aliases/production', 204);
    const version = await setAlias(
      'churn',
      'production',
      3,
      server.serverSettings
    );
    expect(version.aliases).toEqual(['production']);
    expect(
      server.calls('PUT', 'registry/groups/churn/aliases/production')[0].body
    ).toEqual({ version: 3 });
    await expect(
      deleteAlias('churn', 'production', server.serverSettings)
    ).resolves.toBeUndefined();
  });
});

describe('notebookPath', () => {
  it('resolves a notebook relative to its space', () => {
    expect(notebookPath({ space: 'team', notebook: 'train.ipynb' })).toBe(
      'spaces/team/train.ipynb'
    );
    expect(
      notebookPath({ space: 'team', notebook: 'spaces/team/a/train.ipynb' })
    ).toBe('spaces/team/a/train.ipynb');
    expect(notebookPath({ notebook: '/work/train.ipynb' })).toBe(
      'work/train.ipynb'
    );
    expect(notebookPath({ space: 'team' })).toBeNull();
  });
});

describe('RegistryModel', () => {
  let model: RegistryModel | null = null;

  afterEach(() => {
    model?.dispose();
    model = null;
  });

  it('loads the user and the groups sorted by name', async () => {
    const server = registryServer();
    model = new RegistryModel({ serverSettings: server.serverSettings });
    expect(model.isReady).toBe(false);
    await model.ready;
    expect(model.isReady).toBe(true);
    expect(model.error).toBeNull();
    expect(model.groups.map(g => g.name)).toEqual(['churn', 'fraud']);
    expect(model.can('registry:approve')).toBe(true);
    expect(model.can('registry:override')).toBe(false);
    expect(model.versions).toBeNull();
  });

  it('filters groups by name', async () => {
    const server = registryServer();
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    let changes = 0;
    model.changed.connect(() => changes++);
    model.filter = 'FRA';
    expect(changes).toBe(1);
    expect(model.filteredGroups.map(g => g.name)).toEqual(['fraud']);
    model.filter = '';
    expect(model.filteredGroups).toHaveLength(2);
  });

  it('loads the versions of the selected group and its metrics', async () => {
    const server = registryServer();
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    await model.selectGroup('churn');
    expect(model.group?.name).toBe('churn');
    expect(model.versions?.map(v => v.version)).toEqual([3, 2, 1]);
    expect(model.metricNames).toEqual(['accuracy', 'loss']);
    expect(model.metric).toBe('accuracy');
    model.metric = 'loss';
    expect(model.metric).toBe('loss');
    model.metric = 'unknown';
    expect(model.metric).toBe('accuracy');
  });

  it('loads the audit trail of the selected version', async () => {
    const server = registryServer();
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    await model.selectGroup('churn');
    await model.selectVersion(2);
    expect(model.version?.version).toBe(2);
    expect(model.audit?.map(e => e.actor)).toEqual(['alice', 'maria']);
    // Another group clears the version selection.
    await model.selectGroup('fraud');
    expect(model.selectedVersion).toBeNull();
    expect(model.versions).toEqual([]);
    expect(model.audit).toBeNull();
  });

  it('picks up new versions on refresh', async () => {
    const server = registryServer();
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    await model.selectGroup('fraud');
    server.on('GET', 'registry/groups/fraud/versions', 200, {
      items: [makeVersion('fraud', 1)],
      next: null
    });
    await model.refresh();
    expect(model.versions?.map(v => v.version)).toEqual([1]);
  });

  it('keeps a refresh error and clears it when the server answers', async () => {
    const server = registryServer().on('GET', 'registry/groups', 500, {
      message: 'Database is locked',
      reason: 'internal-error'
    });
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.error).toBeInstanceOf(StudioAPIError);
    expect(model.error?.reason).toBe('internal-error');
    server.on('GET', 'registry/groups', 200, {
      items: [makeGroup('churn')],
      next: null
    });
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.groups.map(g => g.name)).toEqual(['churn']);
  });

  it('setStatus posts and updates the version and audit', async () => {
    const server = registryServer().on(
      'POST',
      'registry/groups/churn/versions/3/status',
      200,
      makeVersion('churn', 3, { status: 'Rejected', status_comment: 'no' })
    );
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    await model.selectGroup('churn');
    await model.selectVersion(3);
    server.on('GET', 'registry/groups/churn/versions/3/audit', 200, {
      items: [
        makeAudit(3),
        makeAudit(3, { id: 2, to_status: 'Rejected', comment: 'no' })
      ],
      next: null
    });
    const updated = await model.setStatus(3, 'Rejected', 'no');
    expect(updated.status).toBe('Rejected');
    expect(
      server.calls('POST', 'registry/groups/churn/versions/3/status')[0].body
    ).toEqual({ status: 'Rejected', comment: 'no' });
    expect(model.audit).toHaveLength(2);
  });

  it('setAlias moves the alias off the version that had it', async () => {
    const server = registryServer().on(
      'PUT',
      'registry/groups/churn/aliases/production',
      200,
      makeVersion('churn', 3, { aliases: ['production'] })
    );
    // The listing keeps the old alias placement: the answer must win at once.
    model = new RegistryModel({
      serverSettings: server.serverSettings,
      standby: 'never'
    });
    await model.ready;
    await model.selectGroup('churn');
    const changed = new Promise<void>(resolve => {
      const slot = () => {
        model?.changed.disconnect(slot);
        resolve();
      };
      model?.changed.connect(slot);
    });
    const setting = model.setAlias('production', 3);
    await changed;
    const aliases = model.versions?.map(v => [v.version, v.aliases]);
    expect(aliases).toEqual([
      [3, ['production']],
      [2, []],
      [1, []]
    ]);
    await setting;
  });

  it('createGroup adds and selects the group', async () => {
    const server = registryServer().on(
      'POST',
      'registry/groups',
      201,
      makeGroup('vision', { latest_version: null })
    );
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    server.on('GET', 'registry/groups/vision/versions', 200, {
      items: [],
      next: null
    });
    await model.createGroup({ name: 'vision', description: 'Images' });
    expect(model.selectedGroup).toBe('vision');
    expect(server.calls('POST', 'registry/groups')[0].body).toEqual({
      name: 'vision',
      description: 'Images'
    });
  });

  it('reads the permissions of the signed-in user', async () => {
    const server = registryServer({
      ...REGISTRY_ME,
      permissions: ['registry:read']
    });
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.can('registry:groups')).toBe(false);
    expect(model.can('registry:approve')).toBe(false);
  });

  it('stops polling when disposed', async () => {
    const server = registryServer();
    model = new RegistryModel({
      serverSettings: server.serverSettings,
      refreshInterval: 20
    });
    await model.ready;
    model.dispose();
    const count = server.requests.length;
    await new Promise(resolve => setTimeout(resolve, 80));
    expect(server.requests.length).toBe(count);
    expect(model.isDisposed).toBe(true);
  });
});
