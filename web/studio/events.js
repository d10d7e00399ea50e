// One stream of build events (server-sent events from /api/events) for every page.
// EventSource reconnects by itself and resumes after the last event id it saw.
import {api, withToken} from './api.js';

const listeners = new Set();
const labels = new Map();  // progress bar label → percent, for the running build
const logLines = [];       // the last build's lines, newest last
let source = null;
export const state = {job: 0, running: false, lastError: null};

export function onBuildEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function progress() { return labels; }
export function buildLog() { return logLines; }

export async function connect() {
  if (source) return;
  let after = 0;
  try { after = (await api('/api/jobs')).last_event || 0; } catch { /* start from the beginning */ }
  source = new EventSource(withToken(`/api/events?after=${after}`));
  for (const type of ['queued', 'start', 'line', 'percent', 'done', 'failed']) {
    source.addEventListener(type, (e) => {
      let data = {};
      try { data = JSON.parse(e.data); } catch { return; }
      if (type === 'start') { state.running = true; state.job = data.job; labels.clear(); state.lastError = null; }
      if (type === 'done' || type === 'failed') state.running = false;
      if (type === 'failed') state.lastError = data;
      if (type === 'percent') labels.set(data.label, data.percent);
      if (type === 'start') logLines.length = 0;
      if (type === 'line') {
        logLines.push(data.text);
        if (logLines.length > 400) logLines.splice(0, logLines.length - 400);
      }
      for (const fn of listeners) fn(type, data);
    });
  }
}

export async function startBuild(request = {}) {
  return api('/api/build', {method: 'POST', body: request});
}
