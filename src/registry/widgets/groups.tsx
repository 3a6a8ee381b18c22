/**
 * The left column of the registry: the model package groups, a search box
 * and the "New group" button.
 */
import * as React from 'react';

import { EMPTY_CLASS, PRIMARY_BUTTON_CLASS } from '../../widgets/classes';
import { TextInput } from '../../widgets/form';
import type { IRegistryGroup } from '../api';
import {
  GROUP_BUTTON_CLASS,
  GROUP_DESCRIPTION_CLASS,
  GROUP_ITEM_CLASS,
  GROUP_LIST_CLASS,
  GROUP_META_CLASS,
  GROUP_NAME_CLASS,
  REGISTRY_TOOLBAR_CLASS,
  SELECTED_CLASS
} from './classes';

/** The properties of the group list. */
export interface IGroupListProps {
  groups: ReadonlyArray<IRegistryGroup>;
  /** Whether any group exists (to tell "none" from "none matching"). */
  total: number;
  filter: string;
  selected: string | null;
  /** Whether to show the "New group" button. */
  canCreate: boolean;
  onFilter: (filter: string) => void;
  onSelect: (name: string) => void;
  onNew: () => void;
}

/** The list of groups with its search box. */
export function GroupList(props: IGroupListProps): JSX.Element {
  const { groups, total, filter, selected, canCreate } = props;
  return (
    <>
      <div className={REGISTRY_TOOLBAR_CLASS}>
        <TextInput
          type="search"
          label="Search model groups"
          placeholder="Search by name"
          value={filter}
          onChange={props.onFilter}
        />
        {canCreate && (
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={props.onNew}
          >
            New group
          </button>
        )}
      </div>
      {groups.length === 0 ? (
        <p className={EMPTY_CLASS}>
          {total === 0 ? 'No model groups yet.' : 'No group matches.'}
        </p>
      ) : (
        <ul className={GROUP_LIST_CLASS} aria-label="Model groups">
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
                  <span className={GROUP_META_CLASS} data-field="latest">
                    {group.latest_version === null
                      ? 'no versions'
                      : `latest v${group.latest_version}`}
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
