import {
  createSpace,
  deleteSpace,
  getMe,
  listMembers,
  listSpaces,
  listUsers,
  removeMember,
  requestAPI,
  setMember,
  StudioAPIError,
  updateSpace
} from '../api';
import {
  BASE_URL,
  failed,
  FakeServer,
  makeSpace,
  ME,
  studioServer,
  unexpected
} from './fakeserver';

describe('requestAPI', () => {
  it('joins the base URL, the API path and the endpoint', async () => {
    const server = new FakeServer().on('GET', 'ping', 200, { ok: true });
    const data = await requestAPI<{ ok: boolean }>(
      'ping',
      server.serverSettings
    );
    expect(data).toEqual({ ok: true });
    expect(server.requests[0].url).toBe(`${BASE_URL}mlops-studio/api/v1/ping`);
  });

  it('resolves to undefined on 204', async () => {
    const server = new FakeServer().on('DELETE', 'thing', 204);
    await expect(
      requestAPI('thing', server.serverSettings, { method: 'DELETE' })
    ).resolves.toBeUndefined();
  });

  it('throws a StudioAPIError with the status, message and reason', async () => {
    const server = new FakeServer().on('GET', 'spaces', 403, {
      message: 'You may not list spaces',
      reason: 'forbidden'
    });
    const error = await requestAPI('spaces', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(403);
    expect(error.message).toBe('You may not list spaces');
    expect(error.reason).toBe('forbidden');
  });

  it('keeps the status text when the error body is not JSON', async () => {
    const server = new FakeServer();
    server.routes['GET me'] = () => ({
      status: 502,
      text: '<html>oops</html>'
    });
    const error = await requestAPI('me', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(502);
    expect(error.message).toBe('Bad Gateway');
    expect(error.reason).toBeNull();
  });

  it('turns a network failure into a StudioAPIError with status 0', async () => {
    const server = new FakeServer();
    server.networkError = new TypeError('Failed to fetch');
    const error = await requestAPI('me', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(0);
    expect(error.reason).toBe('network-error');
  });
});

describe('typed API functions', () => {
  it('getMe returns the signed-in user', async () => {
    const server = studioServer();
    await expect(getMe(server.serverSettings)).resolves.toEqual(ME);
  });

  it('getMe rejects a malformed answer', async () => {
    const server = new FakeServer().on('GET', 'me', 200, {
      username: 'alice'
    });
    const error = await getMe(server.serverSettings).then(unexpected, failed);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toMatch(/display_name/);
  });

  it('listSpaces returns the items', async () => {
    const server = studioServer([
      makeSpace('a'),
      makeSpace('b', { sharing: 'shared', role: 'viewer' })
    ]);
    const spaces = await listSpaces(server.serverSettings);
    expect(spaces.map(s => s.name)).toEqual(['a', 'b']);
    expect(spaces[1].role).toBe('viewer');
  });

  it('listSpaces rejects an unknown sharing value', async () => {
    const server = studioServer([makeSpace('a', { sharing: 'public' })]);
    const error = await listSpaces(server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.message).toMatch(/items\[0\].*sharing/);
  });

  it('createSpace posts name, sharing and description as JSON', async () => {
    const created = makeSpace('team-a', {
      sharing: 'shared',
      description: 'Churn model'
    });
    const server = new FakeServer().on('POST', 'spaces', 201, created);
    const space = await createSpace(
      { name: 'team-a', sharing: 'shared', description: 'Churn model' },
      server.serverSettings
    );
    expect(space).toEqual(created);
    const [request] = server.calls('POST', 'spaces');
    expect(request.body).toEqual({
      name: 'team-a',
      sharing: 'shared',
      description: 'Churn model'
    });
    expect(request.contentType).toBe('application/json');
  });

  it('createSpace omits a missing description', async () => {
    const server = new FakeServer().on('POST', 'spaces', 201, makeSpace('b'));
    await createSpace({ name: 'b', sharing: 'private' }, server.serverSettings);
    expect(server.requests[0].body).toEqual({ name: 'b', sharing: 'private' });
  });

  it('createSpace surfaces a conflict with its reason', async () => {
    const server = new FakeServer().on('POST', 'spaces', 409, {
      message: "A space named 'b' already exists",
      reason: 'space-exists'
    });
    const error = await createSpace(
      { name: 'b', sharing: 'private' },
      server.serverSettings
    ).then(unexpected, failed);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(409);
    expect(error.reason).toBe('space-exists');
  });

  it('updateSpace patches the space', async () => {
    const server = new FakeServer().on(
      'PATCH',
      'spaces/a',
      200,
      makeSpace('a', { description: 'new' })
    );
    const space = await updateSpace(
      'a',
      { description: 'new' },
      server.serverSettings
    );
    expect(space.description).toBe('new');
    expect(server.requests[0].body).toEqual({ description: 'new' });
  });

  it('deleteSpace sends the name as confirmation', async () => {
    const server = new FakeServer().on('DELETE', 'spaces/a', 204);
    await expect(
      deleteSpace('a', server.serverSettings)
    ).resolves.toBeUndefined();
    expect(server.requests[0].body).toEqual({ confirm: 'a' });
  });

  it('listMembers, setMember and removeMember use the member routes', async () => {
    const member = { username: 'bob', display_name: 'Bob', role: 'editor' };
    const server = new FakeServer()
      .on('GET', 'spaces/a/members', 200, { items: [member], next: null })
      .on('PUT', 'spaces/a/members/bob', 200, member)
      .on('DELETE', 'spaces/a/members/bob', 204);
    await expect(listMembers('a', server.serverSettings)).resolves.toEqual([
      member
    ]);
    await expect(
      setMember('a', 'bob', 'editor', server.serverSettings)
    ).resolves.toEqual(member);
    expect(server.calls('PUT', 'spaces/a/members/bob')[0].body).toEqual({
      role: 'editor'
    });
    await removeMember('a', 'bob', server.serverSettings);
    expect(server.calls('DELETE', 'spaces/a/members/bob')).toHaveLength(1);
  });

  it('encodes path segments', async () => {
    const server = new FakeServer().on('PUT', 'spaces/a/members/j%20doe', 200, {
      username: 'j doe',
      display_name: 'J',
      role: 'viewer'
    });
    await setMember('a', 'j doe', 'viewer', server.serverSettings);
    expect(server.requests[0].path).toBe('spaces/a/members/j%20doe');
  });

  it('listUsers returns the user profiles', async () => {
    const user = {
      username: 'bob',
      display_name: 'Bob',
      personas: ['mlops'],
      created_at: '2024-01-01T00:00:00Z'
    };
    const server = new FakeServer().on('GET', 'users', 200, {
      items: [user],
      next: null
    });
    await expect(listUsers(server.serverSettings)).resolves.toEqual([user]);
  });
});
