// The series page: episodes as a grid (poster, length, status), the evaluation heatmap, and
// the bible (characters, locations, style), editable as bible.yaml.
import {api, el, errorBox, fileUrl, seconds} from './api.js';
import {yamlEditor} from './editor.js';

// One word for an episode from its stages' states, the most pressing first.
export function episodeState(stages, name) {
  const mine = stages.filter((s) => s.name.startsWith(name + '/'));
  if (!mine.length) return 'new';
  if (mine.some((s) => s.state === 'failed')) return 'failed';
  if (mine.some((s) => s.persons.length)) return 'edited';
  if (mine.some((s) => s.state === 'stale' || s.state === 'new')) return 'stale';
  if (mine.every((s) => s.state === 'locked')) return 'locked';
  if (mine.some((s) => s.state === 'locked')) return 'locked';
  return 'up to date';
}

function heat(score) {
  const hue = Math.max(0, Math.min(120, score * 1.2));
  return `hsl(${hue}deg 55% 38%)`;
}

function episodeCard(e, stages, bust) {
  const st = episodeState(stages, e.name);
  return el('a', {class: 'card episode-card', href: `#/episode/${e.number}`, 'data-episode': e.name},
      e.poster ? el('img', {src: fileUrl(e.poster, bust), alt: `${e.name} poster frame`, loading: 'lazy'})
               : el('div', {class: 'poster-empty'}, 'not built yet'),
      el('div', {class: 'card-row'}, el('b', {}, e.name), el('span', {}, seconds(e.seconds))),
      el('div', {}, el('span', {class: `state state-${st.replace(/ /g, '-')}`, 'data-state': st}, st)),
      el('div', {class: 'small muted'}, `${e.shots} shots · ${e.lines} lines`));
}

function heatmap(report) {
  if (!report || !report.episodes || !report.episodes.length) return el('p', {class: 'muted'}, 'No evaluation yet: build the series.');
  const dims = report.episodes[0].dimensions.map((d) => d.name);
  return el('table', {class: 'heatmap'},
      el('thead', {}, el('tr', {}, el('th', {}, 'episode'), el('th', {}, 'overall'), ...dims.map((d) => el('th', {}, d)))),
      el('tbody', {}, ...report.episodes.map((e) => el('tr', {},
          el('th', {}, el('a', {href: `#/episode/${e.number}`}, `ep${String(e.number).padStart(3, '0')}`)),
          el('td', {style: {background: heat(e.overall)}}, Math.round(e.overall)),
          ...e.dimensions.map((d) => el('td', {style: {background: d.scored ? heat(d.score) : '#444'},
            title: `${d.name}: ${Math.round(d.score)}\n${(d.reasons || []).join('\n')}`}, Math.round(d.score)))))));
}

function swatches(palette) {
  return el('span', {class: 'swatches'}, ...(palette || []).map((c) => el('span', {class: 'swatch', style: {background: c}, title: c})));
}

function bibleView(bible, bust) {
  if (!bible) return el('p', {class: 'muted'}, 'No bible yet: build the series.');
  return el('div', {class: 'bible'},
      el('p', {class: 'logline'}, bible.logline),
      el('h3', {}, 'Characters'),
      el('div', {class: 'characters'}, ...bible.characters.map((c) => el('div', {class: 'card character'},
          c.reference ? el('img', {class: 'ref', src: fileUrl(c.reference, bust), alt: `${c.name} reference`}) : null,
          el('div', {}, el('b', {}, `${c.id} ${c.name}`), ' ', el('span', {class: 'muted'}, `${c.role}, ${c.age}`)),
          el('div', {class: 'small'}, 'Look: ', (c.look || []).join(', ')),
          el('div', {class: 'small'}, 'Palette: ', swatches(c.palette)),
          el('div', {class: 'small'}, 'Voice: ', [c.voice.engine, c.voice.voice, c.voice.variant].filter(Boolean).join(' '),
             ` · pitch ${c.voice.pitch} · ${c.voice.rate} wpm`),
          c.want ? el('div', {class: 'small muted'}, 'Wants: ', c.want) : null))),
      el('h3', {}, 'Locations'),
      el('ul', {class: 'locations'}, ...bible.locations.map((l) => el('li', {},
          el('b', {}, `${l.id} ${l.interior ? 'INT.' : 'EXT.'} ${l.name} – ${l.time}`), ' ',
          el('span', {class: 'muted'}, (l.look || []).join(', ')), ' ', swatches(l.palette)))),
      el('h3', {}, 'Style'),
      el('p', {}, (bible.style || []).join(', ')));
}

export async function renderSeries(view) {
  const s = await api('/api/series');
  const bust = Date.now();
  const editorSlot = el('div');
  const edit = el('button', {type: 'button', onclick: async () => {
    editorSlot.replaceChildren(await yamlEditor('bible.yaml', () => renderSeries(view)));
    edit.disabled = true;
  }}, 'Edit bible.yaml');
  view.replaceChildren(
      el('section', {class: 'panel'}, el('h2', {}, 'Episodes'),
          s.status_error ? errorBox({message: s.status_error}) : null,
          el('div', {class: 'episode-grid'}, ...s.episodes.map((e) => episodeCard(e, s.stages, bust)))),
      el('div', {class: 'two-col'},
          el('section', {class: 'panel'}, el('h2', {}, 'Evaluation'),
              s.report && s.report.overall !== undefined ? el('p', {}, `Series overall ${Math.round(s.report.overall)}/100`) : null,
              heatmap(s.report)),
          el('section', {class: 'panel'}, el('h2', {}, 'Bible ', edit),
              s.bible_error ? errorBox({message: s.bible_error}) : null,
              editorSlot, bibleView(s.bible, bust))));
  return null;
}
