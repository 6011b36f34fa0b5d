"""Static files: the stylesheet and chart script, and plotly.js from the `plotly` package
(served by the app itself: the pages work offline, nothing comes from a CDN)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent.parent / "static"
CACHE = {"Cache-Control": "public, max-age=86400"}
_OWN = {"app.css": "text/css", "charts.js": "text/javascript"}


def plotly_js() -> Path:
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


@router.get("/static/vendor/plotly.min.js")
def plotly() -> FileResponse:
    return FileResponse(plotly_js(), media_type="text/javascript", headers=CACHE)


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    if name not in _OWN:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file")
    return FileResponse(STATIC / name, media_type=_OWN[name], headers=CACHE)
