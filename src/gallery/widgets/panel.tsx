/**
 * The gallery panel: the search box and facet filters on the left, the
 * template cards in the middle, the selected template's manifest on the
 * right, and the "Open in space…" dialog.
 */
import { Message } from '@lumino/messaging';
import * as React from 'react';

import type { ISpace } from '../../api';
import { BUTTON_CLASS, EMPTY_CLASS } from '../../widgets/classes';
import { DialogHostWidget } from '../../widgets/dialoghost';
import { ErrorMessage, useAction } from '../../widgets/form';
import { FACETS, ITemplate, ITemplateInstance, ITemplateUse } from '../api';
import { GalleryModel } from '../model';
import { FacetFilter, SearchBox, TemplateCards } from './cards';
import { AddToCatalogDialog, RemoveFromCatalogDialog } from './catalog';
import {
  GALLERY_CLASS,
  GALLERY_DETAILS_CLASS,
  GALLERY_HEADING_CLASS,
  GALLERY_MAIN_CLASS,
  GALLERY_SIDEBAR_CLASS,
  GALLERY_TOOLBAR_CLASS
} from './classes';
import { TemplateDetails } from './details';
import { OpenInSpaceDialog } from './opendialog';
import { ProblemsNotice } from './problems';

/** The dialog the gallery shows, if any. */
export type GalleryDialog =
  | {
      kind: 'open';
      template: ITemplate;
      /** The space chosen first, when the user may write it. */
      space?: string | null;
    }
  | { kind: 'add-to-catalog'; path?: string }
  | { kind: 'remove-from-catalog'; template: ITemplate }
  | null;

/** The properties of the gallery view. */
export interface IGalleryViewProps {
  model: GalleryModel;
  dialog: GalleryDialog;
  onDialog: (dialog: GalleryDialog) => void;
  /** The spaces the user may write, the default first. */
  spaces: () => ReadonlyArray<ISpace>;
  /** Called with what an instantiation wrote (to open its main file). */
  onInstantiated: (instance: ITemplateInstance) => void;
}

/** How many templates the search shows, e.g. `3 of 12 templates`. */
function countText(shown: number, total: number): string {
  const noun = total === 1 ? 'template' : 'templates';
  return shown < total ? `${shown} of ${total} ${noun}` : `${total} ${noun}`;
}

/** The selected template's manifest, or what stands in for it. */
function SelectedTemplate(props: IGalleryViewProps): JSX.Element {
  const { model, onDialog } = props;
  const template = model.template;
  const close = () => void model.selectTemplate(null);
  if (template === null || template.id !== model.selectedId) {
    return model.templateError ? (
      <>
        <ErrorMessage error={model.templateError} />
        <button type="button" className={BUTTON_CLASS} onClick={close}>
          Close details
        </button>
      </>
    ) : (
      <p aria-busy="true">Loading {model.selectedId}…</p>
    );
  }
  return (
    <TemplateDetails
      template={template}
      onOpen={
        model.canUse
          ? () => onDialog({ kind: 'open', template: template })
          : undefined
      }
      openHint="Your personas may not use gallery templates."
      onRemove={
        model.canManage && template.source === 'catalog'
          ? () => onDialog({ kind: 'remove-from-catalog', template })
          : undefined
      }
      onClose={close}
    />
  );
}

/** Render the gallery model and the open dialog. */
export function GalleryView(props: IGalleryViewProps): JSX.Element {
  const { model, dialog, onDialog, spaces, onInstantiated } = props;
  const reload = useAction();
  const templates = model.templates;

  const instantiate = async (template: ITemplate, use: ITemplateUse) => {
    const instance = await model.instantiate(template.id, use);
    onInstantiated(instance);
  };

  return (
    <div
      className={GALLERY_CLASS}
      data-details={model.selectedId !== null ? 'true' : undefined}
    >
      <nav className={GALLERY_SIDEBAR_CLASS} aria-label="Template filters">
        <SearchBox query={model.query} onQuery={q => (model.query = q)} />
        {FACETS.map(facet => (
          <FacetFilter
            key={facet}
            facet={facet}
            values={model.facetValues(facet)}
            onFilter={(f, value) => void model.setFilter(f, value)}
          />
        ))}
        {model.isFiltered && (
          <button
            type="button"
            className={BUTTON_CLASS}
            onClick={() => void model.clearSearch()}
          >
            Clear search and filters
          </button>
        )}
      </nav>
      <main className={GALLERY_MAIN_CLASS} aria-label="Template gallery">
        <div className={GALLERY_TOOLBAR_CLASS}>
          <h2 className={GALLERY_HEADING_CLASS}>Template gallery</h2>
          <span aria-live="polite" data-field="count">
            {model.isReady && countText(templates.length, model.total)}
          </span>
          <button
            type="button"
            className={BUTTON_CLASS}
            disabled={reload.busy}
            title={
              model.canManage
                ? 'Read every template source again'
                : 'Search the gallery again'
            }
            onClick={() =>
              void reload.run(() =>
                // a full rescan of the sources is the admins' (the server refuses others)
                model.canManage ? model.reloadSources() : model.refresh()
              )
            }
          >
            {reload.busy ? 'Reloading…' : 'Reload templates'}
          </button>
          {model.canManage && (
            <button
              type="button"
              className={BUTTON_CLASS}
              onClick={() => onDialog({ kind: 'add-to-catalog' })}
            >
              Add to catalog…
            </button>
          )}
        </div>
        <ErrorMessage error={model.error ?? reload.error} />
        <ProblemsNotice problems={model.problems} />
        {!model.isReady ? (
          <p aria-busy="true">Loading templates…</p>
        ) : templates.length === 0 ? (
          <p className={EMPTY_CLASS}>
            {model.isFiltered
              ? 'No template matches the search and filters.'
              : 'The gallery has no templates.'}
          </p>
        ) : (
          <TemplateCards
            templates={templates}
            selected={model.selectedId}
            onSelect={id => void model.selectTemplate(id)}
          />
        )}
        {model.hasMore && (
          <button
            type="button"
            className={BUTTON_CLASS}
            onClick={() => void model.showMore()}
          >
            Show more templates
          </button>
        )}
      </main>
      {model.selectedId !== null && (
        <aside className={GALLERY_DETAILS_CLASS} aria-label="Template details">
          <SelectedTemplate {...props} />
        </aside>
      )}
      {dialog?.kind === 'open' && (
        <OpenInSpaceDialog
          template={dialog.template}
          spaces={spaces()}
          initialSpace={dialog.space}
          onSubmit={use => instantiate(dialog.template, use)}
          onClose={() => onDialog(null)}
        />
      )}
      {dialog?.kind === 'add-to-catalog' && (
        <AddToCatalogDialog
          path={dialog.path}
          onAdd={path => model.addToCatalog(path)}
          onClose={() => onDialog(null)}
        />
      )}
      {dialog?.kind === 'remove-from-catalog' && (
        <RemoveFromCatalogDialog
          template={dialog.template}
          onRemove={() => model.removeFromCatalog(dialog.template.id)}
          onClose={() => onDialog(null)}
        />
      )}
    </div>
  );
}

/**
 * A widget rendering the gallery; it searches again whenever it is shown
 * (the model's poll stands by while it is hidden).
 */
export class GalleryPanel extends DialogHostWidget<
  GalleryModel,
  GalleryDialog
> {
  constructor(options: GalleryPanel.IOptions) {
    super(options.model);
    this._options = options;
    this.addClass(GALLERY_CLASS + '-widget');
  }

  /**
   * Show a template's details and, with `use`, its "Open in space…" dialog
   * once its manifest is loaded (not when it failed to load).
   */
  async showTemplate(
    id: string,
    options: { use?: boolean; space?: string | null } = {}
  ): Promise<void> {
    await this.model.selectTemplate(id);
    const template = this.model.template;
    if (options.use && template?.id === id && this.model.canUse) {
      this.openDialog({ kind: 'open', template, space: options.space });
    }
  }

  protected renderView(dialog: GalleryDialog): JSX.Element {
    return (
      <GalleryView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        spaces={this._options.spaces}
        onInstantiated={this._options.onInstantiated}
      />
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh().catch(() => {
      // The error is kept in `model.error` and shown.
    });
  }

  private _options: GalleryPanel.IOptions;
}

/** A namespace for `GalleryPanel` statics. */
export namespace GalleryPanel {
  /** The options of the gallery panel. */
  export interface IOptions {
    model: GalleryModel;
    /** The spaces the user may write, the default first. */
    spaces: () => ReadonlyArray<ISpace>;
    /** Called with what an instantiation wrote (to open its main file). */
    onInstantiated: (instance: ITemplateInstance) => void;
  }
}
