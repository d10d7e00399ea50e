// Plan and build: what a build would do and cost, a button to run it, its progress live from
// the server, and an error shown with the file and line it names.
import {api, el, errorBox, seconds} from './api.js';
import {buildLog, onBuildEvent, progress, startBuild, state} from './events.js';

function planTable(plan) {
  if (!plan.stages.length) return el('p', {}, `Nothing to do: every stage is up to date (plan ${plan.id}).`);
  return el('div', {},
      el('p', {}, `Plan ${plan.id}: ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'} would run; `,
         `estimated cost ${plan.cost.toFixed(4)}, time ${seconds(plan.seconds)}.`,
         plan.needs_approval ? el('b', {class: 'warn'}, ` Over the budget of ${plan.budget}: building approves this plan.`) : null),
      el('div', {class: 'scroll'}, el('table', {class: 'plan'},
          el('thead', {}, el('tr', {}, ...['stage', 'calls', 'cost', 'time', 'why'].map((h) => el('th', {}, h)))),
          el('tbody', {}, ...plan.stages.map((s) => el('tr', {},
              el('td', {}, s.name), el('td', {class: 'num'}, s.calls), el('td', {class: 'num'}, s.cost.toFixed(4)),
              el('td', {class: 'num'}, seconds(s.seconds) + (s.from_history ? '' : '*')), el('td', {}, s.reason)))))));
}

// "episodes/ep001/script.fountain:12" → a link to the line in the episode's editor.
function whereLink(where) {
  const m = (where || '').match(/^(?:.*\/)?episodes\/ep(\d{3})\/script\.fountain:(\d+)/) ||
            (where || '').match(/^(?:.*\/)?ep(\d{3})\/script\.fountain:(\d+)/);
  return m ? el('a', {href: `#/episode/${Number(m[1])}?line=${m[2]}`}, 'open it in the script') : null;
}

export async function renderBuild(view) {
  const planSlot = el('div', {}, el('p', {class: 'muted'}, 'Planning…'));
  const bars = el('div', {class: 'bars'});
  const log = el('pre', {class: 'log', 'aria-label': 'Build log'});
  const result = el('div', {class: 'result'});
  const preset = el('select', {'aria-label': 'Preset'}, el('option', {value: ''}, 'series preset'),
      ...['preview', 'master', 'douyin', 'kuaishou', 'tiktok', 'shorts', 'reelshort'].map((p) => el('option', {value: p}, p)));
  const jobs = el('ul', {class: 'jobs small'});
  let plan = null;
  const replan = async () => {
    try {
      plan = await api('/api/plan' + (preset.value ? `?preset=${preset.value}` : ''));
      planSlot.replaceChildren(planTable(plan));
    } catch (err) { planSlot.replaceChildren(errorBox(err)); }
  };
  const listJobs = async () => {
    try {
      const j = await api('/api/jobs');
      jobs.replaceChildren(...j.jobs.slice(-8).reverse().map((x) => el('li', {class: `job-${x.state}`},
          `job ${x.id}: ${x.state}`, x.error ? el('span', {class: 'err'}, ` · ${x.error} `) : null, whereLink(x.where))));
    } catch { /* the list is a convenience */ }
  };
  const drawBars = () => bars.replaceChildren(...[...progress()].slice(-6).map(([label, pct]) => el('div', {class: 'bar-row'},
      el('span', {class: 'bar-label'}, label), el('span', {class: 'bar'}, el('span', {style: {width: `${pct}%`}})),
      el('span', {class: 'num'}, `${pct}%`))));
  const go = el('button', {type: 'button', class: 'primary', 'data-action': 'build', onclick: async () => {
    go.disabled = true;
    result.replaceChildren();
    const body = {};
    if (preset.value) body.preset = preset.value;
    if (plan && plan.needs_approval) body.approve = plan.id;
    try { await startBuild(body); } catch (err) { result.replaceChildren(errorBox(err)); go.disabled = false; }
    listJobs();
  }}, 'Build');
  go.disabled = state.running;
  preset.addEventListener('change', replan);
  const off = onBuildEvent((type, data) => {
    if (type === 'line') {
      log.textContent = buildLog().join('\n');
      log.scrollTop = log.scrollHeight;
    }
    if (type === 'percent') drawBars();
    if (type === 'start') { log.textContent = ''; go.disabled = true; drawBars(); }
    if (type === 'done') {
      result.replaceChildren(el('p', {class: 'ok'}, `Done: ${data.ran} stage${data.ran === 1 ? '' : 's'} ran in ${seconds(data.seconds)}.`));
      go.disabled = false;
      replan();
    }
    if (type === 'failed') {
      result.replaceChildren(errorBox({where: data.where, detail: data.message}), whereLink(data.where));
      go.disabled = false;
    }
    if (type !== 'line' && type !== 'percent') listJobs();
  });
  view.replaceChildren(
      el('div', {class: 'two-col'},
          el('section', {class: 'panel'}, el('h2', {}, 'Plan'), planSlot),
          el('section', {class: 'panel'}, el('h2', {}, 'Build'),
              el('div', {class: 'toolbar'}, preset, go), result, bars, log, el('h3', {}, 'Recent builds'), jobs)));
  replan();
  listJobs();
  drawBars();
  log.textContent = buildLog().join('\n');
  return off;
}
