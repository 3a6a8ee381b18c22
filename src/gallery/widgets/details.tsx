/**
 * The details of the selected template: its manifest (description, tags,
 * requirements, parameters, files) and the "Open in space…" action.
 */
import * as React from 'react';

import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  PRIMARY_BUTTON_CLASS,
  SUBHEADING_CLASS
} from '../../widgets/classes';
import { DETAILS_GRID_CLASS } from '../../registry/widgets/classes';
import type { ITemplate, ITemplateParameter } from '../api';
import {
  CARD_META_CLASS,
  FILES_CLASS,
  GALLERY_HEADING_CLASS,
  PARAMETERS_TABLE_CLASS,
  REQUIREMENTS_CLASS
} from './classes';
import { TemplateBadges, TemplateTags } from './cards';

/** A size in bytes, in B, KiB or MiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A parameter's default as shown; `required` when it has none. */
export function defaultText(parameter: ITemplateParameter): string {
  if (parameter.default === undefined) {
    return 'required';
  }
  return typeof parameter.default === 'string'
    ? JSON.stringify(parameter.default)
    : String(parameter.default);
}

/** Where a template comes from, e.g. `builtin (jupyter_mlops_studio)`. */
function sourceText(template: ITemplate): string {
  return template.source_name
    ? `${template.source} (${template.source_name})`
    : template.source;
}

/** The parameters of a template as a table. */
function ParametersTable(props: {
  parameters: ReadonlyArray<ITemplateParameter>;
}): JSX.Element {
  const { parameters } = props;
  if (parameters.length === 0) {
    return <p className={EMPTY_CLASS}>No parameters.</p>;
  }
  return (
    <table className={PARAMETERS_TABLE_CLASS} aria-label="Parameters">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Default</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {parameters.map(parameter => (
          <tr key={parameter.name} aria-label={parameter.name}>
            <td>
              <code>{parameter.name}</code>
            </td>
            <td>{parameter.type}</td>
            <td>{defaultText(parameter)}</td>
            <td>{parameter.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The properties of the template details. */
export interface ITemplateDetailsProps {
  template: ITemplate;
  /** Start "Open in space…"; the button is disabled without it. */
  onOpen?: () => void;
  /** Why the template cannot be opened, shown next to the disabled button. */
  openHint?: string;
  /** Start removing it from the domain catalog; no button without it. */
  onRemove?: () => void;
  onClose: () => void;
}

/** A template's manifest and the action using it. */
export function TemplateDetails(props: ITemplateDetailsProps): JSX.Element {
  const { template, onOpen, openHint, onRemove, onClose } = props;
  const registry = template.registry;
  return (
    <>
      <h2 className={GALLERY_HEADING_CLASS}>{template.title}</h2>
      <p className={CARD_META_CLASS}>
        <TemplateBadges template={template} />
      </p>
      <div>
        <button
          type="button"
          className={PRIMARY_BUTTON_CLASS}
          disabled={!onOpen}
          onClick={onOpen}
        >
          Open in space…
        </button>{' '}
        <button type="button" className={BUTTON_CLASS} onClick={onClose}>
          Close details
        </button>{' '}
        {onRemove && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            onClick={onRemove}
          >
            Remove from catalog…
          </button>
        )}
        {!onOpen && openHint && <p className={EMPTY_CLASS}>{openHint}</p>}
      </div>
      {template.description && <p>{template.description}</p>}
      <dl className={DETAILS_GRID_CLASS} aria-label="Manifest">
        <dt>Id</dt>
        <dd>
          <code>{template.id}</code>
        </dd>
        <dt>Task</dt>
        <dd>{template.task}</dd>
        <dt>Framework</dt>
        <dd>{template.framework}</dd>
        <dt>Source</dt>
        <dd>{sourceText(template)}</dd>
        <dt>Opens</dt>
        <dd>{template.main ?? 'nothing (the folder is shown)'}</dd>
        {registry && (
          <>
            <dt>Model group</dt>
            <dd>{registry.group}</dd>
            <dt>Approved versions</dt>
            <dd>{registry.approved_versions.join(', ') || 'none'}</dd>
          </>
        )}
      </dl>
      {template.type === 'project' && (
        <p className={EMPTY_CLASS}>
          Opening a project template copies its files only; create a project
          from the Projects section of the Studio sidebar to get its repository,
          model group and pipeline.
        </p>
      )}
      <TemplateTags tags={template.tags} />
      <h3 className={SUBHEADING_CLASS}>Requirements</h3>
      {template.requirements.length === 0 ? (
        <p className={EMPTY_CLASS}>None.</p>
      ) : (
        <ul className={REQUIREMENTS_CLASS} aria-label="Requirements">
          {template.requirements.map(requirement => (
            <li key={requirement}>
              <code>{requirement}</code>
            </li>
          ))}
        </ul>
      )}
      <h3 className={SUBHEADING_CLASS}>Parameters</h3>
      <ParametersTable parameters={template.parameters} />
      <h3 className={SUBHEADING_CLASS}>Files</h3>
      <ul className={FILES_CLASS} aria-label="Files">
        {template.files.map(file => (
          <li key={file.path}>
            <code>{file.path}</code> <span>{formatSize(file.size)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
