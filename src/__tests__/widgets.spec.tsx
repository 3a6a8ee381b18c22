import * as React from 'react';
import { act } from 'react';

import type { ISpace } from '../api';
import { StudioModel } from '../model';
import { SpacesDialog, SpacesView } from '../widgets/spaces';
import { UserHeaderView } from '../widgets/userheader';
import {
  buttonByText,
  byLabel,
  flush,
  mountView,
  MountedView,
  setValue,
  TestRoot
} from './dom';
import { makeSpace, ME, studioServer } from './fakeserver';

describe('UserHeaderView', () => {
  it('renders the display name, username and personas', async () => {
    const root = new TestRoot();
    const container = root.container;
    await root.render(
      <UserHeaderView me={{ ...ME, personas: ['admin', 'mlops'] }} />
    );
    expect(container.textContent).toContain('Alice Liddell');
    expect(container.textContent).toContain('@alice');
    const chips = Array.from(container.querySelectorAll('li')).map(
      li => li.textContent
    );
    expect(chips).toEqual(['admin', 'mlops']);
    root.dispose();
  });
});

describe('SpacesView', () => {
  let model: StudioModel;
  let view: MountedView<SpacesDialog>;
  let container: HTMLElement;
  let opened: ISpace[];

  const setup = async (
    server = studioServer([
      makeSpace('mine'),
      makeSpace('team', { sharing: 'shared', role: 'viewer', owner: 'bob' })
    ])
  ) => {
    model = new StudioModel({ serverSettings: server.serverSettings });
    await model.ready;
    opened = [];
    view = await mountView<SpacesDialog>((dialog, onDialog) => (
      <SpacesView
        model={model}
        dialog={dialog}
        onDialog={onDialog}
        onOpen={space => opened.push(space)}
      />
    ));
    container = view.container;
    return server;
  };

  afterEach(() => {
    view.dispose();
    model.dispose();
  });

  it('lists private and shared spaces with role-based actions', async () => {
    await setup();
    const privateList = byLabel(container, 'Private spaces');
    const sharedList = byLabel(container, 'Shared spaces');
    expect(privateList.textContent).toContain('mine');
    expect(sharedList.textContent).toContain('team');
    expect(sharedList.textContent).toContain('viewer');

    expect(buttonByText(container, 'New space')).toBeTruthy();
    expect(
      byLabel<HTMLButtonElement>(container, 'Members of mine').disabled
    ).toBe(false);
    expect(
      byLabel<HTMLButtonElement>(container, 'Members of team').disabled
    ).toBe(true);
    expect(
      container.querySelector('[aria-label="Delete mine"]')
    ).not.toBeNull();
    expect(container.querySelector('[aria-label="Delete team"]')).toBeNull();

    byLabel<HTMLButtonElement>(container, 'Open team').click();
    expect(opened.map(space => space.path)).toEqual(['spaces/team']);
  });

  it('hides "New space" without the spaces:create permission', async () => {
    await setup(
      studioServer([]).on('GET', 'me', 200, { ...ME, permissions: [] })
    );
    expect(
      Array.from(container.querySelectorAll('button')).map(b => b.textContent)
    ).not.toContain('New space');
  });

  it('creates a space from the dialog and shows server errors inline', async () => {
    const server = await setup();
    server.on('POST', 'spaces', 409, {
      message: "A space named 'mine' already exists",
      reason: 'space-exists'
    });
    await act(async () => buttonByText(container, 'New space').click());
    const modal = document.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(modal).not.toBeNull();
    expect(modal.getAttribute('aria-modal')).toBe('true');
    const title = document.getElementById(
      modal.getAttribute('aria-labelledby')!
    );
    expect(title?.textContent).toBe('New space');

    await act(async () => {
      setValue(byLabel(modal, 'Space name'), 'mine');
      setValue(byLabel(modal, 'Sharing'), 'shared');
      setValue(byLabel(modal, 'Description'), 'Team work');
    });
    await act(async () => buttonByText(modal, 'Create').click());
    await flush();
    expect(server.calls('POST', 'spaces')[0].body).toEqual({
      name: 'mine',
      sharing: 'shared',
      description: 'Team work'
    });
    const alert = modal.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe("A space named 'mine' already exists");
    expect(alert?.getAttribute('data-reason')).toBe('space-exists');
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();

    const other = makeSpace('other', {
      sharing: 'shared',
      description: 'Team work'
    });
    server.on('POST', 'spaces', 201, other);
    server.on('GET', 'spaces', 200, {
      items: [makeSpace('mine'), other],
      next: null
    });
    await act(async () => {
      setValue(byLabel(modal, 'Space name'), 'other');
    });
    await act(async () => buttonByText(modal, 'Create').click());
    await flush();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(model.sharedSpaces.map(space => space.name)).toContain('other');
  });

  it('manages members from the members dialog', async () => {
    const server = await setup();
    const members = [
      { username: 'alice', display_name: 'Alice', role: 'owner' }
    ];
    server.routes['GET spaces/mine/members'] = () => ({
      status: 200,
      body: { items: members, next: null }
    });
    server.routes['PUT spaces/mine/members/bob'] = request => {
      const member = {
        username: 'bob',
        display_name: 'Bob',
        role: (request.body as { role: string }).role
      };
      members.push(member as any);
      return { status: 200, body: member };
    };
    server.on('GET', 'users', 200, { items: [], next: null });

    await act(async () =>
      byLabel<HTMLButtonElement>(container, 'Members of mine').click()
    );
    await flush();
    const modal = document.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(modal.textContent).toContain('Members of mine');
    expect(
      byLabel<HTMLSelectElement>(modal, 'Access level of alice').value
    ).toBe('owner');

    await act(async () => {
      setValue(byLabel(modal, 'Username'), 'bob');
      setValue(byLabel(modal, 'Role'), 'editor');
    });
    await act(async () => buttonByText(modal, 'Add member').click());
    await flush();
    expect(server.calls('PUT', 'spaces/mine/members/bob')[0].body).toEqual({
      role: 'editor'
    });
    expect(byLabel<HTMLSelectElement>(modal, 'Access level of bob').value).toBe(
      'editor'
    );
    expect(byLabel(modal, 'Remove bob')).toBeTruthy();
  });

  it('deletes a space only after its name is typed', async () => {
    const server = await setup();
    server.routes['DELETE spaces/mine'] = () => {
      server.on('GET', 'spaces', 200, {
        items: [makeSpace('team', { sharing: 'shared', role: 'viewer' })],
        next: null
      });
      return { status: 204 };
    };
    await act(async () =>
      byLabel<HTMLButtonElement>(container, 'Delete mine').click()
    );
    const modal = document.querySelector<HTMLElement>('[role="dialog"]')!;
    const confirm = buttonByText(modal, 'Delete space');
    expect(confirm.disabled).toBe(true);
    await act(async () => {
      setValue(byLabel(modal, 'Type mine to confirm'), 'mine');
    });
    expect(confirm.disabled).toBe(false);
    await act(async () => confirm.click());
    await flush();
    expect(server.calls('DELETE', 'spaces/mine')[0].body).toEqual({
      confirm: 'mine'
    });
    expect(model.spaces.map(space => space.name)).toEqual(['team']);
  });
});
