"""Running the explorer: in the foreground until Ctrl-C (`cedar serve`), or in a thread of the
calling process on a free loopback port (the tests and the benchmark)."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator


def _server(app: Any) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=3)
    return uvicorn.Server(config)


def run(app: Any, sock: socket.socket) -> None:
    """Serve on `sock` until Ctrl-C (uvicorn handles the signal and shuts down gracefully)."""
    server = _server(app)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a second Ctrl-C during the shutdown
        pass
    finally:
        sock.close()


@contextmanager
def background(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """The app served in a thread on a free port of `host`; yields its base URL, stops on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    sock.listen(128)
    server = _server(app)
    server.install_signal_handlers = lambda: None  # not the main thread: signals stay the caller's
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
