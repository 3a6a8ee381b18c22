import { StudioAPIError } from '../api';
import { MIN_REFRESH_INTERVAL, StudioModel } from '../model';
import { failed, makeSpace, ME, studioServer, unexpected } from './fakeserver';

/** Resolve when `model.changed` next emits. */
function nextChange(model: StudioModel): Promise<void> {
  return new Promise(resolve => {
    const slot = () => {
      model.changed.disconnect(slot);
      resolve();
    };
    model.changed.connect(slot);
  });
}

describe('StudioModel', () => {
  let model: StudioModel | null = null;

  afterEach(() => {
    model?.dispose();
    model = null;
  });

  it('resolves ready with the user and spaces loaded', async () => {
    const server = studioServer([
      makeSpace('b-shared', { sharing: 'shared', role: 'editor' }),
      makeSpace('a-private')
    ]);
    model = new StudioModel({ serverSettings: server.serverSettings });
    expect(model.isReady).toBe(false);
    await model.ready;
    expect(model.isReady).toBe(true);
    expect(model.me).toEqual(ME);
    expect(model.error).toBeNull();
    expect(model.spaces.map(s => s.name)).toEqual(['a-private', 'b-shared']);
    expect(model.privateSpaces.map(s => s.name)).toEqual(['a-private']);
    expect(model.sharedSpaces.map(s => s.name)).toEqual(['b-shared']);
  });

  it('emits changed after a refresh with the new spaces', async () => {
    const server = studioServer([makeSpace('a')]);
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    server.on('GET', 'spaces', 200, {
      items: [makeSpace('a'), makeSpace('b')],
      next: null
    });
    const changed = nextChange(model);
    await model.refresh();
    await changed;
    expect(model.spaces.map(s => s.name)).toEqual(['a', 'b']);
  });

  it('surfaces a refresh error as a StudioAPIError with its reason', async () => {
    const server = studioServer().on('GET', 'spaces', 500, {
      message: 'Database is locked',
      reason: 'internal-error'
    });
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.isReady).toBe(true);
    expect(model.error).toBeInstanceOf(StudioAPIError);
    expect(model.error?.status).toBe(500);
    expect(model.error?.reason).toBe('internal-error');
    expect(model.error?.message).toBe('Database is locked');

    // The error clears once the server answers again.
    server.on('GET', 'spaces', 200, { items: [], next: null });
    await model.refresh();
    expect(model.error).toBeNull();
  });

  it('createSpace posts the right body and adds the space', async () => {
    const server = studioServer();
    const created = makeSpace('team-a', {
      sharing: 'shared',
      description: 'Shared work'
    });
    server.on('POST', 'spaces', 201, created);
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    const changed = nextChange(model);
    const space = await model.createSpace({
      name: 'team-a',
      sharing: 'shared',
      description: 'Shared work'
    });
    await changed;
    expect(space.name).toBe('team-a');
    expect(server.calls('POST', 'spaces')[0].body).toEqual({
      name: 'team-a',
      sharing: 'shared',
      description: 'Shared work'
    });
    expect(model.sharedSpaces.map(s => s.name)).toEqual(['team-a']);
  });

  it('createSpace rejects with the server error and keeps the spaces', async () => {
    const server = studioServer([makeSpace('a')]).on('POST', 'spaces', 422, {
      message: 'Invalid space name',
      reason: 'invalid-name'
    });
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    const error = await model
      .createSpace({ name: 'Bad Name', sharing: 'private' })
      .then(unexpected, failed);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.reason).toBe('invalid-name');
    expect(model.spaces.map(s => s.name)).toEqual(['a']);
  });

  it('deleteSpace confirms with the name and removes the space', async () => {
    const server = studioServer([makeSpace('a'), makeSpace('b')]).on(
      'DELETE',
      'spaces/a',
      204
    );
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    await model.deleteSpace('a');
    expect(server.calls('DELETE', 'spaces/a')[0].body).toEqual({
      confirm: 'a'
    });
    expect(model.spaces.map(s => s.name)).toEqual(['b']);
  });

  it('answers permission questions from /me', async () => {
    const server = studioServer([
      makeSpace('mine'),
      makeSpace('theirs', { sharing: 'shared', role: 'viewer', owner: 'bob' })
    ]);
    model = new StudioModel({ serverSettings: server.serverSettings });
    expect(model.can('spaces:create')).toBe(false);
    await model.ready;
    expect(model.can('spaces:create')).toBe(true);
    expect(model.can('users:create')).toBe(false);
    const [mine, theirs] = model.spaces;
    expect(model.canManage(mine)).toBe(true);
    expect(model.canManage(theirs)).toBe(false);
  });

  it('lets admins manage every space', async () => {
    const server = studioServer([
      makeSpace('theirs', { role: null, owner: 'bob' })
    ]).on('GET', 'me', 200, { ...ME, personas: ['admin'], is_admin: true });
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.canManage(model.spaces[0])).toBe(true);
  });

  it('clamps the refresh interval to at least 2 seconds', async () => {
    const server = studioServer();
    model = new StudioModel({
      serverSettings: server.serverSettings,
      refreshInterval: 500
    });
    expect(model.refreshInterval).toBe(MIN_REFRESH_INTERVAL);
    model.refreshInterval = 30 * 1000;
    expect(model.refreshInterval).toBe(30 * 1000);
    await model.ready;
  });

  it('stops polling when disposed', async () => {
    const server = studioServer();
    model = new StudioModel({
      serverSettings: server.serverSettings,
      refreshInterval: MIN_REFRESH_INTERVAL
    });
    await model.ready;
    const count = server.requests.length;
    model.dispose();
    expect(model.isDisposed).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.requests.length).toBe(count);
  });
});
