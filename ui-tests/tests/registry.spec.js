// The model registry end to end: alice (data-scientist) registers two versions from a notebook
// cell with the Python client, sees them and the metric chart in the Model Registry panel but
// may not approve; bob (mlops), in his own browser context, approves one with a comment and sees
// the new status and his entry in the audit trail.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { API, openNotebookInSpace, openStudio, post, runFirstCell, signIn } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'alice-models';
const GROUP = 'churn-ui';

/** Open the Model Registry tab from the Studio sidebar and select a group. */
async function openRegistry(page, group) {
  const panel = await openStudio(page);
  await panel.getByRole('button', { name: 'Model registry' }).click();
  await expect(page.getByRole('tab', { name: 'Model Registry' })).toBeVisible();
  const registry = page.locator('#jp-mlops-studio-registry');
  await expect(registry).toBeVisible();
  const item = registry.getByRole('list', { name: 'Model groups' }).getByRole('listitem', {
    name: group
  });
  await item.getByRole('button').click();
  await expect(item.getByRole('button')).toHaveAttribute('aria-current', 'true');
  return registry;
}

/** The Python the notebook cell runs: lines without indentation, as they are typed. */
function registrationCell(baseURL, token, notebook) {
  const lineage = `{"space": "${SPACE}", "notebook": "${notebook}"}`;
  return [
    'from jupyter_mlops_studio.client import StudioClient',
    'import pathlib, tempfile',
    `studio = StudioClient("${baseURL}/", token="${token}")`,
    `studio.registry.create_group("${GROUP}", description="Churn models trained in a notebook", ` +
      'rules=[{"kind": "threshold", "metric": "accuracy", "op": ">=", "threshold": 0.7}])',
    'model = pathlib.Path(tempfile.mkdtemp()) / "model"',
    'model.mkdir()',
    '(model / "weights.json").write_text("[0.25, 0.75]")',
    `v1 = studio.registry.register("${GROUP}", model, metrics={"accuracy": 0.81, "loss": 0.44}, ` +
      `framework="sklearn", lineage=${lineage})`,
    '(model / "weights.json").write_text("[0.2, 0.8]")',
    `v2 = studio.registry.register("${GROUP}", model, metrics={"accuracy": 0.87, "loss": 0.35}, ` +
      `framework="sklearn", lineage=${lineage})`,
    `print("\\n".join(f"version {v['version']}: {v['status']} accuracy={v['metrics']['accuracy']}" ` +
      `for v in studio.registry.versions("${GROUP}")))`
  ].join('\n');
}

test('versions registered from a notebook are charted and approved by an mlops user', async ({
  browser,
  baseURL
}) => {
  // alice: a private space, and an API token for the kernel (which has no login of its own)
  const alice = await browser.newContext();
  const page = await alice.newPage();
  await signIn(page, 'alice', 'alice-password', 'registry');
  await post(page, '/spaces', { name: SPACE, sharing: 'private', description: 'registry test' });
  const { token } = await post(page, '/me/tokens', {
    description: 'registry browser test kernel',
    expires_in_days: 1
  });
  expect(token).toBeTruthy();

  // open the space in the file browser and start a notebook there from a new launcher
  const panel = await openStudio(page);
  const notebookTab = await openNotebookInSpace(page, panel, SPACE);
  const notebook = (await notebookTab.innerText()).trim();

  // type the cell, run it, and wait for the versions it prints
  const cell = await runFirstCell(page, registrationCell(baseURL, token, notebook));
  const output = cell.locator('.jp-OutputArea-output');
  await expect(output).toContainText('version 2: PendingManualApproval accuracy=0.87', {
    timeout: 60000
  });
  await expect(output).toContainText('version 1: PendingManualApproval accuracy=0.81');

  // the registry panel: both versions, the accuracy chart; a data scientist may not approve
  let registry = await openRegistry(page, GROUP);
  const versions = registry.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row', { name: 'Version 2' })).toContainText('0.87');
  await expect(versions.getByRole('row', { name: 'Version 1' })).toContainText('0.81');
  await expect(registry.getByRole('combobox', { name: 'Metric' })).toHaveValue('accuracy');
  const chart = registry.getByRole('img', { name: 'accuracy by version' });
  await expect(chart).toBeVisible();
  await expect(chart.locator('circle')).toHaveCount(2);
  await versions.getByRole('row', { name: 'Version 2' }).click();
  await expect(registry.getByRole('heading', { name: /^Version 2/ })).toBeVisible();
  await expect(registry.getByRole('list', { name: 'Audit trail' })).toContainText('alice');
  await expect(registry.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(registry.getByRole('button', { name: 'Reject' })).toHaveCount(0);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'registry-alice-chart.png') });

  // bob, signed in in his own browser context, approves version 2
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob', 'bob-password', 'registry');
  registry = await openRegistry(bob, GROUP);
  const row = registry.getByRole('table', { name: 'Versions' }).getByRole('row', {
    name: 'Version 2'
  });
  await expect(row).toContainText('Pending');
  await row.click();
  await expect(registry.getByRole('heading', { name: /^Version 2/ })).toBeVisible();
  await registry.getByRole('button', { name: 'Approve' }).click();
  const dialog = bob.getByRole('dialog', { name: 'Approve version 2' });
  await expect(dialog).toBeVisible();
  const confirm = dialog.getByRole('button', { name: 'Confirm' });
  await expect(confirm).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Better accuracy than v1; ship it');
  await expect(confirm).toBeEnabled();
  await bob.screenshot({ path: path.join(shots, 'registry-bob-approve-dialog.png') });
  await confirm.click();
  await expect(dialog).toHaveCount(0);

  await expect(row).toContainText('Approved');
  await expect(registry.getByRole('heading', { name: /^Version 2/ })).toContainText('Approved');
  await expect(registry.getByRole('button', { name: 'Approve' })).toBeDisabled();
  const audit = registry.getByRole('list', { name: 'Audit trail' });
  const approval = audit.getByRole('listitem').filter({ hasText: 'bob' });
  await expect(approval).toContainText('PendingManualApproval → Approved');
  await expect(approval).toContainText('Better accuracy than v1; ship it');
  await audit.scrollIntoViewIfNeeded();
  await bob.screenshot({ path: path.join(shots, 'registry-bob-approved.png') });

  // and the server agrees
  const answer = await bob.request.get(`${API}/registry/groups/${GROUP}/versions/2`);
  expect(answer.status()).toBe(200);
  const approved = await answer.json();
  expect(approved.status).toBe('Approved');
  expect(approved.status_comment).toBe('Better accuracy than v1; ship it');

  await alice.close();
  await bobContext.close();
});
