/**
 * The "Run training locally…" dialog: a space's script run on the server in
 * the SageMaker training layout (hyperparameters, channels, optionally
 * registered into a model group), then its output followed to the end.
 */
import { ServerConnection } from '@jupyterlab/services';
import * as React from 'react';

import { BADGE_CLASS } from '../../registry/widgets/classes';
import { CHECK_FIELD_CLASS, HINT_CLASS } from '../../sharing/widgets/classes';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  DIALOG_BUTTONS_CLASS,
  INPUT_CLASS
} from '../../widgets/classes';
import { ErrorMessage, Field, FormFooter, useAction } from '../../widgets/form';
import {
  IKeyValueRow,
  KeyValueEditor,
  keyValuesOf
} from '../../widgets/keyvalue';
import { Modal } from '../../widgets/modal';
import { asAPIError } from '../../polling';
import {
  channelProblem,
  getLocalRun,
  getLocalRunLog,
  hyperparameterProblem,
  ILocalRun,
  INewLocalRun,
  LocalRunStatus,
  startLocalRun,
  stopLocalRun
} from '../localruns';
import {
  BUILD_CONTEXT_CLASS,
  BUILD_FORM_CLASS,
  FIELD_PROBLEM_CLASS,
  LOCAL_RUN_CLASS,
  LOG_END_CLASS,
  LOG_LINE_CLASS
} from './classes';
import { LogPane } from './logpane';

/** The milliseconds between two chunks of a run's output. */
const POLL_INTERVAL = 500;

/** The folder of a path (`''` at the root). */
function folderOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0 ? '' : path.slice(0, index);
}

/** The file name of a path. */
function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A channel's path from the server root: as typed when it starts with
 * `spaces/`, else relative to the script's folder.
 */
export function channelPath(value: string, script: string): string {
  const typed = value.trim().replace(/^\/+/, '');
  if (typed.startsWith('spaces/')) {
    return typed;
  }
  const folder = folderOf(script);
  return folder ? `${folder}/${typed}` : typed;
}

/** The properties of the train dialog. */
export interface ITrainDialogProps {
  serverSettings: ServerConnection.ISettings;
  /** The script, from the server root. */
  path: string;
  /** The model groups a run may register into; none offered without it. */
  listGroups?: () => Promise<string[]>;
  onClose: () => void;
  /** The milliseconds between chunks of output, 500 by default. */
  pollInterval?: number;
}

/** Start a local training run of a script, then follow it. */
export function TrainDialog(props: ITrainDialogProps): JSX.Element {
  const { serverSettings, path, onClose, listGroups } = props;
  const [hyperparameters, setHyperparameters] = React.useState<IKeyValueRow[]>(
    []
  );
  const [channels, setChannels] = React.useState<IKeyValueRow[]>([]);
  const [groups, setGroups] = React.useState<string[] | null>(null);
  const [register, setRegister] = React.useState(false);
  const [group, setGroup] = React.useState('');
  const [run, setRun] = React.useState<ILocalRun | null>(null);
  const { busy, error, run: act } = useAction();

  React.useEffect(() => {
    let mounted = true;
    listGroups?.()
      .then(names => {
        if (mounted) {
          setGroups(names);
          setGroup(current => current || names[0] || '');
        }
      })
      // The groups cannot be listed: the group's name is typed instead.
      .catch(() => mounted && setGroups([]));
    return () => {
      mounted = false;
    };
  }, [listGroups]);

  const title = `Run ${fileName(path)} locally`;
  if (run) {
    return (
      <Modal title={title} onClose={onClose}>
        <LocalRunView
          serverSettings={serverSettings}
          run={run}
          pollInterval={props.pollInterval}
          onClose={onClose}
        />
      </Modal>
    );
  }

  const parsedHPs = keyValuesOf(
    hyperparameters,
    hyperparameterProblem,
    'hyperparameter'
  );
  const parsedChannels = keyValuesOf(channels, channelProblem, 'channel');
  const emptyChannel =
    'values' in parsedChannels &&
    Object.values(parsedChannels.values).some(value => !value.trim());
  const problem =
    ('error' in parsedHPs ? parsedHPs.error : null) ??
    ('error' in parsedChannels ? parsedChannels.error : null) ??
    (emptyChannel ? 'Every channel needs a folder or file.' : null);
  const valid = !problem && (!register || !!group.trim());

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !valid || 'error' in parsedHPs || 'error' in parsedChannels) {
      return;
    }
    const request: INewLocalRun = { entry_point: path };
    if (Object.keys(parsedHPs.values).length > 0) {
      request.hyperparameters = parsedHPs.values;
    }
    const named = Object.entries(parsedChannels.values);
    if (named.length > 0) {
      request.channels = {};
      for (const [name, value] of named) {
        request.channels[name] = channelPath(value, path);
      }
    }
    if (register) {
      request.register = { group: group.trim() };
    }
    await act(async () => setRun(await startLocalRun(request, serverSettings)));
  };

  return (
    <Modal title={title} onClose={onClose}>
      <form
        className={BUILD_FORM_CLASS}
        aria-label="Run training locally"
        onSubmit={submit}
      >
        <p className={BUILD_CONTEXT_CLASS}>
          Script: <code>{path}</code>
        </p>
        <p className={HINT_CLASS}>
          Run on this server as SageMaker would run it in a training container:
          /opt/ml/input/config, one folder per channel and the SM_* variables;
          the model directory is packed as model.tar.gz.
        </p>
        <KeyValueEditor
          legend="Hyperparameters"
          item="Hyperparameter"
          keyPlaceholder="epochs"
          valuePlaceholder="10"
          rows={hyperparameters}
          onChange={setHyperparameters}
        />
        <KeyValueEditor
          legend="Channels"
          item="Channel"
          keyPlaceholder="train"
          valuePlaceholder="data/train"
          rows={channels}
          onChange={setChannels}
        />
        <p className={HINT_CLASS}>
          A channel is a folder or file of a space: from the server root
          (spaces/…) or relative to the script’s folder.
        </p>
        {problem && <p className={FIELD_PROBLEM_CLASS}>{problem}</p>}
        {listGroups && (
          <>
            <label className={CHECK_FIELD_CLASS}>
              <input
                type="checkbox"
                name="register"
                checked={register}
                onChange={event => setRegister(event.target.checked)}
              />
              <span>Register the model in a model group</span>
            </label>
            {register && (
              <Field label="Model group">
                {groups && groups.length > 0 ? (
                  <select
                    className={INPUT_CLASS}
                    name="group"
                    value={group}
                    onChange={event => setGroup(event.target.value)}
                  >
                    {groups.map(name => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    className={INPUT_CLASS}
                    name="group"
                    value={group}
                    onChange={event => setGroup(event.target.value)}
                  />
                )}
              </Field>
            )}
          </>
        )}
        <FormFooter
          error={error}
          busy={busy}
          valid={valid}
          label="Run"
          busyLabel="Starting…"
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}

/** The end of a run, in words. */
export function runOutcome(run: ILocalRun): string {
  if (run.status === 'Completed') {
    const registered = run.registered;
    const where = !registered
      ? ''
      : registered.error
        ? ` Not registered: ${registered.error}`
        : ` Registered as ${registered.group} version ${registered.version}` +
          (registered.status ? ` (${registered.status}).` : '.');
    return `Run Completed.${run.model ? ` Model ${run.model.uri}.` : ''}${where}`;
  }
  return `Run ${run.status}${run.failure_reason ? `: ${run.failure_reason}` : '.'}`;
}

/** The properties of the run view. */
interface ILocalRunViewProps {
  serverSettings: ServerConnection.ISettings;
  run: ILocalRun;
  pollInterval?: number;
  onClose: () => void;
}

/** A run's output followed to its end, with Stop while it runs. */
function LocalRunView(props: ILocalRunViewProps): JSX.Element {
  const { serverSettings, onClose } = props;
  const [run, setRun] = React.useState(props.run);
  const [text, setText] = React.useState('');
  const [status, setStatus] = React.useState<LocalRunStatus>(props.run.status);
  const [complete, setComplete] = React.useState(false);
  const stopping = useAction();
  const [error, setError] = React.useState<unknown>(null);
  const id = props.run.id;
  const interval = props.pollInterval ?? POLL_INTERVAL;

  React.useEffect(() => {
    let offset = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    const step = async () => {
      try {
        const chunk = await getLocalRunLog(id, offset, serverSettings);
        if (!live) {
          return;
        }
        offset = chunk.offset;
        if (chunk.text) {
          setText(current => current + chunk.text);
        }
        setStatus(chunk.status);
        setError(null);
        if (chunk.complete) {
          const final = await getLocalRun(id, serverSettings);
          if (live) {
            setRun(final);
            setComplete(true);
          }
          return;
        }
      } catch (reason) {
        if (!live) {
          return;
        }
        setError(reason);
        const status = asAPIError(reason).status;
        if (status >= 400 && status < 500) {
          return;
        }
      }
      timer = setTimeout(() => void step(), interval);
    };
    void step();
    return () => {
      live = false;
      if (timer !== null) {
        clearTimeout(timer);
      }
    };
  }, [id, serverSettings, interval]);

  const name = fileName(run.entry_point ?? id);
  return (
    <div className={LOCAL_RUN_CLASS} aria-label={`Local run of ${name}`}>
      <p>
        <span className={BADGE_CLASS} data-status={status}>
          {status}
        </span>{' '}
        run <code>{id}</code> in {run.space}
      </p>
      <LogPane label={`Output of ${name}`} busy={!complete} size={text.length}>
        <div className={LOG_LINE_CLASS}>
          {text || (complete ? '(no output)' : 'Waiting for output…')}
        </div>
      </LogPane>
      {complete && (
        <p className={LOG_END_CLASS} data-status={run.status} role="status">
          {runOutcome(run)}
        </p>
      )}
      <ErrorMessage error={error ?? stopping.error} />
      <div className={DIALOG_BUTTONS_CLASS}>
        {!complete && status === 'InProgress' && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            disabled={stopping.busy}
            onClick={() =>
              void stopping.run(async () =>
                setRun(await stopLocalRun(id, serverSettings))
              )
            }
          >
            Stop run
          </button>
        )}
        <button type="button" className={BUTTON_CLASS} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
