/**
 * "Open in space…": the space (one the user writes), the folder and the
 * template's parameters as form fields, each checked against its declared
 * type before anything is sent; the server's error is shown inline.
 */
import * as React from 'react';

import type { ISpace } from '../../api';
import { FIELD_CLASS, INPUT_CLASS } from '../../widgets/classes';
import { FormDialog, TextField } from '../../widgets/form';
import type { ITemplate, ITemplateParameter, ITemplateUse } from '../api';
import {
  folderError,
  initialInputs,
  ParameterInput,
  parseParameters
} from '../parameters';
import {
  CHECKBOX_FIELD_CLASS,
  FIELD_ERROR_CLASS,
  OPEN_DIALOG_CLASS
} from './classes';

let nextId = 0;

/** The properties of a parameter field. */
interface IParameterFieldProps {
  parameter: ITemplateParameter;
  input: ParameterInput;
  /** Why the input is not a value of the parameter's type, if it is not. */
  error: string | undefined;
  /** The values it may take (a registry model's approved versions). */
  choices?: ReadonlyArray<string>;
  onChange: (input: ParameterInput) => void;
}

/** A parameter as a labelled control: a checkbox, a select or a text input. */
function ParameterField(props: IParameterFieldProps): JSX.Element {
  const { parameter, input, error, choices, onChange } = props;
  const [errorId] = React.useState(() => `jp-MlopsStudio-param-${++nextId}`);
  const label = `${parameter.name} (${parameter.type})`;
  if (parameter.type === 'boolean') {
    return (
      <label className={CHECKBOX_FIELD_CLASS} title={parameter.description}>
        <input
          type="checkbox"
          name={`parameter-${parameter.name}`}
          checked={input === true}
          onChange={event => onChange(event.target.checked)}
        />
        <span>{label}</span>
      </label>
    );
  }
  const common = {
    className: INPUT_CLASS,
    name: `parameter-${parameter.name}`,
    value: String(input),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined
  };
  return (
    <label className={FIELD_CLASS} title={parameter.description}>
      <span>{label}</span>
      {choices ? (
        <select {...common} onChange={event => onChange(event.target.value)}>
          {choices.map(choice => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={parameter.type === 'string' ? undefined : 'decimal'}
          autoComplete="off"
          spellCheck={false}
          placeholder={parameter.description}
          onChange={event => onChange(event.target.value)}
        />
      )}
      {error && (
        <small id={errorId} className={FIELD_ERROR_CLASS}>
          {parameter.name} {error}
        </small>
      )}
    </label>
  );
}

/**
 * The space written to, private and shared spaces in groups; without any
 * space the user may write, why nothing can be opened.
 */
function SpaceSelect(props: {
  spaces: ReadonlyArray<ISpace>;
  value: string;
  onChange: (space: string) => void;
}): JSX.Element {
  const { spaces, value, onChange } = props;
  const groups = (['private', 'shared'] as const)
    .map(sharing => ({
      sharing,
      names: spaces.filter(s => s.sharing === sharing).map(s => s.name)
    }))
    .filter(group => group.names.length > 0);
  return (
    <label className={FIELD_CLASS}>
      <span>Space</span>
      <select
        className={INPUT_CLASS}
        name="space"
        value={value}
        disabled={spaces.length === 0}
        onChange={event => onChange(event.target.value)}
      >
        {groups.map(group => (
          <optgroup key={group.sharing} label={`${group.sharing} spaces`}>
            {group.names.map(name => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {spaces.length === 0 && (
        <small role="alert" className={FIELD_ERROR_CLASS}>
          You can write in no space: create a private space first (New space… in
          the Studio sidebar).
        </small>
      )}
    </label>
  );
}

/** The properties of the "Open in space…" dialog. */
export interface IOpenInSpaceDialogProps {
  template: ITemplate;
  /** The spaces the user may write, the default first. */
  spaces: ReadonlyArray<ISpace>;
  /** The space chosen first (when it is among `spaces`), else the first. */
  initialSpace?: string | null;
  /** Instantiate (and open what was written); the dialog closes when it resolves. */
  onSubmit: (use: ITemplateUse) => Promise<unknown>;
  onClose: () => void;
}

/** A dialog copying a template into a space with its parameters. */
export function OpenInSpaceDialog(props: IOpenInSpaceDialogProps): JSX.Element {
  const { template, spaces, onSubmit, onClose } = props;
  const [space, setSpace] = React.useState(
    () =>
      spaces.find(item => item.name === props.initialSpace)?.name ??
      spaces[0]?.name ??
      ''
  );
  const [folder, setFolder] = React.useState(template.id);
  const [inputs, setInputs] = React.useState(() =>
    initialInputs(template.parameters)
  );
  const parsed = parseParameters(template.parameters, inputs);
  const badFolder = folderError(folder);
  const approved = template.registry?.approved_versions.map(String);

  return (
    <FormDialog
      title={`Open ${template.title}`}
      formLabel="Open in space"
      submitLabel="Open in space"
      valid={!!space && badFolder === null && parsed.valid}
      onSubmit={() =>
        onSubmit({
          space,
          folder: folder.trim(),
          parameters: parsed.values
        })
      }
      onClose={onClose}
    >
      <div className={OPEN_DIALOG_CLASS}>
        <SpaceSelect spaces={spaces} value={space} onChange={setSpace} />
        <TextField
          label="Folder"
          name="folder"
          value={folder}
          required
          onChange={setFolder}
        />
        {badFolder ? (
          <small className={FIELD_ERROR_CLASS}>{badFolder}</small>
        ) : (
          <small>
            A new folder of the space; if it exists, {folder.trim()}-2 (or the
            next free name) is used instead. Nothing is overwritten.
          </small>
        )}
        {template.parameters.length > 0 && (
          <fieldset aria-label="Parameters">
            <legend>Parameters</legend>
            {template.parameters.map(parameter => (
              <ParameterField
                key={parameter.name}
                parameter={parameter}
                input={inputs[parameter.name]}
                error={parsed.errors[parameter.name]}
                choices={parameter.name === 'version' ? approved : undefined}
                onChange={input =>
                  setInputs(current => ({
                    ...current,
                    [parameter.name]: input
                  }))
                }
              />
            ))}
          </fieldset>
        )}
      </div>
    </FormDialog>
  );
}
