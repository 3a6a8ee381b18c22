/**
 * The search side of the gallery: the search box, the facet filters with
 * their counts, and the template cards.
 */
import * as React from 'react';

import { BADGE_CLASS } from '../../registry/widgets/classes';
import { CHIP_CLASS, EMPTY_CLASS, SELECTED_CLASS } from '../../widgets/classes';
import { TextInput } from '../../widgets/form';
import type { Facet, ITemplateSummary } from '../api';
import type { IFacetValue } from '../model';
import {
  CARD_BUTTON_CLASS,
  CARD_CLASS,
  CARD_DESCRIPTION_CLASS,
  CARD_META_CLASS,
  CARD_TITLE_CLASS,
  CARDS_CLASS,
  FACET_CLASS,
  FACET_COUNT_CLASS,
  FACET_VALUE_CLASS,
  FINE_TUNABLE_CLASS,
  TAGS_CLASS,
  TYPE_BADGE_CLASS
} from './classes';

/** The label of each facet. */
export const FACET_LABELS: Record<Facet, string> = {
  type: 'Type',
  task: 'Task',
  framework: 'Framework',
  fine_tunable: 'Fine-tunable'
};

/** A facet value as shown (`true`/`false` of fine-tunable as Yes/No). */
export function facetValueLabel(facet: Facet, value: string): string {
  if (facet === 'fine_tunable') {
    return value === 'true' ? 'Yes' : value === 'false' ? 'No' : value;
  }
  return value;
}

/** The properties of a facet filter. */
export interface IFacetFilterProps {
  facet: Facet;
  values: ReadonlyArray<IFacetValue>;
  /** Filter by a value, or clear the filter with `null`. */
  onFilter: (facet: Facet, value: string | null) => void;
}

/**
 * The values of a facet as toggle buttons with their counts: pressing one
 * filters by it, pressing it again clears the filter.
 */
export function FacetFilter(props: IFacetFilterProps): JSX.Element {
  const { facet, values, onFilter } = props;
  return (
    <fieldset className={FACET_CLASS} data-facet={facet}>
      <legend>{FACET_LABELS[facet]}</legend>
      {values.length === 0 ? (
        <p className={EMPTY_CLASS}>None.</p>
      ) : (
        values.map(item => {
          const label = facetValueLabel(facet, item.value);
          return (
            <button
              key={item.value}
              type="button"
              className={
                FACET_VALUE_CLASS + (item.selected ? ` ${SELECTED_CLASS}` : '')
              }
              aria-pressed={item.selected}
              aria-label={`${label} (${item.count})`}
              data-value={item.value}
              onClick={() => onFilter(facet, item.selected ? null : item.value)}
            >
              <span>{label}</span>
              <span className={FACET_COUNT_CLASS}>{item.count}</span>
            </button>
          );
        })
      )}
    </fieldset>
  );
}

/** The properties of the search box. */
export interface ISearchBoxProps {
  query: string;
  onQuery: (query: string) => void;
}

/** The search box of the gallery. */
export function SearchBox(props: ISearchBoxProps): JSX.Element {
  return (
    <TextInput
      type="search"
      label="Search templates"
      placeholder="Search title, description, tags"
      value={props.query}
      onChange={props.onQuery}
    />
  );
}

/** The type and fine-tunable badges of a template. */
export function TemplateBadges(props: {
  template: ITemplateSummary;
}): JSX.Element {
  const { template } = props;
  return (
    <>
      <span
        className={`${BADGE_CLASS} ${TYPE_BADGE_CLASS}`}
        data-type={template.type}
      >
        {template.type}
      </span>
      {template.fine_tunable && (
        <span className={`${BADGE_CLASS} ${FINE_TUNABLE_CLASS}`}>
          fine-tunable
        </span>
      )}
    </>
  );
}

/** The tags of a template as chips (spans: they may sit inside a button). */
export function TemplateTags(props: {
  tags: ReadonlyArray<string>;
}): JSX.Element | null {
  if (props.tags.length === 0) {
    return null;
  }
  return (
    <span className={TAGS_CLASS} aria-label="Tags">
      {props.tags.map(tag => (
        <span key={tag} className={CHIP_CLASS}>
          {tag}
        </span>
      ))}
    </span>
  );
}

/** The properties of a template card. */
interface ITemplateCardProps {
  template: ITemplateSummary;
  selected: boolean;
  onSelect: (id: string) => void;
}

/**
 * A template as a card: a button named by the title and described by the
 * rest (badges, task, framework, description).
 */
function TemplateCard(props: ITemplateCardProps): JSX.Element {
  const { template, selected, onSelect } = props;
  const id = React.useId();
  return (
    <li
      className={CARD_CLASS + (selected ? ` ${SELECTED_CLASS}` : '')}
      aria-label={template.title}
      data-template={template.id}
    >
      <button
        type="button"
        className={CARD_BUTTON_CLASS}
        aria-current={selected ? 'true' : undefined}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-meta ${id}-description`}
        onClick={() => onSelect(template.id)}
      >
        <span id={`${id}-title`} className={CARD_TITLE_CLASS}>
          {template.title}
        </span>
        <span id={`${id}-meta`} className={CARD_META_CLASS}>
          <TemplateBadges template={template} />
          <span data-field="task">{template.task}</span>
          <span data-field="framework">{template.framework}</span>
        </span>
        <span id={`${id}-description`} className={CARD_DESCRIPTION_CLASS}>
          {template.description}
        </span>
        <TemplateTags tags={template.tags} />
      </button>
    </li>
  );
}

/** The properties of the template cards. */
export interface ITemplateCardsProps {
  templates: ReadonlyArray<ITemplateSummary>;
  selected: string | null;
  onSelect: (id: string) => void;
}

/** The templates as cards; a card shows its template's details when clicked. */
export function TemplateCards(props: ITemplateCardsProps): JSX.Element {
  const { templates, selected, onSelect } = props;
  return (
    <ul className={CARDS_CLASS} aria-label="Templates">
      {templates.map(template => (
        <TemplateCard
          key={template.id}
          template={template}
          selected={template.id === selected}
          onSelect={onSelect}
        />
      ))}
    </ul>
  );
}
