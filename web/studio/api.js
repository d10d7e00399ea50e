// Talking to the studio server, and a small helper to make DOM nodes.
//
// The token comes from the address the server printed (?token=…) when it serves beyond this
// machine; every request that changes something carries it, and the page's own origin covers
// the rest.

const token = new URLSearchParams(location.search).get('token') || '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body.error || `HTTP ${status}`);
    this.status = status;
    this.where = body.where || '';
    this.detail = body.message || this.message;
  }
}

export async function api(path, {method = 'GET', body, type} = {}) {
  const headers = {};
  if (token) headers['X-Reelwright-Token'] = token;
  if (body !== undefined && !(body instanceof Blob)) {
    headers['Content-Type'] = type || 'application/json';
    if (!type) body = JSON.stringify(body);
  } else if (body instanceof Blob) {
    headers['Content-Type'] = body.type || 'application/octet-stream';
  }
  const res = await fetch(withToken(path), {method, headers, body});
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = {error: text}; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export function withToken(path) {
  if (!token) return path;
  return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
}

// The address of a file of the series; `bust` defeats the browser's cache after a change.
export function fileUrl(rel, bust = '') {
  const url = '/files/' + rel.split('/').map(encodeURIComponent).join('/');
  return withToken(bust ? `${url}?v=${bust}` : url);
}

export async function text(rel) {
  const res = await fetch(withToken('/api/file?path=' + encodeURIComponent(rel)), {cache: 'no-store'});
  if (!res.ok) {
    let body = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body);
  }
  return res.text();
}

// el('div', {class: 'x', onclick: f}, 'text', child…)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function seconds(s) {
  if (s === undefined || s === null) return '–';
  return s >= 90 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

export function errorBox(err) {
  const where = err.where ? el('code', {class: 'where'}, err.where) : null;
  return el('div', {class: 'error', role: 'alert'}, where, ' ', err.detail || err.message || String(err));
}
