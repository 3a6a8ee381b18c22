/**
 * The details of the selected version: framework, artifact, hyperparameters,
 * lineage, model card, gate results, audit trail and the allowed actions.
 */
import * as React from 'react';

import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  PRIMARY_BUTTON_CLASS,
  SUBHEADING_CLASS
} from '../../widgets/classes';
import {
  ErrorMessage,
  InlineForm,
  TextInput,
  useAction
} from '../../widgets/form';
import type { IAuditEntry, IRegistryVersion } from '../api';
import { notebookPath } from '../model';
import { formatMetric } from './chart';
import {
  ACTIONS_CLASS,
  ALIAS_CLASS,
  ALIAS_FORM_CLASS,
  AUDIT_LIST_CLASS,
  DETAILS_CLASS,
  DETAILS_GRID_CLASS,
  GATE_LIST_CLASS,
  LINK_CLASS,
  MODEL_CARD_CLASS,
  SECTION_TITLE_CLASS
} from './classes';
import { REVIEW_VERBS, ReviewStatus } from './dialogs';
import { AliasChips, DateText, StatusBadge } from './versions';

/** A JSON value shown compactly. */
function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A definition list of entries (after `children`, more entries rendered by
 * the caller), or a placeholder when there are none.
 */
function EntryList(props: {
  label: string;
  entries: ReadonlyArray<[string, unknown]>;
  children?: React.ReactNode;
}): JSX.Element {
  const { entries, children } = props;
  if (entries.length === 0 && !children) {
    return <p className={EMPTY_CLASS}>None.</p>;
  }
  return (
    <dl className={DETAILS_GRID_CLASS} aria-label={props.label}>
      {children}
      {entries.map(([key, value]) => (
        <React.Fragment key={key}>
          <dt>{key}</dt>
          <dd>{show(value)}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

/** The properties of the alias form. */
interface IAliasFormProps {
  version: IRegistryVersion;
  onSetAlias: (alias: string, version: number) => Promise<unknown>;
  onDeleteAlias: (alias: string) => Promise<unknown>;
}

/** Set an alias on the version, or remove one of its aliases. */
function AliasForm(props: IAliasFormProps): JSX.Element {
  const { version, onSetAlias, onDeleteAlias } = props;
  const [alias, setAlias] = React.useState('');
  const { busy, error, run } = useAction();

  const add = async () => {
    if (await run(() => onSetAlias(alias.trim(), version.version))) {
      setAlias('');
    }
  };

  return (
    <div className={ALIAS_FORM_CLASS}>
      {version.aliases.length > 0 && (
        <ul aria-label="Aliases">
          {version.aliases.map(name => (
            <li key={name} className={ALIAS_CLASS}>
              {name}
              <button
                type="button"
                className={BUTTON_CLASS}
                aria-label={`Remove alias ${name}`}
                title={`Remove the alias ${name}`}
                disabled={busy}
                onClick={() => void run(() => onDeleteAlias(name))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <InlineForm
        submitLabel="Set alias"
        disabled={busy || !alias.trim()}
        onSubmit={() => void add()}
      >
        <TextInput
          label="Alias"
          placeholder="e.g. production"
          value={alias}
          onChange={setAlias}
        />
      </InlineForm>
      <ErrorMessage error={error} />
    </div>
  );
}

/** The audit trail of a version, oldest first. */
export function AuditTrail(props: {
  entries: ReadonlyArray<IAuditEntry> | null;
}): JSX.Element {
  const { entries } = props;
  if (entries === null) {
    return <p aria-busy="true">Loading the audit trail…</p>;
  }
  if (entries.length === 0) {
    return <p className={EMPTY_CLASS}>No audit entries.</p>;
  }
  return (
    <ol className={AUDIT_LIST_CLASS} aria-label="Audit trail">
      {entries.map(entry => (
        <li key={entry.id} data-kind={entry.kind}>
          <DateText value={entry.at} /> · <strong>{entry.actor}</strong>{' '}
          {entry.kind === 'alias' ? (
            'moved an alias'
          ) : (
            <>
              {entry.kind === 'override' ? 'overrode the gate: ' : ''}
              {entry.from_status ?? '—'} → {entry.to_status ?? '—'}
            </>
          )}
          {entry.comment && <>: “{entry.comment}”</>}
        </li>
      ))}
    </ol>
  );
}

/** The statuses a reviewer can give, in the order of their buttons. */
const REVIEW_STATUSES: ReadonlyArray<ReviewStatus> = ['Approved', 'Rejected'];

/** The properties of the version details. */
export interface IVersionDetailsProps {
  version: IRegistryVersion;
  audit: ReadonlyArray<IAuditEntry> | null;
  /** Whether to show Approve / Reject (`registry:approve`). */
  canApprove: boolean;
  /** Whether to show the alias editor (`registry:groups`). */
  canEditAliases: boolean;
  onStatus: (status: ReviewStatus) => void;
  onSetAlias: (alias: string, version: number) => Promise<unknown>;
  onDeleteAlias: (alias: string) => Promise<unknown>;
  /** Open a notebook by its server path; the lineage shows plain text without it. */
  onOpenNotebook?: (path: string) => void;
}

/** The details of a version and its actions. */
export function VersionDetails(props: IVersionDetailsProps): JSX.Element {
  const { version, audit, canApprove, canEditAliases, onOpenNotebook } = props;
  const headingId = `jp-MlopsStudio-version-${version.group}-${version.version}`;
  const notebook = notebookPath(version.lineage);
  const lineage = Object.entries(version.lineage).filter(
    ([key]) => key !== 'notebook'
  );
  return (
    <section className={DETAILS_CLASS} aria-labelledby={headingId}>
      <h3 id={headingId} className={SECTION_TITLE_CLASS}>
        Version {version.version} <StatusBadge status={version.status} />
      </h3>
      {version.status_comment && (
        <p data-field="status_comment">“{version.status_comment}”</p>
      )}
      {canApprove && (
        <div className={ACTIONS_CLASS}>
          {REVIEW_STATUSES.map(status => (
            <button
              key={status}
              type="button"
              className={
                status === 'Rejected'
                  ? DANGER_BUTTON_CLASS
                  : PRIMARY_BUTTON_CLASS
              }
              disabled={version.status === status}
              title={
                version.status === status
                  ? `This version is ${status.toLowerCase()}`
                  : `${REVIEW_VERBS[status]} version ${version.version}`
              }
              onClick={() => props.onStatus(status)}
            >
              {REVIEW_VERBS[status]}
            </button>
          ))}
        </div>
      )}
      {version.description && <p>{version.description}</p>}

      <h4 className={SUBHEADING_CLASS}>Model</h4>
      <dl className={DETAILS_GRID_CLASS} aria-label="Model">
        <dt>Framework</dt>
        <dd data-field="framework">
          {version.framework || '—'}
          {version.framework_version && ` ${version.framework_version}`}
        </dd>
        <dt>Artifact</dt>
        <dd data-field="artifact">
          {version.artifact ? (
            <>
              <code>{version.artifact.uri}</code>
              {version.artifact.digest && (
                <>
                  <br />
                  <code title="Digest">{version.artifact.digest}</code>
                </>
              )}
            </>
          ) : (
            'none'
          )}
        </dd>
        <dt>Registered by</dt>
        <dd>
          {version.registered_by} · <DateText value={version.created_at} />
        </dd>
      </dl>

      <h4 className={SUBHEADING_CLASS}>Aliases</h4>
      {canEditAliases ? (
        <AliasForm
          version={version}
          onSetAlias={props.onSetAlias}
          onDeleteAlias={props.onDeleteAlias}
        />
      ) : version.aliases.length ? (
        <p>
          <AliasChips aliases={version.aliases} />
        </p>
      ) : (
        <p className={EMPTY_CLASS}>None.</p>
      )}

      <h4 className={SUBHEADING_CLASS}>Metrics</h4>
      <EntryList
        label="Metrics"
        entries={Object.entries(version.metrics).map(([name, value]) => [
          name,
          formatMetric(value)
        ])}
      />

      <h4 className={SUBHEADING_CLASS}>Hyperparameters</h4>
      <EntryList
        label="Hyperparameters"
        entries={Object.entries(version.hyperparameters)}
      />

      <h4 className={SUBHEADING_CLASS}>Lineage</h4>
      <EntryList label="Lineage" entries={lineage}>
        {notebook !== null && (
          <>
            <dt>Notebook</dt>
            <dd>
              {onOpenNotebook ? (
                <a
                  href="#"
                  className={LINK_CLASS}
                  title={`Open ${notebook}`}
                  onClick={event => {
                    event.preventDefault();
                    onOpenNotebook(notebook);
                  }}
                >
                  {notebook}
                </a>
              ) : (
                <code>{notebook}</code>
              )}
            </dd>
          </>
        )}
      </EntryList>

      <h4 className={SUBHEADING_CLASS}>Quality gate</h4>
      {version.gate === null || version.gate.results.length === 0 ? (
        <p className={EMPTY_CLASS}>No gate rules applied.</p>
      ) : (
        <>
          <p data-field="gate">
            {version.gate.passed ? 'Passed' : 'Failed'}
            {version.gate.overridden && ' (overridden)'}
          </p>
          <ul className={GATE_LIST_CLASS} aria-label="Gate results">
            {version.gate.results.map((result, index) => (
              <li key={index} data-passed={result.passed ? 'true' : 'false'}>
                {result.passed ? '✓' : '✗'} {result.message}
              </li>
            ))}
          </ul>
        </>
      )}

      <h4 className={SUBHEADING_CLASS}>Model card</h4>
      {version.model_card && version.model_card.markdown ? (
        <>
          <p data-field="model_card_status">
            Status: {version.model_card.status}
          </p>
          <pre className={MODEL_CARD_CLASS} aria-label="Model card">
            {version.model_card.markdown}
          </pre>
        </>
      ) : (
        <p className={EMPTY_CLASS}>No model card.</p>
      )}

      <h4 className={SUBHEADING_CLASS}>Audit trail</h4>
      <AuditTrail entries={audit} />
    </section>
  );
}
