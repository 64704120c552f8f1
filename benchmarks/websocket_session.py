"""A session driven the way a browser drives it: Streamlit's own websocket and protobuf messages, no browser.

benchmarks/concurrency.py uses it (`--via websocket`, the default) to load the server as real viewers do. The
agent API (`--via agent`) also builds a description of every element, table data included, for the agent's
snapshot; a browser's session never pays that, so the agent API overstates what each viewer costs the server,
and more so for a page of many tables and charts than for the one-chart floor.

Each `run` sends one BackMsg `rerun_script` (the page's script hash, the widget values a browser would send)
and reads ForwardMsgs until `script_finished`. A run counts as failed when it does not finish successfully or
the page shows an exception.
"""

from __future__ import annotations

import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

#: The label of the shared area picker (dashboard/filters.py), how a session finds its widget id.
AREA_LABEL = "City region or area"


class RunFailed(Exception):
    """The run did not finish successfully, or the page it drew shows an exception."""


class WebsocketSession:
    """One viewer: a websocket to `url`'s /_stcore/stream, kept open across runs, as a browser tab keeps it."""

    def __init__(self, url: str, timeout: float = 300) -> None:
        self.timeout = timeout
        self.ws: ClientConnection = connect(
            url.replace("http://", "ws://", 1) + "/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],  # what the browser's client asks for
            origin=Origin(url),
            max_size=None,
            open_timeout=timeout,
        )
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the first run's navigation message
        self.page_hash = ""
        self.area_id: str | None = None
        self.area = ""
        self.problem: str | None = None  # why the current run failed, once a message shows it

    def run(self, page: str | None = None, area: str | None = None) -> float:
        """Open `page` (a URL path; None: stay) with `area` picked (None: keep it); return the run's seconds."""
        back = BackMsg()
        state = back.rerun_script
        if page is not None:
            self.page_hash = self.pages.get(page, "")
            state.page_name = page
        state.page_script_hash = self.page_hash
        if area is not None:
            self.area = area
        if self.area and self.area_id:
            widget = state.widget_states.widgets.add()
            widget.id, widget.string_value = self.area_id, self.area
        started = time.perf_counter()
        self.ws.send(back.SerializeToString())
        self.problem = None
        while not self._read(self.ws.recv(timeout=self.timeout)):
            pass
        if self.problem:  # raised only once the run's last message is read, so the next run starts clean
            raise RunFailed(self.problem)
        return time.perf_counter() - started

    def _read(self, raw: bytes | str) -> bool:
        """Take in one ForwardMsg; True when it ends the run."""
        message = ForwardMsg()
        message.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        kind = message.WhichOneof("type")
        if kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            self.page_hash = self.page_hash or message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.problem = self.problem or f"the page shows an exception: {element.exception.message[:200]}"
            if element.WhichOneof("type") == "selectbox" and element.selectbox.label == AREA_LABEL:
                self.area_id = element.selectbox.id
        elif kind == "script_finished":
            if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                self.problem = f"the run ended {ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)}"
            return True
        return False

    def close(self) -> None:
        self.ws.close()
