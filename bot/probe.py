"""``python -m bot.probe``: the container's health check, ``GET /readyz`` on ``HEALTH_PORT``.

Exit 0 when the running bot answers ready, 1 otherwise (not ready, not answering, no
``HEALTH_PORT``). It imports nothing of the bot, so a probe every 30 seconds costs a few
milliseconds, unlike ``python -m bot check``, which loads the catalogue itself.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("HEALTH_PORT", "").strip()
    if not port.isdigit():
        print("python -m bot.probe: HEALTH_PORT is not set", file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:  # 503 (not ready) lands here too
        print(f"python -m bot.probe: not ready ({error})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
