import type { JupyterFrontEnd } from '@jupyterlab/application';
import { UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { act } from 'react';

import { StudioModel } from '../model';
import { PresenceModel } from '../presence/model';
import { presencePlugin } from '../presence/plugin';
import {
  colorOf,
  initialsOf,
  PresenceView,
  PresenceWidget
} from '../presence/widgets';
import { click, TestRoot } from './dom';
import type { FakeServer } from './fakeserver';
import {
  ALICE,
  BOB,
  person,
  presence,
  presenceModels,
  presenceServer,
  until
} from './presencefakes';
import { holdRequests } from './projectsfakes';

describe('avatars', () => {
  it('shows up to two initials of the display name', () => {
    expect(initialsOf('Bob Builder')).toBe('BB');
    expect(initialsOf('alice')).toBe('A');
    expect(initialsOf('  Ada  King Lovelace ')).toBe('AK');
    expect(initialsOf('élodie durand')).toBe('ÉD');
  });

  it("gives a user the same theme's collaborator color every time", () => {
    expect(colorOf('bob')).toBe(colorOf('bob'));
    for (const username of ['alice', 'bob', 'carol', 'dave', '', 'émile']) {
      expect(colorOf(username)).toBeGreaterThanOrEqual(1);
      expect(colorOf(username)).toBeLessThanOrEqual(7);
    }
  });
});

describe('PresenceView', () => {
  let server: FakeServer;
  let studio: StudioModel;
  let model: PresenceModel;
  let root: TestRoot;
  let opened: string[];
  let release: () => void;

  /** Let the server answer, and wait for the model's first refresh. */
  const loaded = async () => {
    release();
    await act(() => model.ready);
  };

  const space = (name: string) =>
    root.container.querySelector<HTMLElement>(`[aria-label="Space ${name}"]`)!;
  const personItem = (name: string) =>
    space('team').querySelector<HTMLElement>(`[aria-label="${name}"]`)!;
  const documents = (element: HTMLElement) =>
    Array.from(element.querySelectorAll('button')).map(button => [
      button.textContent,
      button.title
    ]);

  beforeEach(async () => {
    server = presenceServer();
    // the server answers once a test lets it (loaded())
    release = holdRequests(server, 'GET');
    ({ studio, model } = presenceModels(server));
    opened = [];
    root = new TestRoot();
    // Re-rendered on the model's changes as the section widget does.
    await root.render(
      <UseSignal signal={model.changed} initialSender={model}>
        {() => (
          <PresenceView model={model} onOpen={path => opened.push(path)} />
        )}
      </UseSignal>
    );
  });

  afterEach(() => {
    root.dispose();
    model.dispose();
    studio.dispose();
  });

  it('says it is loading until the first answer', async () => {
    expect(root.container.querySelector('[aria-busy="true"]')).not.toBeNull();
    await loaded();
    expect(root.container.querySelector('[aria-busy="true"]')).toBeNull();
  });

  it('lists each shared space with the people in it and their documents', async () => {
    await loaded();
    const spaces = Array.from(
      root.container.querySelectorAll('[data-space]')
    ).map(node => node.getAttribute('data-space'));
    expect(spaces).toEqual(['lab', 'team']);
    expect(space('team').textContent).toContain('2 here');

    const bob = personItem('Bob Builder');
    const name = bob.querySelector('[title="@bob"]')!;
    expect(name.textContent).toBe('Bob Builder');
    const avatar = bob.querySelector<HTMLElement>('.jp-MlopsStudio-avatar')!;
    expect(avatar.textContent).toBe('BB');
    expect(avatar.dataset.color).toBe(String(colorOf('bob')));
    expect(bob.textContent).not.toContain('(you)');
    expect(documents(bob)).toEqual([
      ['prepare.py', 'spaces/team/data/prepare.py'],
      ['train.ipynb', 'spaces/team/train.ipynb']
    ]);

    const alice = personItem('Alice Liddell');
    expect(alice.textContent).toContain('(you)');
    expect(documents(alice)).toEqual([
      ['train.ipynb', 'spaces/team/train.ipynb']
    ]);
  });

  it('says when nobody is in a space', async () => {
    await loaded();
    expect(space('lab').textContent).toContain('Nobody here now');
    expect(space('lab').querySelector('ul')).toBeNull();
    expect(space('team').textContent).not.toContain('Nobody here now');
  });

  it('opens the document clicked', async () => {
    await loaded();
    const bob = personItem('Bob Builder');
    await click(
      bob.querySelector<HTMLElement>('[title="spaces/team/data/prepare.py"]')!
    );
    expect(opened).toEqual(['spaces/team/data/prepare.py']);
  });

  it('updates in place as people come and go, keeping the nodes of who stays', async () => {
    await loaded();
    const bob = personItem('Bob Builder');
    const train = bob.querySelector('[title="spaces/team/train.ipynb"]');
    server.on(
      'GET',
      'spaces/team/presence',
      200,
      presence('team', [
        BOB,
        person('carol', 'Carol Chen', ['spaces/team/report.md'])
      ])
    );
    server.on('GET', 'spaces/lab/presence', 200, presence('lab', [ALICE]));
    await act(() => model.refresh());
    // the same elements for bob and his documents: no flicker
    expect(personItem('Bob Builder')).toBe(bob);
    expect(bob.querySelector('[title="spaces/team/train.ipynb"]')).toBe(train);
    expect(
      root.container.querySelector('[data-username="carol"]')
    ).not.toBeNull();
    expect(space('team').querySelector('[data-username="alice"]')).toBeNull();
    expect(
      space('lab').querySelector('[data-username="alice"]')
    ).not.toBeNull();
    expect(space('lab').textContent).not.toContain('Nobody here now');
  });

  it('shows the error of a space that failed beside what was known', async () => {
    await loaded();
    server.on('GET', 'spaces/team/presence', 500, {
      message: 'The rooms are unavailable',
      reason: 'internal'
    });
    await act(() => model.refresh());
    const alert = space('team').querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('The rooms are unavailable');
    expect(personItem('Bob Builder')).not.toBeNull();
  });

  it('says so when the user is in no shared space', async () => {
    await loaded();
    server.on('GET', 'spaces', 200, { items: [], next: null });
    await act(() => studio.refresh());
    await act(() => model.refresh());
    expect(root.container.textContent).toContain('No shared spaces');
  });
});

describe('presencePlugin', () => {
  // The section renders as in JupyterLab, on Lumino's and the poll's own
  // schedule rather than inside act().
  beforeEach(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = false;
  });
  afterEach(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  it("adds the Who's here section; a click runs docmanager:open with the path", async () => {
    const server = presenceServer();
    const studio = new StudioModel({
      serverSettings: server.serverSettings,
      refreshInterval: 60000
    });
    const commands = new CommandRegistry();
    const executed: unknown[] = [];
    commands.addCommand('docmanager:open', {
      execute: args => {
        executed.push(args);
      }
    });
    const added: Widget[] = [];
    const app = {
      commands,
      serviceManager: { serverSettings: server.serverSettings },
      shell: {
        widgets: () => [][Symbol.iterator](),
        add: (widget: Widget) => added.push(widget)
      }
    } as unknown as JupyterFrontEnd;
    presencePlugin.activate(app, studio);
    // no Studio panel in this shell: the section gets a side panel of its own
    expect(added).toHaveLength(1);
    const panel = added[0];
    Widget.attach(panel, document.body);
    try {
      await until(
        () => panel.node.querySelector('.jp-MlopsStudio-presence') !== null
      );
      const widget = (panel as unknown as { widgets: Widget[] }).widgets.find(
        item => item instanceof PresenceWidget
      ) as PresenceWidget;
      expect(widget.title.label).toBe("Who's here");
      const document_ = () =>
        panel.node.querySelector<HTMLElement>(
          '[data-username="bob"] [data-path="spaces/team/data/prepare.py"]'
        );
      await until(() => document_() !== null);
      document_()!.click();
      await until(() => executed.length > 0);
      expect(executed).toEqual([{ path: 'spaces/team/data/prepare.py' }]);
      widget.model.dispose();
    } finally {
      panel.dispose();
      studio.dispose();
    }
  });
});
