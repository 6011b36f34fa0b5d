"""The supervisor's live board and the agent's prompt view: server-rendered pages with a
few lines of script that poll the JSON API (no CDN, no build step).

Open `/board?token=TOKEN` (supervisor, qa, leader, admin) or `/agent?token=TOKEN`
(an agent: their own calls). The first render is complete HTML; the script then
re-renders from `/api/live/sessions` once a second when its `version` changes.
"""

from __future__ import annotations

import html
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from coachloop.store.live import UserRecord
from coachloop.web.auth import require
from coachloop.web.live import BOARD_ROLES, LiveService, _service

__all__ = ["router"]

router = APIRouter()

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.hot{color:#b00020;font-weight:600}.ok{color:#2e7d32}.ended{color:#888}
.prompt{margin:.2rem 0;padding:.3rem .5rem;border-left:4px solid #1565c0;background:#f3f7fc}
.prompt.compliance{border-color:#b00020}.prompt.sentiment{border-color:#ef6c00}.prompt.withdrawn{opacity:.5;text-decoration:line-through}
small{color:#666}
"""

_SCRIPT = """
const token = new URLSearchParams(location.search).get('token');
let version = -1;
function esc(s){return String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
function promptHtml(p, agent){
  const cls = 'prompt ' + p.kind + (p.withdrawn ? ' withdrawn' : '');
  let buttons = '';
  if (agent && !p.withdrawn && !p.feedback) {
    buttons = ` <button onclick="fb('${esc(p.id)}','used')">used</button> <button onclick="fb('${esc(p.id)}','dismissed')">dismiss</button>`;
  }
  const link = p.url ? ` <a href="${esc(p.url)}" target="_blank">${esc(p.title)}</a>` : '';
  return `<div class="${cls}"><b>${esc(p.kind)}</b> ${esc(p.title || p.behavior || '')}: ${esc(p.text)}${link}`
    + ` <small>utterance ${p.at_utterance}${p.feedback ? ' - ' + esc(p.feedback) : ''}</small>${buttons}</div>`;
}
async function fb(id, action){
  await fetch(`/api/live/prompts/${encodeURIComponent(id)}/feedback`, {method:'POST',
    headers:{'Authorization':'Bearer '+token,'Content-Type':'application/json'}, body:JSON.stringify({action})});
  tick();
}
async function tick(){
  const r = await fetch('/api/live/sessions', {headers:{'Authorization':'Bearer '+token}});
  if (!r.ok) { document.getElementById('status').textContent = 'error ' + r.status; return; }
  const board = await r.json();
  if (board.version === version) return;
  version = board.version;
  document.getElementById('sessions').innerHTML = render(board.sessions);
  document.getElementById('status').textContent = board.sessions.filter(s => !s.ended).length + ' live';
}
setInterval(tick, 1000);
"""

_BOARD_RENDER = """
function render(sessions){
  if (!sessions.length) return '<tr><td colspan="6">No live calls.</td></tr>';
  return sessions.map(s => `<tr class="${s.ended ? 'ended' : ''}"><td>${esc(s.session)}<br><small>${esc(s.queue || '')}</small></td>`
    + `<td>${esc(s.agent_id || '')}<br><small>${esc(s.team || '')}</small></td>`
    + `<td class="${s.frustrated ? 'hot' : 'ok'}">${s.frustration.toFixed(2)}</td>`
    + `<td class="${s.overdue_compliance.length ? 'hot' : 'ok'}">${esc(s.overdue_compliance.join(', ') || 'none')}</td>`
    + `<td>${s.prompts_raised} <small>(${s.prompts_open} open)</small></td>`
    + `<td>${s.prompts.map(p => promptHtml(p, false)).join('')}</td></tr>`).join('');
}
"""

_AGENT_RENDER = """
function render(sessions){
  const live = sessions.filter(s => !s.ended);
  const shown = live.length ? live : sessions.slice(0, 1);
  if (!shown.length) return '<tr><td>No call in progress.</td></tr>';
  return shown.map(s => `<tr><td><b>${esc(s.session)}</b> ${s.ended ? '(ended)' : ''}`
    + `<br><small>last: ${esc(s.last_utterance ? s.last_utterance.speaker + ': ' + s.last_utterance.text : '')}</small>`
    + `${s.prompts.map(p => promptHtml(p, true)).join('')}</td></tr>`).join('');
}
"""


def _board_rows(sessions: list[dict[str, Any]]) -> str:
    if not sessions:
        return '<tr><td colspan="6">No live calls.</td></tr>'
    rows = []
    for s in sessions:
        prompts = "".join(
            f'<div class="prompt {html.escape(p["kind"])}"><b>{html.escape(p["kind"])}</b> '
            f"{html.escape(p.get('title') or p.get('behavior') or '')}: {html.escape(p['text'])}</div>"
            for p in s["prompts"]
        )
        rows.append(
            f'<tr class="{"ended" if s["ended"] else ""}"><td>{html.escape(s["session"])}</td>'
            f"<td>{html.escape(s['agent_id'] or '')}<br><small>{html.escape(s['team'] or '')}</small></td>"
            f"<td>{s['frustration']:.2f}</td><td>{html.escape(', '.join(s['overdue_compliance']) or 'none')}</td>"
            f"<td>{s['prompts_raised']}</td><td>{prompts}</td></tr>"
        )
    return "".join(rows)


def _page(title: str, head: str, body_rows: str, render: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)} <small id='status'></small></h1>"
        f"<table><thead>{head}</thead><tbody id='sessions'>{body_rows}</tbody></table>"
        f"<script>{_SCRIPT}{render}tick();</script></body></html>"
    )


@router.get("/board", response_class=HTMLResponse, tags=["pages"])
def board(
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require(*BOARD_ROLES))],
) -> str:
    """The supervisor's live board: every visible call, its frustration, overdue compliance and prompts."""
    head = "<tr><th>call</th><th>agent</th><th>frustration</th><th>overdue compliance</th><th>prompts</th><th></th></tr>"
    who = f"team {user.team}" if user.role == "supervisor" else "all teams"
    return _page(f"Live calls - {who}", head, _board_rows(service.hub.visible(user)), _BOARD_RENDER)


@router.get("/agent", response_class=HTMLResponse, tags=["pages"])
def agent_view(
    service: Annotated[LiveService, Depends(_service)],
    user: Annotated[UserRecord, Depends(require("agent"))],
) -> str:
    """The agent's prompts for their call in progress, with used / dismiss buttons."""
    return _page(f"Assist - {user.agent_id}", "", "", _AGENT_RENDER)
