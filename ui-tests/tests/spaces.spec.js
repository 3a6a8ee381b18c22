// Sign in as a user, create a shared space from the Studio sidebar, add a second user as
// editor; a second browser context signed in as that user sees the space.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { openStudio, signIn } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');

test('a shared space made in the sidebar reaches the member it names', async ({ browser }) => {
  const alice = await browser.newContext();
  const page = await alice.newPage();
  await signIn(page, 'alice', 'alice-password', 'spaces');
  const panel = await openStudio(page);
  await expect(panel.getByText('Alice Analyst')).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Personas' })).toContainText('data-scientist');

  // a bad name is refused by the server, shown in the dialog, and nothing is created
  await panel.getByRole('button', { name: 'New space' }).click();
  let dialog = page.getByRole('dialog', { name: 'New space' });
  await dialog.getByRole('textbox', { name: 'Space name' }).fill('bad name!');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toContainText('invalid space name');
  await dialog.getByRole('textbox', { name: 'Space name' }).fill('team-ui');
  await dialog.getByRole('combobox', { name: 'Sharing' }).selectOption('shared');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('made in a browser test');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);

  const shared = panel.getByRole('list', { name: 'Shared spaces' });
  await expect(shared.getByRole('listitem', { name: 'team-ui' })).toBeVisible();

  await panel.getByRole('button', { name: 'Members of team-ui' }).click();
  dialog = page.getByRole('dialog', { name: 'Members of team-ui' });
  await dialog.getByRole('textbox', { name: 'Username' }).fill('bob');
  await dialog.getByLabel('Role').selectOption('editor');
  await dialog.getByRole('button', { name: 'Add member' }).click();
  await expect(dialog.getByRole('combobox', { name: 'Access level of bob' })).toHaveValue('editor');
  await page.screenshot({ path: path.join(shots, 'alice-members.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // opening the space takes the file browser to its directory
  await panel.getByRole('button', { name: 'Open team-ui' }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText('team-ui');
  await page.screenshot({ path: path.join(shots, 'alice-sidebar.png') });

  // bob, in his own browser context, sees the space as an editor
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, 'bob', 'bob-password', 'spaces');
  const bobPanel = await openStudio(bobPage);
  await expect(bobPanel.getByText('Bob Builder')).toBeVisible();
  const item = bobPanel
    .getByRole('list', { name: 'Shared spaces' })
    .getByRole('listitem', { name: 'team-ui' });
  await expect(item).toBeVisible();
  await expect(item).toContainText('editor');
  // bob is not the owner: he cannot delete it
  await expect(bobPanel.getByRole('button', { name: 'Delete team-ui' })).toHaveCount(0);
  await bobPage.screenshot({ path: path.join(shots, 'bob-sidebar.png') });

  // and the server agrees: bob is an editor, not an admin
  const me = await bobPage.evaluate(async () => {
    const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
    const r = await fetch('/mlops-studio/api/v1/me', { headers: { 'X-XSRFToken': xsrf } });
    return r.json();
  });
  expect(me.username).toBe('bob');
  expect(me.is_admin).toBe(false);

  await alice.close();
  await bobContext.close();
});
