/**
 * A read-only view of a notebook rendered with JupyterLab's own renderers as
 * untrusted content: HTML (in markdown and in outputs) is sanitized, no
 * script runs, and renderers that are not safe for untrusted content (such
 * as JavaScript) are never chosen.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Panel, Widget } from '@lumino/widgets';

import {
  PREVIEW_CELL_CLASS,
  PREVIEW_CELLS_CLASS,
  PREVIEW_PROMPT_CLASS,
  PREVIEW_SOURCE_CLASS
} from './classes';

/** The source of a cell as one string (nbformat allows a list of lines). */
export function cellSource(cell: nbformat.IBaseCell): string {
  const source = cell.source as string | string[] | undefined;
  return Array.isArray(source) ? source.join('') : (source ?? '');
}

/** A `<pre>` of text, set as text (never parsed as HTML). */
function sourceWidget(text: string, prompt: string): Widget {
  const node = document.createElement('div');
  node.className = PREVIEW_SOURCE_CLASS;
  const promptNode = document.createElement('div');
  promptNode.className = PREVIEW_PROMPT_CLASS;
  promptNode.textContent = prompt;
  const pre = document.createElement('pre');
  pre.textContent = text;
  node.append(promptNode, pre);
  return new Widget({ node });
}

/** Render one cell read-only and untrusted. */
export function renderCell(
  cell: nbformat.ICell,
  rendermime: IRenderMimeRegistry
): Widget {
  const widget = new Panel();
  widget.addClass(PREVIEW_CELL_CLASS);
  widget.node.dataset.cellType = cell.cell_type;
  const source = cellSource(cell);
  if (cell.cell_type === 'markdown') {
    const renderer = rendermime.createRenderer('text/markdown');
    widget.addWidget(renderer);
    void renderer.renderModel(
      new MimeModel({ data: { 'text/markdown': source }, trusted: false })
    );
    return widget;
  }
  if (cell.cell_type !== 'code') {
    widget.addWidget(sourceWidget(source, ''));
    return widget;
  }
  const code = cell as nbformat.ICodeCell;
  const count = code.execution_count;
  widget.addWidget(sourceWidget(source, `[${count ?? ' '}]:`));
  const outputs = Array.isArray(code.outputs) ? code.outputs : [];
  if (outputs.length > 0) {
    const model = new OutputAreaModel({ values: outputs, trusted: false });
    const area = new OutputArea({ model, rendermime });
    // The area does not own its model: free it with the area.
    area.disposed.connect(() => model.dispose());
    widget.addWidget(area);
  }
  return widget;
}

/** A read-only, untrusted rendering of a notebook's cells. */
export class NotebookView extends Panel {
  constructor(
    notebook: nbformat.INotebookContent,
    rendermime: IRenderMimeRegistry
  ) {
    super();
    this.addClass(PREVIEW_CELLS_CLASS);
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Notebook cells');
    for (const cell of notebook.cells) {
      this.addWidget(renderCell(cell, rendermime));
    }
  }
}
