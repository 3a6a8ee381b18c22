/**
 * A React widget rendering a polling model, which also holds the dialog it
 * shows (so that commands can open the dialogs).
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import type { PollingModel } from '../polling';

/**
 * A widget re-rendering whenever its model changes, with the dialog it shows.
 *
 * `TDialog` describes the dialogs, `null` standing for none.
 */
export abstract class DialogHostWidget<
  TModel extends PollingModel,
  TDialog
> extends ReactWidget {
  constructor(model: TModel) {
    super();
    this.model = model;
  }

  /** The model rendered. */
  readonly model: TModel;

  /** The open dialog, if any. */
  get dialog(): TDialog | null {
    return this._dialog;
  }

  /** Emitted when a dialog opens or closes. */
  get dialogChanged(): ISignal<this, TDialog | null> {
    return this._dialogChanged;
  }

  /** Open a dialog (or close it with `null`). */
  openDialog(dialog: TDialog | null): void {
    this._dialog = dialog;
    this._dialogChanged.emit(dialog);
    this.update();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed} initialSender={this.model}>
        {() => this.renderView(this._dialog)}
      </UseSignal>
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.clearData(this);
    super.dispose();
  }

  /** Render the model and the open dialog; `openDialog` changes it. */
  protected abstract renderView(dialog: TDialog | null): JSX.Element;

  private _dialog: TDialog | null = null;
  private _dialogChanged = new Signal<this, TDialog | null>(this);
}
