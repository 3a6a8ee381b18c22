/**
 * The "Build image…" dialog: a space folder as build context, repository,
 * tag, Dockerfile, build arguments, backend and its options, a check of the
 * SageMaker container layout, and "Rebuild even if cached".
 */
import * as React from 'react';

import { BUTTON_CLASS, EMPTY_CLASS, INPUT_CLASS } from '../../widgets/classes';
import {
  ErrorMessage,
  Field,
  FormFooter,
  TextField,
  useAction
} from '../../widgets/form';
import {
  IKeyValueRow,
  KeyValueEditor,
  keyValuesOf
} from '../../widgets/keyvalue';
import { Modal } from '../../widgets/modal';
import { CHECK_FIELD_CLASS, HINT_CLASS } from '../../sharing/widgets/classes';
import {
  IBuild,
  IBuildBackend,
  ICodeBuildOptions,
  ILayoutCheck,
  INewBuild,
  LAYOUT_MODES,
  LayoutMode
} from '../api';
import type { ImageBuildsModel } from '../model';
import { buildArgProblem, repositoryProblem, tagProblem } from '../validate';
import {
  BUILD_CONTEXT_CLASS,
  BUILD_FORM_CLASS,
  FIELD_PROBLEM_CLASS,
  FINDING_CLASS,
  FINDINGS_CLASS,
  LAYOUT_ROW_CLASS
} from './classes';

/** The CodeBuild options the dialog offers, with their labels. */
const OPTION_FIELDS: ReadonlyArray<{
  name: 'role' | 'bucket' | 'compute_type';
  label: string;
  placeholder: string;
}> = [
  {
    name: 'role',
    label: 'Role ARN',
    placeholder: 'arn:aws:iam::<account>:role/<name>'
  },
  { name: 'bucket', label: 'S3 bucket', placeholder: 'the server’s bucket' },
  {
    name: 'compute_type',
    label: 'Compute type',
    placeholder: 'BUILD_GENERAL1_SMALL'
  }
];

/** The choice of the layout select that checks nothing. */
const NO_LAYOUT = 'none';

/**
 * The build arguments typed, as an object, or the first problem found (a
 * bad or repeated name). Rows without a name nor a value are ignored.
 */
export function buildArgsOf(
  rows: ReadonlyArray<IKeyValueRow>
): { values: Record<string, string> } | { error: string } {
  return keyValuesOf(rows, buildArgProblem, 'build argument');
}

/** The last segment of a path (the folder's name). */
function folderName(path: string): string {
  const parts = path.split('/').filter(part => part);
  return parts[parts.length - 1] ?? path;
}

/** A problem of a field, shown under it. */
function FieldProblem(props: {
  id: string;
  problem: string | null;
}): JSX.Element | null {
  return props.problem ? (
    <p id={props.id} className={FIELD_PROBLEM_CLASS}>
      {props.problem}
    </p>
  ) : null;
}

/** The findings of a layout check, each with its Dockerfile line. */
export function LayoutFindings(props: {
  check: ILayoutCheck;
  dockerfile: string;
}): JSX.Element {
  const { check, dockerfile } = props;
  if (check.findings.length === 0) {
    return (
      <p className={HINT_CLASS} role="status">
        {dockerfile} follows the SageMaker {check.mode} layout.
      </p>
    );
  }
  return (
    <ul
      className={FINDINGS_CLASS}
      aria-label={`Layout findings (${check.mode})`}
    >
      {check.findings.map((finding, index) => (
        <li
          key={index}
          className={FINDING_CLASS}
          data-level={finding.level}
          data-rule={finding.rule}
        >
          <strong>{finding.level}</strong>
          {finding.line !== null && (
            <span data-field="line">
              {' '}
              {dockerfile} line {finding.line}
            </span>
          )}
          : {finding.message}
        </li>
      ))}
    </ul>
  );
}

/** The properties of the build dialog. */
export interface IBuildDialogProps {
  model: ImageBuildsModel;
  /** The context folder's path from the server root (`spaces/<space>/...`). */
  context: string;
  /** Called with the build started (or served from the cache). */
  onStarted?: (build: IBuild) => void;
  onClose: () => void;
}

/**
 * A dialog starting a build of a space folder. What the server would refuse
 * (repository, tag, build argument names) is said under the field before
 * sending; what it refuses anyway is shown inline and the dialog stays.
 */
export function BuildDialog(props: IBuildDialogProps): JSX.Element {
  const { model, context, onClose } = props;
  const [repository, setRepository] = React.useState('');
  const [tag, setTag] = React.useState('latest');
  const [dockerfile, setDockerfile] = React.useState('Dockerfile');
  const [rows, setRows] = React.useState<IKeyValueRow[]>([]);
  const [backends, setBackends] = React.useState<IBuildBackend[] | null>(null);
  const [backendsError, setBackendsError] = React.useState<unknown>(null);
  const [backend, setBackend] = React.useState('');
  const [options, setOptions] = React.useState<Record<string, string>>({});
  const [layout, setLayout] = React.useState<LayoutMode | typeof NO_LAYOUT>(
    NO_LAYOUT
  );
  const [check, setCheck] = React.useState<ILayoutCheck | null>(null);
  const [rebuild, setRebuild] = React.useState(false);
  const checking = useAction();
  const { busy, error, run } = useAction();

  React.useEffect(() => {
    let mounted = true;
    model
      .listBackends()
      .then(items => {
        if (mounted) {
          setBackends(items);
          const first = items.find(item => item.available) ?? items[0];
          setBackend(first?.name ?? '');
        }
      })
      .catch(reason => {
        if (mounted) {
          setBackends([]);
          setBackendsError(reason);
        }
      });
    return () => {
      mounted = false;
    };
  }, [model]);

  const chosen = backends?.find(item => item.name === backend) ?? null;
  const repositoryIssue = repository ? repositoryProblem(repository) : null;
  const tagIssue = tagProblem(tag);
  const parsedArgs = buildArgsOf(rows);
  const argsIssue = 'error' in parsedArgs ? parsedArgs.error : null;
  const valid =
    !!repository &&
    !repositoryIssue &&
    !tagIssue &&
    !argsIssue &&
    !!dockerfile.trim() &&
    chosen !== null &&
    chosen.available;

  const runCheck = async () => {
    if (layout === NO_LAYOUT) {
      return;
    }
    setCheck(null);
    await checking.run(async () => {
      const path = `${context.replace(/\/+$/, '')}/${dockerfile.trim()}`;
      setCheck(await model.checkLayout({ dockerfile: path, mode: layout }));
    });
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !valid || 'error' in parsedArgs || !chosen) {
      return;
    }
    const request: INewBuild = {
      context,
      dockerfile: dockerfile.trim(),
      repository,
      tag,
      build_args: parsedArgs.values,
      backend: chosen.name,
      rebuild
    };
    const chosenOptions: ICodeBuildOptions = {};
    for (const field of OPTION_FIELDS) {
      const value = (options[field.name] ?? '').trim();
      if (value && chosen.options.includes(field.name)) {
        chosenOptions[field.name] = value;
      }
    }
    if (Object.keys(chosenOptions).length > 0) {
      request.options = chosenOptions;
    }
    if (layout !== NO_LAYOUT) {
      request.layout = layout;
    }
    await run(async () => {
      const build = await model.startBuild(request);
      props.onStarted?.(build);
      onClose();
    });
  };

  return (
    <Modal title={`Build image from ${folderName(context)}`} onClose={onClose}>
      <form
        className={BUILD_FORM_CLASS}
        aria-label="Build image"
        onSubmit={submit}
      >
        <p className={BUILD_CONTEXT_CLASS}>
          Context: <code>{context}</code>
        </p>
        <TextField
          label="Repository"
          name="repository"
          placeholder="team/trainer"
          value={repository}
          required
          initialFocus
          onChange={setRepository}
        />
        <FieldProblem id="repository-problem" problem={repositoryIssue} />
        <TextField label="Tag" name="tag" value={tag} onChange={setTag} />
        <FieldProblem id="tag-problem" problem={tagIssue} />
        <TextField
          label="Dockerfile"
          name="dockerfile"
          value={dockerfile}
          onChange={value => {
            setDockerfile(value);
            setCheck(null);
          }}
        />
        <p className={HINT_CLASS}>A path inside the context folder.</p>
        <KeyValueEditor
          legend="Build arguments"
          item="Build argument"
          keyPlaceholder="NAME"
          rows={rows}
          onChange={setRows}
        />
        <FieldProblem id="build-args-problem" problem={argsIssue} />
        <Field label="Backend">
          <select
            className={INPUT_CLASS}
            name="backend"
            value={backend}
            disabled={backends === null || backends.length === 0}
            onChange={event => setBackend(event.target.value)}
          >
            {(backends ?? []).map(item => (
              <option
                key={item.name}
                value={item.name}
                disabled={!item.available}
                title={item.problem ?? undefined}
              >
                {item.available
                  ? item.name
                  : `${item.name} (unavailable: ${item.problem ?? 'not configured'})`}
              </option>
            ))}
          </select>
        </Field>
        {backends === null ? (
          <p className={HINT_CLASS} aria-busy="true">
            Loading backends…
          </p>
        ) : backends.length === 0 && !backendsError ? (
          <p className={EMPTY_CLASS}>No build backend is configured.</p>
        ) : (
          backends
            .filter(item => !item.available)
            .map(item => (
              <p
                key={item.name}
                className={HINT_CLASS}
                data-backend={item.name}
              >
                {item.name} is unavailable: {item.problem}
              </p>
            ))
        )}
        <ErrorMessage error={backendsError} />
        {chosen &&
          OPTION_FIELDS.filter(field =>
            chosen.options.includes(field.name)
          ).map(field => (
            <TextField
              key={field.name}
              label={field.label}
              name={field.name}
              placeholder={field.placeholder}
              value={options[field.name] ?? ''}
              onChange={value =>
                setOptions(current => ({ ...current, [field.name]: value }))
              }
            />
          ))}
        <div className={LAYOUT_ROW_CLASS}>
          <Field label="SageMaker layout">
            <select
              className={INPUT_CLASS}
              name="layout"
              value={layout}
              onChange={event => {
                setLayout(event.target.value as LayoutMode);
                setCheck(null);
              }}
            >
              <option value={NO_LAYOUT}>Not checked</option>
              {LAYOUT_MODES.map(mode => (
                <option key={mode} value={mode}>
                  {mode}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="button"
            className={BUTTON_CLASS}
            disabled={
              layout === NO_LAYOUT || checking.busy || !dockerfile.trim()
            }
            onClick={() => void runCheck()}
          >
            {checking.busy ? 'Checking…' : 'Check layout'}
          </button>
        </div>
        {check && <LayoutFindings check={check} dockerfile={dockerfile} />}
        <ErrorMessage error={checking.error} />
        <label className={CHECK_FIELD_CLASS}>
          <input
            type="checkbox"
            name="rebuild"
            checked={rebuild}
            onChange={event => setRebuild(event.target.checked)}
          />
          <span>Rebuild even if cached</span>
        </label>
        <FormFooter
          error={error}
          busy={busy}
          valid={valid}
          label="Build"
          busyLabel="Starting…"
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}
