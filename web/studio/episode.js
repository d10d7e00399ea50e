// The episode page: the beat timeline with the rhythm marks and the emotion curve, the script
// editor, the storyboard (regenerate, variants, pick, lock, upload), the player with subtitles,
// and the evaluation.
import {api, el, errorBox, fileUrl, seconds} from './api.js';
import {fountainEditor} from './editor.js';
import {onBuildEvent, startBuild, state} from './events.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const FUNCTION_COLORS = {hook: '#e0564b', setup: '#5b6b8c', conflict: '#d98b2b', reversal: '#9b59b6',
  payoff: '#2e9e6a', climax: '#c0392b', cliffhanger: '#8e44ad', turn: '#3b82c4'};

function timeline(ep, report) {
  const W = 1400, H = 170, beatY = 22, beatH = 34, curveTop = 78, curveH = 80;
  const length = (report && report.seconds) ||
      (ep.beats ? Math.max(...ep.beats.beats.map((b) => b.target_s + (b.estimate_s || 5))) : 80);
  const x = (t) => Math.max(0, Math.min(W, (t / length) * W));
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img', 'aria-label': 'Beat timeline and emotion curve'});
  const beats = report ? report.beats.map((b) => ({id: b.id, fn: b.function, start: b.start_s, end: b.end_s}))
      : (ep.beats ? ep.beats.beats.map((b, i, all) => ({id: b.id, fn: b.function, start: b.target_s,
          end: i + 1 < all.length ? all[i + 1].target_s : length})) : []);
  for (const b of beats) {
    const w = Math.max(1, x(b.end) - x(b.start) - 1);
    root.append(svg('rect', {x: x(b.start), y: beatY, width: w, height: beatH, rx: 3, fill: FUNCTION_COLORS[b.fn] || '#666'},
        svg('title', {}, `${b.id} ${b.fn} ${seconds(b.start)}–${seconds(b.end)}`)));
    if (w > 36) root.append(svg('text', {x: x(b.start) + 4, y: beatY + 14, class: 'beat-label'}, b.id),
        svg('text', {x: x(b.start) + 4, y: beatY + 28, class: 'beat-fn'}, b.fn));
  }
  // The rhythm template's marks: where each should land (dashed) and where it did.
  const landings = report ? report.landings : [];
  const rhythm = ep.rhythm || {};
  const limits = landings.length ? landings : [
    {name: 'hook', limit_s: rhythm.hook_by_s, at_s: -1}, {name: 'conflict', limit_s: rhythm.conflict_by_s, at_s: -1},
    {name: 'climax', limit_s: rhythm.climax_by_s, at_s: -1},
    {name: 'cliffhanger', limit_s: length - (rhythm.cliffhanger_window_s || 10), at_s: -1}];
  limits.forEach((l, i) => {
    if (l.limit_s !== undefined) {
      root.append(svg('line', {x1: x(l.limit_s), x2: x(l.limit_s), y1: 12, y2: H, class: 'limit'}));
    }
    if (l.at_s >= 0) {
      root.append(svg('line', {x1: x(l.at_s), x2: x(l.at_s), y1: 10, y2: beatY + beatH + 4, class: l.ok ? 'landed ok' : 'landed late'}));
    }
    const at = l.at_s >= 0 ? l.at_s : l.limit_s;
    root.append(svg('text', {x: Math.min(W - 70, x(at) + 3), y: 10 + (i % 2) * 0, class: 'mark-label' + (l.ok === false ? ' late' : '')},
        `${l.name}${l.at_s >= 0 ? ' ' + seconds(l.at_s) : ''}`));
  });
  // The emotion curve: valence (−1…1) and arousal (0…1) over time.
  const emo = report ? report.emotion : (ep.beats ? ep.beats.beats.map((b) => ({t: b.target_s, ...b.emotion})) : []);
  root.append(svg('line', {x1: 0, x2: W, y1: curveTop + curveH / 2, y2: curveTop + curveH / 2, class: 'axis'}));
  if (emo.length) {
    const pv = emo.map((p) => `${x(p.t)},${curveTop + curveH / 2 - (p.valence * curveH) / 2}`).join(' ');
    const pa = emo.map((p) => `${x(p.t)},${curveTop + curveH - p.arousal * curveH}`).join(' ');
    root.append(svg('polyline', {points: pv, class: 'valence'}), svg('polyline', {points: pa, class: 'arousal'}));
  }
  root.append(svg('text', {x: 4, y: curveTop + 10, class: 'legend-valence'}, 'valence'),
      svg('text', {x: 64, y: curveTop + 10, class: 'legend-arousal'}, 'arousal'),
      svg('text', {x: W - 4, y: H - 2, class: 'axis-label', 'text-anchor': 'end'}, seconds(length)));
  return root;
}

// File line → "person" for the lines a person wrote or edited (the whole cue block).
function personMarks(lines, scriptText) {
  const marks = new Map();
  const fileLines = scriptText.split('\n');
  for (const l of lines || []) {
    if (l.author.startsWith('model:')) continue;
    for (let k = l.line; k <= fileLines.length && fileLines[k - 1].trim() !== ''; k++) marks.set(k, 'person');
  }
  return marks;
}

function authorLabel(a) {
  if (a === 'human') return 'person';
  if (a.startsWith('edited:')) return `person (edited from ${a.slice(7)})`;
  return a;
}

function linesPanel(ep) {
  if (!ep.lines) return el('p', {class: 'muted'}, ep.lines_error || 'No authorship yet.');
  const people = ep.lines.filter((l) => !l.author.startsWith('model:'));
  return el('div', {class: 'lines'},
      el('p', {class: 'small'}, `${people.length} of ${ep.lines.length} lines by a person`),
      el('ol', {class: 'line-list'}, ...ep.lines.map((l) => el('li', {
        class: l.author.startsWith('model:') ? 'by-model' : 'by-person', 'data-author': l.author, 'data-line': l.line},
      el('span', {class: 'who'}, authorLabel(l.author)), ' ',
      l.character ? el('b', {}, l.character + ': ') : null, l.text))));
}

// The render has its subtitles burned in; the WebVTT track is loaded beside it (hidden, so
// the words are not drawn twice) and its current cue is shown under the picture.
function player(ep, bust, lang) {
  if (!ep.video) return el('p', {class: 'muted'}, 'Not rendered yet: build the episode.');
  const poster = ep.shots && ep.shots.shots.length ? fileUrl(ep.shots.shots[0].frame, bust) : undefined;
  const video = el('video', {controls: true, preload: 'metadata', class: 'player', src: fileUrl(ep.video, bust), poster});
  const cue = el('div', {class: 'cue', 'aria-live': 'polite'}, '\u00a0');
  if (ep.vtt) {
    const track = el('track', {kind: 'subtitles', srclang: lang, label: `${lang} (${ep.vtt.split('/').pop()})`, src: fileUrl(ep.vtt, bust)});
    video.append(track);
    track.track.mode = 'hidden';
    track.track.addEventListener('cuechange', () => {
      const active = [...(track.track.activeCues || [])].map((c) => c.text).join(' / ');
      cue.textContent = active || '\u00a0';
    });
  }
  return el('div', {}, video, cue);
}

function frameCard(shot, ep, bust, refresh) {
  const mine = ep.persons.includes(shot.frame);
  const locked = ep.locked.includes(shot.frame);
  const msg = el('div', {class: 'small'});
  const act = (fn) => async () => {
    msg.replaceChildren('working…');
    try { await fn(); await refresh(); } catch (err) { msg.replaceChildren(errorBox(err)); }
  };
  const upload = el('input', {type: 'file', accept: 'image/png', class: 'hidden', 'data-upload': shot.frame,
    onchange: act(async () => {
      const file = upload.files[0];
      if (!file) return;
      await api('/api/upload?path=' + encodeURIComponent(shot.frame), {method: 'POST', body: file});
    })});
  const variants = el('div', {class: 'variants'}, ...(shot.variants || []).map((v) => el('figure', {},
      el('img', {src: fileUrl(v.path, bust), alt: v.name, loading: 'lazy'}),
      el('button', {type: 'button', onclick: act(() => api('/api/pick', {method: 'POST', body: {path: shot.frame, variant: v.name}}))},
         `pick ${v.name}`))));
  return el('div', {class: 'card frame' + (mine ? ' mine' : ''), 'data-frame': shot.frame},
      el('img', {src: fileUrl(shot.frame, bust), alt: `${shot.id} frame`, loading: 'lazy'}),
      el('div', {class: 'card-row'}, el('b', {}, shot.id), el('span', {class: 'small'}, seconds(shot.duration_s))),
      el('div', {class: 'shot-data'}, `${shot.type} · ${shot.move}`),
      el('div', {class: 'small caption'}, shot.caption),
      el('div', {class: 'small muted'}, `beat ${shot.beat}${shot.speaker ? ' · ' + shot.speaker + ' speaks' : ''}`),
      mine ? el('div', {class: 'tag mine-tag'}, 'yours: builds keep it') : null,
      locked ? el('div', {class: 'tag'}, 'locked') : null,
      el('div', {class: 'buttons'},
          el('button', {type: 'button', title: 'Another take with a new seed; it becomes your choice',
            onclick: act(() => api('/api/regenerate', {method: 'POST', body: {path: shot.frame}}))}, 'Regenerate'),
          el('button', {type: 'button', onclick: act(() => api('/api/variants', {method: 'POST', body: {path: shot.frame, n: 3}}))},
             'Variants'),
          el('button', {type: 'button', onclick: act(() => api('/api/lock', {method: 'POST', body: {path: shot.frame, locked: !locked}}))},
             locked ? 'Unlock' : 'Lock'),
          el('button', {type: 'button', onclick: () => upload.click()}, 'Upload…'), upload),
      variants, msg);
}

function evaluation(report) {
  if (!report) return el('p', {class: 'muted'}, 'No evaluation yet: build the episode.');
  return el('div', {class: 'eval'},
      el('p', {}, el('b', {}, `Overall ${Math.round(report.overall)}/100`), ` · ${seconds(report.seconds)}`,
         report.timed ? ' (measured)' : ' (estimated)'),
      el('ul', {class: 'dims'}, ...report.dimensions.map((d) => el('li', {},
          el('details', {}, el('summary', {},
              el('span', {class: 'dim-name'}, d.name),
              el('span', {class: 'bar'}, el('span', {style: {width: `${d.score}%`}})),
              el('span', {class: 'dim-score'}, Math.round(d.score))),
          el('div', {class: 'small muted'}, d.formula),
          el('ul', {class: 'small'}, ...(d.reasons || []).map((r) => el('li', {}, r))))))),
      report.fixes.length ? el('h3', {}, 'Fix these first') : null,
      el('ol', {class: 'small fixes'}, ...report.fixes.slice(0, 6).map((f) => el('li', {}, `${f.dimension}: ${f.message}`))));
}

// The shown episode page's teardown: a re-render (after a save, an upload or a build)
// replaces the page, so it must drop the listener of the page it replaces.
let teardown = null;

function stopVideos(view) {
  for (const v of view.querySelectorAll('video')) { v.removeAttribute('src'); v.load(); }
}

export async function renderEpisode(view, n, errorLine = 0) {
  const [ep, series] = await Promise.all([api(`/api/episode/${n}`), api('/api/series')]);
  const report = series.report && series.report.episodes ? series.report.episodes.find((e) => e.number === n) : null;
  const bust = Date.now();
  const refresh = () => renderEpisode(view, n);
  const lang = series.settings.lang;
  let scriptText = '';
  try { scriptText = ep.script ? await (await fetch(fileUrl(ep.script, bust))).text() : ''; } catch { /* shown empty */ }
  const buildMsg = el('span', {class: 'small build-msg', 'aria-live': 'polite'});
  const buildBtn = el('button', {type: 'button', class: 'primary', 'data-action': 'build-episode', onclick: async () => {
    buildBtn.disabled = true;
    buildMsg.replaceChildren('queued…');
    try { await startBuild({episode: n}); } catch (err) { buildMsg.replaceChildren(errorBox(err)); buildBtn.disabled = false; }
  }}, `Build ${ep.name}`);
  if (state.running) { buildBtn.disabled = true; buildMsg.textContent = 'a build is running…'; }
  const off = onBuildEvent((type, data) => {
    if (type === 'percent') buildMsg.textContent = `${data.label} ${data.percent}%`;
    if (type === 'line' && /^\s*(ran|run)\s/.test(data.text)) buildMsg.textContent = data.text.trim();
    if (type === 'done') {
      buildMsg.textContent = 'done';
      if (view.contains(buildBtn)) refresh();
    }
    if (type === 'failed') {
      off();
      buildBtn.disabled = false;
      buildMsg.replaceChildren(errorBox({where: data.where, detail: data.message}));
    }
  });
  const editor = ep.script
    ? await fountainEditor(ep.script, {marks: personMarks(ep.lines, scriptText), errorLine, onSaved: refresh})
    : el('p', {class: 'muted'}, 'No script yet: build the episode.');
  const page = [
      el('section', {class: 'panel'},
          el('h2', {}, `${ep.name}${report && report.title ? ' · ' + report.title : ''} `, buildBtn, ' ', buildMsg),
          timeline(ep, report)),
      el('div', {class: 'episode-main'},
          el('section', {class: 'panel script-panel'}, el('h2', {}, 'Script'), editor),
          el('section', {class: 'panel player-panel'}, el('h2', {}, 'Preview'), player(ep, bust, lang),
             el('h2', {}, 'Lines'), linesPanel(ep)),
          el('section', {class: 'panel eval-panel'}, el('h2', {}, 'Evaluation'), evaluation(report))),
      el('section', {class: 'panel'}, el('h2', {}, 'Storyboard'),
          ep.shots ? el('div', {class: 'frame-grid'}, ...ep.shots.shots.map((s) => frameCard(s, ep, bust, refresh)))
                   : el('p', {class: 'muted'}, 'No shots yet: build the episode.'))];
  if (!(location.hash || '').startsWith(`#/episode/${n}`)) {  // the person went elsewhere meanwhile
    off();
    return () => {};
  }
  if (teardown) teardown();
  // Leaving the page: stop the player's download too, so it holds no connection open.
  teardown = () => { off(); stopVideos(view); };
  view.replaceChildren(...page);
  return () => {
    if (teardown) teardown();
    teardown = null;
  };
}
