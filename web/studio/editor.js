// Text editors for the series' files: the Fountain script with highlighting (a textarea over a
// highlighted copy of its text), and a plain one for YAML. Saving writes the file itself; the
// server checks it first and answers with file:line when something is wrong.
import {api, el, errorBox, text} from './api.js';

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// The kind of each line, as a Fountain reader sees it (fountain.io): scene headings,
// character cues, parentheticals, dialogue, transitions, sections, synopses, notes.
export function classifyFountain(lines) {
  const kinds = [];
  let inDialogue = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    const prevBlank = i === 0 || lines[i - 1].trim() === '';
    const nextFilled = i + 1 < lines.length && lines[i + 1].trim() !== '';
    let kind = 'action';
    if (t === '') { kind = 'blank'; inDialogue = false; }
    else if (/^#/.test(t)) kind = 'section';
    else if (/^=(?!=)/.test(t)) kind = 'synopsis';
    else if (/^\[\[.*\]\]$/.test(t)) kind = 'note';
    else if (prevBlank && (/^(INT|EXT|EST|INT\.?\/EXT|I\/E)[.\s]/i.test(t) || /^\.[^.]/.test(t))) kind = 'scene';
    else if (prevBlank && (/^[A-Z0-9 ]+TO:$/.test(t) || /^>[^<]*$/.test(t))) kind = 'transition';
    else if (inDialogue && /^\(.*\)$/.test(t)) kind = 'parenthetical';
    else if (inDialogue) kind = 'dialogue';
    else if (prevBlank && nextFilled && (/^@/.test(t) || (/^[^a-z]*[A-Z][^a-z]*$/.test(t.replace(/\(.*\)$/, '')) && !/^!/.test(t)))) {
      kind = 'cue';
      inDialogue = true;
    }
    kinds.push(kind);
  }
  return kinds;
}

export function highlightFountain(source, marks = new Map()) {
  const lines = source.split('\n');
  const kinds = classifyFountain(lines);
  return lines.map((line, i) => {
    const mark = marks.get(i + 1);
    const cls = `fl fl-${kinds[i]}` + (mark ? ` by-${mark}` : '');
    return `<span class="${cls}">${escape(line) || ' '}</span>`;
  }).join('\n') + '\n';
}

// The Fountain editor. `marks` maps a file line to "person" or "edited": those lines carry a
// margin mark. `onSaved` runs after a save.
export async function fountainEditor(rel, {marks = new Map(), errorLine = 0, onSaved} = {}) {
  let source = await text(rel);
  const pre = el('pre', {class: 'hl', 'aria-hidden': 'true'});
  const area = el('textarea', {class: 'code', spellcheck: 'false', 'aria-label': `Script ${rel}`, 'data-file': rel});
  area.value = source;
  const status = el('span', {class: 'muted save-status'});
  const errors = el('div');
  let bad = errorLine;
  const paint = () => {
    const m = new Map(marks);
    if (bad) m.set(bad, 'error');
    pre.innerHTML = highlightFountain(area.value, m);
    pre.scrollTop = area.scrollTop;
  };
  area.addEventListener('input', () => { status.textContent = area.value === source ? '' : 'unsaved changes'; paint(); });
  area.addEventListener('scroll', () => { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
  const save = el('button', {type: 'button', class: 'primary', 'data-action': 'save-script', onclick: async () => {
    save.disabled = true;
    errors.replaceChildren();
    try {
      await api('/api/file?path=' + encodeURIComponent(rel), {method: 'PUT', body: area.value, type: 'text/plain; charset=utf-8'});
      source = area.value;
      bad = 0;
      status.textContent = 'saved';
      paint();
      if (onSaved) await onSaved();
    } catch (err) {
      errors.replaceChildren(errorBox(err));
      const line = Number((err.where.match(/:(\d+)$/) || [])[1] || 0);
      if (line) { bad = line; paint(); }
      status.textContent = 'not saved';
    } finally {
      save.disabled = false;
    }
  }}, 'Save script');
  area.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); save.click(); }
  });
  paint();
  if (errorLine) requestAnimationFrame(() => { area.scrollTop = Math.max(0, (errorLine - 5) * 18); });
  return el('div', {class: 'editor'},
      el('div', {class: 'toolbar'}, save, status,
          el('span', {class: 'legend'}, el('span', {class: 'fl-scene'}, 'scene'), el('span', {class: 'fl-cue'}, 'CUE'),
             el('span', {class: 'fl-parenthetical'}, '(paren)'), el('span', {class: 'fl-transition'}, 'CUT TO:'),
             el('span', {class: 'by-person-key'}, 'a person\'s line'))),
      errors, el('div', {class: 'code-wrap'}, pre, area));
}

export async function yamlEditor(rel, onSaved) {
  const area = el('textarea', {class: 'code plain', spellcheck: 'false', 'aria-label': rel, rows: 18});
  area.value = await text(rel);
  const errors = el('div');
  const save = el('button', {type: 'button', class: 'primary', onclick: async () => {
    errors.replaceChildren();
    try {
      await api('/api/file?path=' + encodeURIComponent(rel), {method: 'PUT', body: area.value, type: 'text/plain; charset=utf-8'});
      if (onSaved) await onSaved();
    } catch (err) {
      errors.replaceChildren(errorBox(err));
    }
  }}, `Save ${rel}`);
  return el('div', {class: 'editor'}, el('div', {class: 'toolbar'}, save), errors, area);
}
