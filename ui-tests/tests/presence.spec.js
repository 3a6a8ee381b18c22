// Presence (issue 3): alice shares a space with bob as an editor and puts a notebook in it; when
// bob opens it in his browser, alice's "Who's here" section of the Studio sidebar shows Bob
// Builder with the notebook, and clicking it opens the notebook for alice, who then shows as
// "(you)" beside him; when bob leaves, he is gone from the list.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { API, call, openStudio, post, signIn, waitForLab } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'team-presence';
const NOTEBOOK = `spaces/${SPACE}/analysis.ipynb`;

/** An empty notebook, as the contents API takes it. */
const EMPTY_NOTEBOOK = {
  type: 'notebook',
  format: 'json',
  content: {
    cells: [
      { cell_type: 'markdown', source: '# Shared analysis', metadata: {} }
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  }
};

test("the Who's here section shows who has which document open, and opens it", async ({
  browser
}) => {
  // alice: a shared space, bob an editor of it, a notebook in it
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  await signIn(alice, 'alice', 'alice-password', 'presence');
  await post(alice, '/spaces', { name: SPACE, sharing: 'shared' });
  await call(alice, 'PUT', `${API}/spaces/${SPACE}/members/bob`, { role: 'editor' });
  await call(alice, 'PUT', `/api/contents/${NOTEBOOK}`, EMPTY_NOTEBOOK);

  const studio = await openStudio(alice);
  await studio.getByRole('button', { name: 'Refresh spaces' }).click();
  const whosHere = studio.getByRole('list', { name: "Who's here" });
  const space = whosHere.getByRole('listitem', { name: `Space ${SPACE}` });
  await expect(space).toContainText('Nobody here now');

  // bob opens the notebook in his own browser
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob', 'bob-password', 'presence');
  await bob.goto(`/lab/workspaces/presence-bob/tree/${NOTEBOOK}`);
  await waitForLab(bob);
  await expect(bob.locator('.jp-NotebookPanel:visible .jp-Cell').first()).toContainText(
    'Shared analysis'
  );

  // alice's sidebar shows him with the notebook, live
  const bobItem = space.getByRole('listitem', { name: 'Bob Builder' });
  await expect(bobItem).toBeVisible();
  await expect(bobItem.getByText('Bob Builder', { exact: true })).toHaveAttribute('title', '@bob');
  await expect(bobItem.locator('.jp-MlopsStudio-avatar')).toHaveText('BB');
  await expect(bobItem).not.toContainText('(you)');
  const document = bobItem.getByRole('button', { name: 'analysis.ipynb' });
  await expect(document).toHaveAttribute('title', NOTEBOOK);
  await expect(space).not.toContainText('Nobody here now');
  await space.scrollIntoViewIfNeeded();
  await alice.screenshot({ path: path.join(shots, 'presence-bob-here.png') });

  // a click opens the notebook for alice; she joins the list as "(you)"
  await document.click();
  const tab = alice.getByRole('tab', { name: /analysis\.ipynb/ });
  await expect(tab).toBeVisible();
  // the notebook names no kernel: open it without one
  await alice.locator('.jp-Dialog').getByRole('button', { name: 'No Kernel' }).click();
  await expect(alice.locator('.jp-NotebookPanel:visible .jp-Cell').first()).toContainText(
    'Shared analysis'
  );
  const aliceItem = space.getByRole('listitem', { name: 'Alice Analyst' });
  await expect(aliceItem).toContainText('(you)');
  await expect(aliceItem.getByRole('button', { name: 'analysis.ipynb' })).toBeVisible();
  await expect(space).toContainText('2 here');
  await alice.screenshot({ path: path.join(shots, 'presence-both-here.png') });

  // bob leaves: he is gone from alice's list
  await bobContext.close();
  await expect(bobItem).toHaveCount(0, { timeout: 30000 });
  await expect(aliceItem).toBeVisible();
  await aliceContext.close();
});
