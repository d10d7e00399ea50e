// The studio's router: #/ (series), #/episode/N (one episode), #/build (plan and build).
import {api, el, errorBox} from './api.js';
import {connect, onBuildEvent, state} from './events.js';
import {renderSeries} from './series.js';
import {renderEpisode} from './episode.js';
import {renderBuild} from './build.js';

const view = document.getElementById('view');
const nav = document.getElementById('episode-nav');
let cleanup = null;

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/episode\/(\d+)(?:\?line=(\d+))?/);
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active',
      (a.dataset.nav === 'build' && hash.startsWith('#/build')) || (a.dataset.nav === 'series' && hash === '#/')));
  nav.value = m ? m[1] : '';
  view.replaceChildren(el('p', {class: 'muted'}, 'Loading…'));
  try {
    if (m) cleanup = await renderEpisode(view, Number(m[1]), m[2] ? Number(m[2]) : 0);
    else if (hash.startsWith('#/build')) cleanup = await renderBuild(view);
    else cleanup = await renderSeries(view);
  } catch (err) {
    view.replaceChildren(errorBox(err));
  }
}

async function header() {
  try {
    const s = await api('/api/series');
    const title = (s.bible && s.bible.title) || s.settings.title || s.root;
    document.getElementById('series-title').textContent = title;
    document.title = `${title} · Reelwright studio`;
    nav.replaceChildren(el('option', {value: ''}, 'Episode…'),
        ...s.episodes.map((e) => el('option', {value: String(e.number)}, e.name)));
    nav.value = (location.hash.match(/^#\/episode\/(\d+)/) || [])[1] || '';
  } catch (err) {
    document.getElementById('series-title').textContent = err.message;
  }
}

nav.addEventListener('change', () => { if (nav.value) location.hash = `#/episode/${nav.value}`; });

onBuildEvent((type, data) => {
  const badge = document.getElementById('build-state');
  if (type === 'start') badge.textContent = `building (job ${data.job})…`;
  if (type === 'queued' && !state.running) badge.textContent = 'build queued';
  if (type === 'done') badge.textContent = `built: ${data.ran} stage${data.ran === 1 ? '' : 's'} ran`;
  if (type === 'failed') badge.textContent = 'build failed';
  // Only the build's states change the badge's look; progress and log lines do not.
  if (['start', 'queued', 'done', 'failed'].includes(type)) badge.className = 'build-state ' + type;
});

window.addEventListener('hashchange', route);
connect();
header();
route();
