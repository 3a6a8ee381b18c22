import * as React from 'react';
import { act } from 'react';

import { StudioAPIError } from '../api';
import {
  channelProblem,
  getLocalRunLog,
  hyperparameterProblem,
  listLocalRuns,
  startLocalRun,
  stopLocalRun,
  validateLocalRun
} from '../images/localruns';
import { channelPath, runOutcome, TrainDialog } from '../images/widgets';
import {
  buttonByText,
  byLabel,
  click,
  dialogNamed,
  flush,
  queryButton,
  setValue,
  TestRoot
} from './dom';
import { FakeServer, unexpected } from './fakeserver';
import { imagesServer, makeRun, RUN_ID } from './imagesfakes';

const SCRIPT = 'spaces/team/src/train.py';
const LOGS = `local-runs/${RUN_ID}/logs`;

async function typeIn(element: HTMLInputElement, value: string): Promise<void> {
  await act(async () => setValue(element, value));
}

/** Let the dialog's polling (1 ms apart) run a few rounds. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flush();
  }
}

describe('local run input checks and answers', () => {
  it('checks hyperparameter and channel names as the server does', () => {
    expect(hyperparameterProblem('learning-rate.max_1')).toBeNull();
    expect(hyperparameterProblem('sagemaker_program')).toMatch(/reserved/);
    expect(hyperparameterProblem('-x')).not.toBeNull();
    expect(hyperparameterProblem('')).not.toBeNull();
    expect(channelProblem('train')).toBeNull();
    expect(channelProblem('a'.repeat(65))).not.toBeNull();
    expect(channelProblem('a b')).not.toBeNull();
  });

  it('resolves channel paths from the server root or the script folder', () => {
    expect(channelPath('data/train', SCRIPT)).toBe(
      'spaces/team/src/data/train'
    );
    expect(channelPath(' spaces/other/d ', SCRIPT)).toBe('spaces/other/d');
    expect(channelPath('/spaces/other/d', SCRIPT)).toBe('spaces/other/d');
  });

  it('validates runs and says how they ended', () => {
    const run = validateLocalRun({
      id: RUN_ID,
      space: 'team',
      status: 'Completed',
      created_at: 'x'
    });
    expect(run.model).toBeNull();
    expect(run.hyperparameters).toEqual({});
    expect(() => validateLocalRun(makeRun({ status: 'Done' }))).toThrow(
      /status/
    );
    expect(
      runOutcome(
        validateLocalRun(
          makeRun({
            status: 'Completed',
            model: {
              key: 'k',
              uri: 'studio-artifact://k',
              digest: null,
              size: 1
            },
            registered: {
              group: 'churn',
              version: 2,
              status: 'PendingManualApproval'
            }
          })
        )
      )
    ).toBe(
      'Run Completed. Model studio-artifact://k. Registered as churn version 2 (PendingManualApproval).'
    );
    expect(
      runOutcome(
        validateLocalRun(
          makeRun({ status: 'Failed', failure_reason: 'bad input' })
        )
      )
    ).toBe('Run Failed: bad input');
  });
});

describe('local runs REST layer', () => {
  it('starts, lists, reads and stops runs', async () => {
    const server = imagesServer()
      .on('POST', 'local-runs', 201, makeRun())
      .on('GET', 'local-runs', 200, { items: [makeRun()], next: null })
      .on('GET', LOGS, 200, {
        text: 'epoch 1\n',
        offset: 8,
        complete: false,
        status: 'InProgress'
      })
      .on(
        'DELETE',
        `local-runs/${RUN_ID}`,
        200,
        makeRun({ status: 'Stopped' })
      );
    const run = await startLocalRun(
      { entry_point: SCRIPT, hyperparameters: { epochs: '3' } },
      server.serverSettings
    );
    expect(run.id).toBe(RUN_ID);
    expect(server.calls('POST', 'local-runs')[0].body).toEqual({
      entry_point: SCRIPT,
      hyperparameters: { epochs: '3' }
    });
    expect(await listLocalRuns(server.serverSettings)).toHaveLength(1);
    const chunk = await getLocalRunLog(RUN_ID, 0, server.serverSettings);
    expect(chunk.offset).toBe(8);
    expect(server.calls('GET', LOGS)[0].query.get('offset')).toBe('0');
    expect((await stopLocalRun(RUN_ID, server.serverSettings)).status).toBe(
      'Stopped'
    );
    server.on('POST', 'local-runs', 400, {
      message: 'entry_point must be a .py or .sh script',
      reason: 'invalid-entry-point'
    });
    const error = await startLocalRun(
      { entry_point: 'spaces/team/x.txt' },
      server.serverSettings
    ).then(unexpected, e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.reason).toBe('invalid-entry-point');
  });
});

describe('TrainDialog', () => {
  let server: FakeServer;
  let root: TestRoot;
  let closed: number;

  const dialog = () => dialogNamed('Run train.py locally')!;

  async function open(groups?: string[]): Promise<void> {
    await root.render(
      <TrainDialog
        serverSettings={server.serverSettings}
        path={SCRIPT}
        listGroups={groups ? async () => groups : undefined}
        pollInterval={1}
        onClose={() => closed++}
      />
    );
    await flush();
  }

  beforeEach(() => {
    server = imagesServer();
    root = new TestRoot();
    closed = 0;
  });

  afterEach(() => root.dispose());

  it('starts a run with hyperparameters, channels and a model group, then follows it to the end', async () => {
    let polls = 0;
    server.on('POST', 'local-runs', 201, makeRun());
    server.routes[`GET ${LOGS}`] = request => {
      polls++;
      const offset = Number(request.query.get('offset'));
      return offset === 0
        ? {
            status: 200,
            body: {
              text: 'epoch 1\n',
              offset: 8,
              complete: false,
              status: 'InProgress'
            }
          }
        : {
            status: 200,
            body: {
              text: 'done\n',
              offset: 13,
              complete: true,
              status: 'Completed'
            }
          };
    };
    server.on(
      'GET',
      `local-runs/${RUN_ID}`,
      200,
      makeRun({
        status: 'Completed',
        model: { key: 'm', uri: 'studio-artifact://m', digest: null, size: 10 },
        registered: {
          group: 'churn',
          version: 1,
          status: 'PendingManualApproval'
        }
      })
    );
    await open(['churn', 'fraud']);

    await click(buttonByText(dialog(), 'Add hyperparameter'));
    await typeIn(byLabel(dialog(), 'Hyperparameter 1 name'), 'sagemaker_x');
    expect(dialog().textContent).toContain(
      'names starting with sagemaker_ are reserved'
    );
    expect(
      dialog().querySelector<HTMLButtonElement>('[type="submit"]')!.disabled
    ).toBe(true);
    await typeIn(byLabel(dialog(), 'Hyperparameter 1 name'), 'epochs');
    await typeIn(byLabel(dialog(), 'Hyperparameter 1 value'), '3');
    await click(buttonByText(dialog(), 'Add channel'));
    await typeIn(byLabel(dialog(), 'Channel 1 name'), 'train');
    await typeIn(byLabel(dialog(), 'Channel 1 value'), 'data');
    await act(async () =>
      dialog()
        .querySelector<HTMLInputElement>('input[name="register"]')!
        .click()
    );
    expect(byLabel<HTMLSelectElement>(dialog(), 'Model group').value).toBe(
      'churn'
    );
    await click(dialog().querySelector<HTMLButtonElement>('[type="submit"]')!);
    expect(server.calls('POST', 'local-runs')[0].body).toEqual({
      entry_point: SCRIPT,
      hyperparameters: { epochs: '3' },
      channels: { train: 'spaces/team/src/data' },
      register: { group: 'churn' }
    });
    await settle();
    expect(polls).toBe(2);
    const output = byLabel(dialog(), 'Output of train.py');
    expect(output.textContent).toBe('epoch 1\ndone\n');
    expect(dialog().querySelector('[role="status"]')!.textContent).toBe(
      'Run Completed. Model studio-artifact://m. Registered as churn version 1 (PendingManualApproval).'
    );
    expect(queryButton(dialog(), 'Stop run')).toBeNull();
    await click(buttonByText(dialog(), 'Close'));
    expect(closed).toBe(1);
  });

  it('shows the server refusal inline', async () => {
    server.on('POST', 'local-runs', 400, {
      message: "no folder 'spaces/team/src/nowhere'",
      reason: 'not-found'
    });
    await open();
    expect(dialog().textContent).not.toContain('Register the model');
    await click(buttonByText(dialog(), 'Add channel'));
    await typeIn(byLabel(dialog(), 'Channel 1 name'), 'train');
    expect(dialog().textContent).toContain(
      'Every channel needs a folder or file.'
    );
    await typeIn(byLabel(dialog(), 'Channel 1 value'), 'nowhere');
    await click(dialog().querySelector<HTMLButtonElement>('[type="submit"]')!);
    expect(dialog().querySelector('[role="alert"]')!.textContent).toBe(
      "no folder 'spaces/team/src/nowhere'"
    );
  });

  it('stops a running run and shows its failure', async () => {
    let stopped = false;
    server.on('POST', 'local-runs', 201, makeRun());
    server.routes[`GET ${LOGS}`] = () => ({
      status: 200,
      body: stopped
        ? { text: '', offset: 8, complete: true, status: 'Stopped' }
        : { text: '', offset: 0, complete: false, status: 'InProgress' }
    });
    server.routes[`DELETE local-runs/${RUN_ID}`] = () => {
      stopped = true;
      return { status: 200, body: makeRun({ status: 'Stopped' }) };
    };
    server.on(
      'GET',
      `local-runs/${RUN_ID}`,
      200,
      makeRun({ status: 'Stopped', failure_reason: 'stopped by alice' })
    );
    await open();
    await click(dialog().querySelector<HTMLButtonElement>('[type="submit"]')!);
    await flush();
    await click(buttonByText(dialog(), 'Stop run'));
    await settle();
    expect(server.calls('DELETE', `local-runs/${RUN_ID}`)).toHaveLength(1);
    expect(dialog().querySelector('[role="status"]')!.textContent).toBe(
      'Run Stopped: stopped by alice'
    );
  });
});
