/**
 * A searchable list of named groups: a search box with the panel's toolbar
 * buttons, then the groups, one selectable button each. The registry's model
 * groups and the feature store's feature groups are shown with it.
 */
import * as React from 'react';

import type { GroupListModel } from '../polling';

import {
  EMPTY_CLASS,
  GROUP_BUTTON_CLASS,
  GROUP_DESCRIPTION_CLASS,
  GROUP_ITEM_CLASS,
  GROUP_LIST_CLASS,
  GROUP_META_CLASS,
  GROUP_NAME_CLASS,
  SELECTED_CLASS
} from './classes';
import { TextInput } from './form';

/** What a listed group has. */
export interface INamedGroup {
  name: string;
  description: string;
}

/** What a group list shows and reports, whichever panel it is in. */
export interface IGroupListState<T extends INamedGroup> {
  /** The groups shown (already filtered). */
  groups: ReadonlyArray<T>;
  /** Whether any group exists (to tell "none" from "none matching"). */
  total: number;
  filter: string;
  selected: string | null;
  onFilter: (filter: string) => void;
  onSelect: (name: string) => void;
}

/** The list state of a group list model: its filtered groups, filter and selection. */
export function groupListState<T extends INamedGroup>(
  model: GroupListModel<T>
): IGroupListState<T> {
  return {
    groups: model.filteredGroups,
    total: model.groups.length,
    filter: model.filter,
    selected: model.selectedGroup,
    onFilter: filter => (model.filter = filter),
    onSelect: name => void model.selectGroup(name)
  };
}

/** The properties of a searchable group list. */
export interface ISearchableGroupListProps<
  T extends INamedGroup
> extends IGroupListState<T> {
  /** The class of the toolbar holding the search box. */
  toolbarClass: string;
  /** What follows the search box in the toolbar (buttons). */
  toolbar?: React.ReactNode;
  /** The accessible label of the search box, e.g. "Search model groups". */
  searchLabel: string;
  /** The accessible label of the list, e.g. "Model groups". */
  listLabel: string;
  /** The text shown when no group exists at all. */
  noneText: string;
  /** The meta line of a group. */
  meta: (group: T) => string;
  /** The `data-field` of the meta line, if any. */
  metaField?: string;
}

/** A list of groups with its search box and toolbar. */
export function SearchableGroupList<T extends INamedGroup>(
  props: ISearchableGroupListProps<T>
): JSX.Element {
  const { groups, total, filter, selected } = props;
  return (
    <>
      <div className={props.toolbarClass}>
        <TextInput
          type="search"
          label={props.searchLabel}
          placeholder="Search by name"
          value={filter}
          onChange={props.onFilter}
        />
        {props.toolbar}
      </div>
      {groups.length === 0 ? (
        <p className={EMPTY_CLASS}>
          {total === 0 ? props.noneText : 'No group matches.'}
        </p>
      ) : (
        <ul className={GROUP_LIST_CLASS} aria-label={props.listLabel}>
          {groups.map(group => {
            const isSelected = group.name === selected;
            return (
              <li
                key={group.name}
                className={
                  GROUP_ITEM_CLASS + (isSelected ? ` ${SELECTED_CLASS}` : '')
                }
                aria-label={group.name}
                data-group={group.name}
              >
                <button
                  type="button"
                  className={GROUP_BUTTON_CLASS}
                  aria-current={isSelected ? 'true' : undefined}
                  onClick={() => props.onSelect(group.name)}
                >
                  <span className={GROUP_NAME_CLASS}>{group.name}</span>
                  <span
                    className={GROUP_META_CLASS}
                    data-field={props.metaField}
                  >
                    {props.meta(group)}
                  </span>
                  {group.description && (
                    <span className={GROUP_DESCRIPTION_CLASS}>
                      {group.description}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
