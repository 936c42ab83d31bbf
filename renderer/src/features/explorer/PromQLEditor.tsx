import { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, completionStatus } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';
import { promqlHighlight } from './promql-highlight.ts';

export interface PromQLEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Enter (without Shift) runs the query, as in Prometheus's own UI. */
  onRun: () => void;
  /** Completion source; null while no data source is picked (functions still complete). */
  client: PrometheusClient | null;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid var(--mantine-color-default-border)', borderRadius: '4px', backgroundColor: 'var(--mantine-color-body)' },
  '&.cm-focused': { outline: '2px solid var(--mantine-color-blue-filled)' },
  '.cm-content': { fontFamily: 'var(--mantine-font-family-monospace)', padding: '6px 0' },
  '.cm-tooltip-autocomplete': { fontFamily: 'var(--mantine-font-family-monospace)' },
  // CodeMirror's own placeholder grey (#888) is 4.37:1 on the dark body: below WCAG AA for
  // 13px text (axe failed CI on it). The console's dimmed colour is chosen to pass in both themes.
  '.cm-placeholder': { color: 'var(--mantine-color-dimmed)' },
});

/**
 * The PromQL editor: CodeMirror 6 with the Prometheus project's PromQL language package
 * (syntax highlighting, linting, completion of functions, metric names and labels).
 */
export function PromQLEditor({ value, onChange, onRun, client }: PromQLEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // Handlers change every render; the editor reads the latest through refs.
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  useEffect(() => {
    const promql = new PromQLExtension().setComplete(client ? { remote: client } : {});
    const state = EditorState.create({
      doc: value,
      extensions: [
        theme,
        history(),
        closeBrackets(),
        bracketMatching(),
        autocompletion(),
        syntaxHighlighting(promqlHighlight),
        placeholder('PromQL, e.g. rate(node_cpu_seconds_total{mode!="idle"}[5m])'),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'PromQL query', 'data-testid': 'promql-editor' }),
        language.current.of(promql.asExtension()),
        // Enter accepts a completion while the list is open, otherwise it runs the query.
        Prec.highest(keymap.of([{ key: 'Enter', run: (editor) => completionStatus(editor.state) === null && (handlers.current.onRun(), true) }])),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) handlers.current.onChange(update.state.doc.toString());
        }),
      ],
    });
    const editor = new EditorView({ state, parent: host.current! });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; value and client updates are applied below.
  }, []);

  // A new source means new metric names: swap the completion source in place.
  useEffect(() => {
    const promql = new PromQLExtension().setComplete(client ? { remote: client } : {});
    view.current?.dispatch({ effects: language.current.reconfigure(promql.asExtension()) });
  }, [client]);

  // A query picked from the history (or the URL) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} />;
}
