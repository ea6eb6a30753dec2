"""The web process, built from the environment and served over HTTP, that stops right after an upload's
file is placed on disk and before its row commits: the test kills it there with SIGKILL.

    python -m tests.reliability.serve_until_placed <port> <marker-file>
"""

import sys
import time
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app
from app.core.files import LocalStorage


def main(port: int, marker: str) -> None:
    place = LocalStorage.place

    def place_then_wait(self, received, key):
        final = place(self, received, key)
        Path(marker).write_text(key)
        time.sleep(120)  # killed here
        return final

    LocalStorage.place = place_then_wait
    make_server("127.0.0.1", port, create_app(), threaded=True).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
