/**
 * The "New project…" dialog: a name, a shared space the user can write, a
 * project template of the gallery and the template's parameters.
 *
 * What the server would refuse (the name, a parameter of the wrong type) is
 * said under the field before sending; what it refuses anyway (409 name
 * clash, 403) is shown inline and the dialog stays open.
 */
import * as React from 'react';

import type { ISpace } from '../../api';
import { FIELD_PROBLEM_CLASS } from '../../images/widgets/classes';
import { CHECK_FIELD_CLASS, HINT_CLASS } from '../../sharing/widgets/classes';
import { EMPTY_CLASS, INPUT_CLASS } from '../../widgets/classes';
import {
  ErrorMessage,
  Field,
  FormDialog,
  SelectField,
  TextField
} from '../../widgets/form';
import type { ITemplate, ITemplateSummary } from '../../gallery/api';
import {
  initialInput,
  ParameterInput,
  parseParameters
} from '../../gallery/parameters';
import type { IProject } from '../api';
import type { ProjectsModel } from '../model';
import { projectNameProblem } from '../validate';
import { PARAMETERS_CLASS, PROJECT_FORM_CLASS } from './classes';

/** A problem of a field, shown under it. */
function FieldProblem(props: { problem: string | null }): JSX.Element | null {
  return props.problem ? (
    <p className={FIELD_PROBLEM_CLASS}>{props.problem}</p>
  ) : null;
}

/** The properties of the parameter fields. */
export interface IParameterFieldsProps {
  template: ITemplate;
  inputs: Readonly<Record<string, ParameterInput>>;
  onChange: (name: string, input: ParameterInput) => void;
}

/**
 * A field per template parameter: a checkbox for a boolean, a text input
 * otherwise, each with its description and the problem of what was typed.
 */
export function ParameterFields(props: IParameterFieldsProps): JSX.Element {
  const { template, inputs, onChange } = props;
  const { errors } = parseParameters(template.parameters, inputs);
  if (template.parameters.length === 0) {
    return <p className={HINT_CLASS}>This template has no parameters.</p>;
  }
  return (
    <fieldset className={PARAMETERS_CLASS}>
      <legend>Parameters</legend>
      {template.parameters.map(parameter => {
        const input = inputs[parameter.name] ?? initialInput(parameter);
        const error = errors[parameter.name];
        return (
          <div key={parameter.name} data-parameter={parameter.name}>
            {parameter.type === 'boolean' ? (
              <label className={CHECK_FIELD_CLASS}>
                <input
                  type="checkbox"
                  name={parameter.name}
                  checked={input === true}
                  onChange={event =>
                    onChange(parameter.name, event.target.checked)
                  }
                />
                <span>{parameter.name}</span>
              </label>
            ) : (
              <TextField
                label={`${parameter.name} (${parameter.type})`}
                name={parameter.name}
                value={String(input)}
                onChange={value => onChange(parameter.name, value)}
              />
            )}
            {parameter.description && (
              <p className={HINT_CLASS}>{parameter.description}</p>
            )}
            <FieldProblem
              problem={error ? `${parameter.name} ${error}.` : null}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

/** The properties of the new-project dialog. */
export interface INewProjectDialogProps {
  model: ProjectsModel;
  /** The spaces a project may be created in (shared, the user edits them). */
  spaces: ReadonlyArray<ISpace>;
  /** Called with the project created. */
  onCreated?: (project: IProject) => void;
  onClose: () => void;
}

/** A dialog creating a project from a project template. */
export function NewProjectDialog(props: INewProjectDialogProps): JSX.Element {
  const { model, spaces, onCreated, onClose } = props;
  const [name, setName] = React.useState('');
  const [space, setSpace] = React.useState(spaces[0]?.name ?? '');
  const [templates, setTemplates] = React.useState<ITemplateSummary[] | null>(
    null
  );
  const [templateId, setTemplateId] = React.useState('');
  const [template, setTemplate] = React.useState<ITemplate | null>(null);
  const [inputs, setInputs] = React.useState<Record<string, ParameterInput>>(
    {}
  );
  const [loadError, setLoadError] = React.useState<unknown>(null);

  React.useEffect(() => {
    let mounted = true;
    model
      .listTemplates()
      .then(items => {
        if (mounted) {
          setTemplates(items);
          setTemplateId(items[0]?.id ?? '');
        }
      })
      .catch(reason => {
        if (mounted) {
          setTemplates([]);
          setLoadError(reason);
        }
      });
    return () => {
      mounted = false;
    };
  }, [model]);

  // The chosen template's manifest, for its parameters.
  React.useEffect(() => {
    let mounted = true;
    setTemplate(null);
    setInputs({});
    if (!templateId) {
      return;
    }
    model
      .getTemplate(templateId)
      .then(manifest => mounted && setTemplate(manifest))
      .catch(reason => mounted && setLoadError(reason));
    return () => {
      mounted = false;
    };
  }, [model, templateId]);

  // Keep a space chosen when the spaces arrive or change.
  React.useEffect(() => {
    if (!spaces.some(item => item.name === space)) {
      setSpace(spaces[0]?.name ?? '');
    }
  }, [spaces, space]);

  const nameProblem = name ? projectNameProblem(name) : null;
  const parsed = template ? parseParameters(template.parameters, inputs) : null;
  const valid =
    !!name &&
    !nameProblem &&
    spaces.some(item => item.name === space) &&
    template !== null &&
    template.id === templateId &&
    !!parsed?.valid;

  const create = async () => {
    if (!template || !parsed?.valid) {
      return;
    }
    const project = await model.createProject({
      name,
      space,
      template: template.id,
      parameters: parsed.values
    });
    onCreated?.(project);
  };

  const chosen = templates?.find(item => item.id === templateId) ?? null;

  return (
    <FormDialog
      title="New project"
      formLabel="New project"
      submitLabel="Create project"
      valid={valid}
      onSubmit={create}
      onClose={onClose}
    >
      <div className={PROJECT_FORM_CLASS}>
        <TextField
          label="Project name"
          name="name"
          value={name}
          required
          initialFocus
          onChange={setName}
        />
        <FieldProblem problem={nameProblem} />
        <p className={HINT_CLASS}>
          Also the repository folder in the space; the model group is named
          after it.
        </p>
        {spaces.length === 0 ? (
          <p className={EMPTY_CLASS} role="status">
            No shared space you can write to: projects live in shared spaces
            where you are an editor or owner. Create a shared space first.
          </p>
        ) : (
          <SelectField
            label="Space"
            name="space"
            value={space}
            options={spaces.map(item => item.name)}
            onChange={setSpace}
          />
        )}
        <Field label="Template">
          <select
            className={INPUT_CLASS}
            name="template"
            value={templateId}
            disabled={!templates || templates.length === 0}
            onChange={event => setTemplateId(event.target.value)}
          >
            {(templates ?? []).map(item => (
              <option key={item.id} value={item.id}>
                {item.title}
              </option>
            ))}
          </select>
        </Field>
        {templates === null ? (
          <p className={HINT_CLASS} aria-busy="true">
            Loading project templates…
          </p>
        ) : templates.length === 0 && !loadError ? (
          <p className={EMPTY_CLASS}>The gallery has no project template.</p>
        ) : (
          chosen?.description && (
            <p className={HINT_CLASS}>{chosen.description}</p>
          )
        )}
        {templateId && template === null && !loadError && (
          <p className={HINT_CLASS} aria-busy="true">
            Loading parameters…
          </p>
        )}
        {template && (
          <ParameterFields
            template={template}
            inputs={inputs}
            onChange={(key, input) =>
              setInputs(current => ({ ...current, [key]: input }))
            }
          />
        )}
        <ErrorMessage error={loadError} />
      </div>
    </FormDialog>
  );
}
