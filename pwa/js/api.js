// The HTTP API (docs/protocol.md). The token rides in an HttpOnly cookie the page cannot read:
// a 200 from /api/conversations is how the page learns it is signed in.

/**
 * @typedef {{id:string, title:string, status:string, head_seq:number, created_at:number, last_active_at:number, pending_approvals?:number, project_id?:string}} ConversationSummary
 * @typedef {{ok: true, value: any} | {ok: false, reason: 'unauthorized'|'offline'|'not_found'|'error', status?: number, message: string}} ApiResult
 */

/**
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<ApiResult>}
 */
export async function call(path, init = {}) {
  let response;
  try {
    response = await fetch(path, {
      credentials: 'same-origin',
      cache: 'no-store',
      ...init,
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.headers ?? {}) },
    });
  } catch {
    return { ok: false, reason: 'offline', message: 'No connection to the server.' };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    /* not JSON */
  }
  if (response.ok) return { ok: true, value: body };
  const message = body?.error?.message ?? `The server answered ${response.status}.`;
  if (response.status === 401) return { ok: false, reason: 'unauthorized', status: 401, message };
  if (response.status === 404) return { ok: false, reason: 'not_found', status: 404, message };
  return { ok: false, reason: 'error', status: response.status, message };
}

/**
 * Upload an attachment's bytes under their SHA-256 (idempotent).
 * @param {string} sha256
 * @param {Blob} data
 * @returns {Promise<ApiResult>} value: {sha256, size}
 */
export function uploadBlob(sha256, data) {
  return call(`/api/blobs/${encodeURIComponent(sha256)}`, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
}

/** @returns {Promise<ApiResult>} value: {conversations: ConversationSummary[]} */
export function listConversations() {
  return call('/api/conversations');
}

/** @returns {Promise<ApiResult>} value: {projects: {id, name, path, default}[]} */
export function listProjects() {
  return call('/api/projects');
}

/** Claude's sessions of a project (sessions started in a terminal). @param {string} projectId @returns {Promise<ApiResult>} */
export function listSessions(projectId) {
  return call(`/api/projects/${encodeURIComponent(projectId)}/sessions`);
}

/**
 * The project's files that match `query`, best first (the composer's `@` picker).
 * @param {string} projectId
 * @param {string} query
 * @param {number} limit
 * @returns {Promise<ApiResult>} value: {files: {path: string}[], total: number, truncated: boolean}
 */
export function searchFiles(projectId, query, limit) {
  return call(`/api/projects/${encodeURIComponent(projectId)}/files?q=${encodeURIComponent(query)}&limit=${limit}`);
}

/** @param {string} id @returns {Promise<ApiResult>} */
export function conversationDetails(id) {
  return call(`/api/conversations/${encodeURIComponent(id)}`);
}

/** @param {string} id @returns {Promise<ApiResult>} */
export function deleteConversation(id) {
  return call(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/**
 * Revoke one "allow always" rule of a conversation.
 * @param {string} id
 * @param {string} ruleId
 * @returns {Promise<ApiResult>} value: {deleted: boolean}
 */
export function revokeRule(id, ruleId) {
  return call(`/api/conversations/${encodeURIComponent(id)}/allow-always/${encodeURIComponent(ruleId)}`, { method: 'DELETE' });
}

/** @returns {Promise<ApiResult>} */
export function health() {
  return call('/api/health');
}
