/**
 * A main-area panel of the studio opened by a command: one tab at most,
 * activated again when it is open, restored with the layout, and its model
 * disposed with it.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

/** The arguments schema of commands that take no arguments. */
const NO_ARGS = { args: { type: 'object' as const, properties: {} } };

/** A panel whose model is disposed with it. */
export interface IModelWidget extends Widget {
  readonly model: IDisposable;
}

/** The options of `addMainAreaPanel`. */
export interface IMainAreaPanelOptions<T extends IModelWidget> {
  /** The id of the command opening the panel. */
  command: string;
  /** The command's label, e.g. `Open Model Registry`. */
  label: string;
  /** The tab's label, e.g. `Model Registry`. */
  title: string;
  caption: string;
  icon: LabIcon;
  /** The DOM id of the tab's widget. */
  id: string;
  /** The tracker's namespace and the panel's name in the restored layout. */
  namespace: string;
  restoreName: string;
  /**
   * Make the panel; `standby` says when its model's poll should stand by
   * (while the tab is hidden, or the page is).
   */
  create: (standby: () => boolean | 'when-hidden') => T;
  /** Whether the command is enabled (always when omitted). */
  isEnabled?: () => boolean;
  restorer?: ILayoutRestorer | null;
}

/**
 * Add a command opening a main-area panel (or activating it when open);
 * the tab is restored with the layout when a restorer is given.
 */
export function addMainAreaPanel<T extends IModelWidget>(
  app: JupyterFrontEnd,
  options: IMainAreaPanelOptions<T>
): WidgetTracker<MainAreaWidget<T>> {
  const tracker = new WidgetTracker<MainAreaWidget<T>>({
    namespace: options.namespace
  });
  app.commands.addCommand(options.command, {
    label: options.label,
    describedBy: NO_ARGS,
    caption: options.caption,
    icon: args => (args.isPalette ? undefined : options.icon),
    isEnabled: options.isEnabled,
    execute: () => {
      const existing = tracker.find(() => true);
      if (existing) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const widget: MainAreaWidget<T> = new MainAreaWidget({
        content: options.create(() => !widget.isVisible || 'when-hidden')
      });
      widget.id = options.id;
      widget.title.label = options.title;
      widget.title.icon = options.icon;
      widget.title.closable = true;
      widget.disposed.connect(() => widget.content.model.dispose());
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  if (options.restorer) {
    void options.restorer.restore(tracker, {
      command: options.command,
      name: () => options.restoreName
    });
  }
  return tracker;
}
