// Image builds end to end (issue 8, acceptance 5): alice starts a build of a space folder from
// the file browser's context menu, checks its SageMaker layout in the dialog, and watches the
// build's log live in the Image builds section of the Studio sidebar while CodeBuild (moto_server,
// started by start-server.sh) runs it to Succeeded; she copies the image URI, an identical build
// is served from the cache, and a folder without a Dockerfile is refused inline. Then a training
// script is run locally from its context menu (hyperparameters, a channel, registered into a
// model group) and its output followed to the model and the registered version.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { call, openStudio, post, signIn } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'alice-images';
const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/trainer:v1';

// A training image that follows the layout but for the toolkit: the check finds two errors on
// the SAGEMAKER_PROGRAM line (line 3).
const DOCKERFILE = [
  'FROM python:3.11-slim',
  'COPY train.py /opt/ml/code/train.py',
  'ENV SAGEMAKER_PROGRAM train.py',
  ''
].join('\n');

/** Write a text file into the space, through the contents API. */
async function writeFile(page, file, content) {
  await call(page, 'PUT', `/api/contents/spaces/${SPACE}/${file}`, {
    type: 'file',
    format: 'text',
    content
  });
}

/** Open the "Build image…" dialog of a folder of the space from its context menu. */
async function openBuildDialog(page, folder) {
  // a started build shows the Studio sidebar: come back to the file browser
  const browserPanel = page.locator('#filebrowser');
  if (!(await browserPanel.isVisible())) {
    await page.getByRole('tab', { name: /^File Browser/ }).click();
  }
  const item = page.locator('.jp-DirListing-item[data-isdir="true"]', {
    has: page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${folder}$`) })
  });
  await item.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Build image…' }).click();
  const dialog = page.getByRole('dialog', { name: `Build image from ${folder}` });
  await expect(dialog).toBeVisible();
  // the backends are loaded: CodeBuild chosen, the local engine offered but disabled
  const backend = dialog.getByRole('combobox', { name: 'Backend' });
  await expect(backend).toHaveValue('codebuild');
  await expect(backend.locator('option[value="docker"]')).toBeDisabled();
  return dialog;
}

test('a build started from the folder context menu is followed live in the sidebar', async ({
  browser
}) => {
  const context = await browser.newContext({
    permissions: ['clipboard-read', 'clipboard-write']
  });
  const page = await context.newPage();
  await signIn(page, 'alice', 'alice-password', 'images');
  await post(page, '/spaces', { name: SPACE, sharing: 'private' });
  for (const folder of ['trainer', 'notes']) {
    await call(page, 'PUT', `/api/contents/spaces/${SPACE}/${folder}`, {
      type: 'directory'
    });
  }
  await writeFile(page, 'trainer/Dockerfile', DOCKERFILE);
  await writeFile(page, 'trainer/train.py', 'print("training")\n');
  await writeFile(page, 'notes/README.md', '# no Dockerfile here\n');

  // open the space in the file browser
  const panel = await openStudio(page);
  await panel.getByRole('button', { name: 'Refresh spaces' }).click();
  await panel.getByRole('button', { name: `Open ${SPACE}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(SPACE);

  // the dialog: defaults, checks made before sending, the layout check
  let dialog = await openBuildDialog(page, 'trainer');
  await expect(dialog).toContainText(`Context: spaces/${SPACE}/trainer`);
  await expect(dialog.getByRole('textbox', { name: 'Tag' })).toHaveValue('latest');
  await expect(dialog.getByRole('textbox', { name: 'Dockerfile' })).toHaveValue('Dockerfile');
  for (const option of ['Role ARN', 'S3 bucket', 'Compute type']) {
    await expect(dialog.getByRole('textbox', { name: option })).toBeVisible();
  }
  const build = dialog.getByRole('button', { name: 'Build', exact: true });
  await dialog.getByRole('textbox', { name: 'Repository' }).fill('Team/Trainer');
  await expect(dialog).toContainText('Lowercase letters and digits');
  await expect(build).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Repository' }).fill('team/trainer');
  await dialog.getByRole('textbox', { name: 'Tag' }).fill('v1');
  await dialog.getByRole('button', { name: 'Add build argument' }).click();
  await dialog.getByRole('textbox', { name: 'Build argument 1 name' }).fill('PY-VERSION');
  await expect(dialog).toContainText("'PY-VERSION' is not a build argument name");
  await expect(build).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Build argument 1 name' }).fill('PY_VERSION');
  await dialog.getByRole('textbox', { name: 'Build argument 1 value' }).fill('3.11');
  await dialog.getByRole('combobox', { name: 'SageMaker layout' }).selectOption('training');
  await dialog.getByRole('button', { name: 'Check layout' }).click();
  const findings = dialog.getByRole('list', { name: 'Layout findings (training)' });
  await expect(findings.getByRole('listitem')).toHaveCount(2);
  await expect(findings.getByRole('listitem').first()).toContainText('Dockerfile line 3');
  await expect(findings).toContainText('no training entry point');
  await expect(build).toBeEnabled();
  await page.screenshot({ path: path.join(shots, 'images-dialog.png') });

  // start the build: the dialog closes and the sidebar follows its log
  await build.click();
  await expect(dialog).toHaveCount(0);
  const builds = panel.getByRole('list', { name: 'Image builds' });
  const item = builds.getByRole('listitem', { name: 'Build team/trainer:v1' }).first();
  await expect(item).toBeVisible();
  const log = item.getByRole('log', { name: 'Build log of team/trainer:v1' });
  await expect(log).toBeVisible();
  // the phases as headings, in order, and the lines under them
  await expect(log.getByRole('heading', { name: 'COMPLETED' })).toBeVisible({ timeout: 60000 });
  const phases = await log.getByRole('heading').allTextContents();
  expect(phases.slice(0, 3)).toEqual(['PACKAGE', 'UPLOAD', 'REPOSITORY']);
  expect(phases).toContain('BUILD');
  expect(phases.indexOf('BUILD')).toBeLessThan(phases.indexOf('COMPLETED'));
  await expect(log).toContainText('layout error:');
  await expect(log).toContainText('packaged 2 files');
  await expect(log).toContainText(`image ${IMAGE_URI}`);
  await expect(item.locator('.jp-MlopsStudio-logEnd')).toHaveText('Build Succeeded.');
  await expect(log).toHaveAttribute('aria-busy', 'false');
  await expect(item.locator('.jp-MlopsStudio-badge')).toHaveText('Succeeded');
  await expect(item.locator('[data-field="image-uri"]')).toHaveText(IMAGE_URI);
  await expect(item.locator('[data-field="space"]')).toHaveText(SPACE);
  // the pane follows the end of the log
  const scrolledToEnd = await log.evaluate(
    node => node.scrollHeight - node.scrollTop - node.clientHeight < 24
  );
  expect(scrolledToEnd).toBe(true);
  await page.screenshot({ path: path.join(shots, 'images-log.png') });

  // Copy image URI
  await item.getByRole('button', { name: 'Copy image URI of team/trainer:v1' }).click();
  await expect(item.getByRole('status').filter({ hasText: 'Image URI copied.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(IMAGE_URI);

  // the server agrees
  const listed = await call(page, 'GET', '/mlops-studio/api/v1/images/builds');
  expect(listed.items.map(b => [b.status, b.repository, b.tag, b.build_args])).toEqual([
    ['Succeeded', 'team/trainer', 'v1', { PY_VERSION: '3.11' }]
  ]);

  // the same build again is served from the cache
  dialog = await openBuildDialog(page, 'trainer');
  await dialog.getByRole('textbox', { name: 'Repository' }).fill('team/trainer');
  await dialog.getByRole('textbox', { name: 'Tag' }).fill('v1');
  await dialog.getByRole('button', { name: 'Add build argument' }).click();
  await dialog.getByRole('textbox', { name: 'Build argument 1 name' }).fill('PY_VERSION');
  await dialog.getByRole('textbox', { name: 'Build argument 1 value' }).fill('3.11');
  await dialog.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const items = builds.getByRole('listitem', { name: 'Build team/trainer:v1' });
  await expect(items).toHaveCount(2);
  const cached = items.first();
  await expect(cached.locator('[data-field="cached"]')).toHaveText('cached');
  await expect(cached.locator('.jp-MlopsStudio-badge')).toHaveText('Succeeded');
  await expect(cached.getByRole('log')).toContainText('unchanged context and arguments');
  await expect(cached.locator('.jp-MlopsStudio-logEnd')).toHaveText('Build Succeeded.');
  await expect(items.nth(1).locator('[data-field="cached"]')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'images-cached.png') });

  // a folder without a Dockerfile: the server's refusal inline, the dialog stays open
  dialog = await openBuildDialog(page, 'notes');
  await dialog.getByRole('textbox', { name: 'Repository' }).fill('team/notes');
  await dialog.getByRole('button', { name: 'Build', exact: true }).click();
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText("has no 'Dockerfile'");
  await expect(alert).toHaveAttribute('data-reason', 'no-dockerfile');
  await page.screenshot({ path: path.join(shots, 'images-no-dockerfile.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  // nothing was started
  const after = await call(page, 'GET', '/mlops-studio/api/v1/images/builds');
  expect(after.items).toHaveLength(2);

  await context.close();
});

// A training script in the SageMaker layout: hyperparameters as SM_HP_*, a channel's files, the
// model into SM_MODEL_DIR and metrics for the registry into SM_OUTPUT_DATA_DIR.
const TRAIN_PY = `import json, os, sys

print("epochs", os.environ["SM_HP_EPOCHS"], "args", " ".join(sys.argv[1:]))
channel = os.environ["SM_CHANNEL_TRAIN"]
print("train channel", sorted(os.listdir(channel)))
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.txt"), "w") as f:
    f.write("weights")
with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "metrics.json"), "w") as f:
    json.dump({"accuracy": 0.91}, f)
print("training done")
`;

test('a training script run locally from its context menu is followed to its registered model', async ({
  browser
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const space = 'alice-train';
  await signIn(page, 'alice', 'alice-password', 'localrun');
  await post(page, '/spaces', { name: space, sharing: 'private' });
  await post(page, '/registry/groups', { name: 'churn-local' });
  for (const [file, content] of [
    ['src/train.py', TRAIN_PY],
    ['src/data/train/rows.csv', 'a,b\n1,2\n']
  ]) {
    const folders = file.split('/').slice(0, -1);
    for (let i = 1; i <= folders.length; i++) {
      await call(page, 'PUT', `/api/contents/spaces/${space}/${folders.slice(0, i).join('/')}`, {
        type: 'directory'
      });
    }
    await call(page, 'PUT', `/api/contents/spaces/${space}/${file}`, {
      type: 'file',
      format: 'text',
      content
    });
  }

  const panel = await openStudio(page);
  await panel.getByRole('button', { name: 'Refresh spaces' }).click();
  await panel.getByRole('button', { name: `Open ${space}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(space);
  await page.locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'src' }).dblclick();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText('src');
  await page
    .locator('.jp-DirListing-item[data-file-type="python"]', { hasText: 'train.py' })
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Run training locally…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Run train.py locally' });
  await expect(dialog).toContainText(`Script: spaces/${space}/src/train.py`);
  await dialog.getByRole('button', { name: 'Add hyperparameter' }).click();
  await dialog.getByRole('textbox', { name: 'Hyperparameter 1 name' }).fill('epochs');
  await dialog.getByRole('textbox', { name: 'Hyperparameter 1 value' }).fill('3');
  await dialog.getByRole('button', { name: 'Add channel' }).click();
  await dialog.getByRole('textbox', { name: 'Channel 1 name' }).fill('train');
  await dialog.getByRole('textbox', { name: 'Channel 1 value' }).fill('data/train');
  await dialog.getByRole('checkbox', { name: 'Register the model in a model group' }).check();
  await expect(dialog.getByRole('combobox', { name: 'Model group' })).toHaveValue('churn-local');
  await page.screenshot({ path: path.join(shots, 'images-train-dialog.png') });
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();

  const output = dialog.getByRole('log', { name: 'Output of train.py' });
  await expect(output).toContainText('epochs 3 args --epochs 3');
  await expect(output).toContainText("train channel ['rows.csv']");
  await expect(output).toContainText('training done');
  const outcome = dialog.getByRole('status');
  await expect(outcome).toContainText('Run Completed. Model studio-artifact://', {
    timeout: 60000
  });
  await expect(outcome).toContainText('Registered as churn-local version 1');
  await page.screenshot({ path: path.join(shots, 'images-train-run.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  const versions = await call(
    page,
    'GET',
    '/mlops-studio/api/v1/registry/groups/churn-local/versions'
  );
  expect(versions.items.map(v => [v.version, v.metrics.accuracy])).toEqual([[1, 0.91]]);
  await context.close();
});
