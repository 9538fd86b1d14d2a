"""The stage as a new user meets it, in real terminals (tmux): `livesamp --stage` prints the
URL; what is typed at the prompt is on the page; `livesamp stage` finds the running stage;
`livesamp stage --tty` in a second terminal draws the code with its atoms lit."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from test_live_terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)")


class Pane(Terminal):
    def screen_escaped(self) -> str:
        """The screen with its colours (escape codes) kept."""
        return subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", self.name], capture_output=True,
                              text=True).stdout


def test_livesamp_stage_in_one_command_then_a_terminal_mirror(tmp_path):
    env = {"LIVESAMP_DATA_DIR": os.environ["LIVESAMP_DATA_DIR"], "PYTHONUNBUFFERED": "1"}
    term = Terminal(f"{sys.executable} -m livesamp --backend null --stage --stage-port 0 "
                    f"--log {tmp_path / 'session.jsonl'}", env)
    mirror = None
    try:
        screen = term.wait_for("livesamp>", timeout=90)
        url = re.search(r"stage: (http://127\.0\.0\.1:\d+/)", screen).group(1)
        assert "read-only" in screen
        term.type('d1 << "thud tss [tsk tsk]"')
        term.wait_for("d1 |", timeout=10)           # the status bar lists it
        state = {}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not state.get("slots"):
            state = json.load(urllib.request.urlopen(url + "state", timeout=5))
            time.sleep(0.1)
        assert state["slots"][0]["code"] == '"thud tss [tsk tsk]"'
        assert state["console"][-1]["text"] == 'd1 << "thud tss [tsk tsk]"'
        term.type("stage()")                         # says where it is
        term.wait_for(f"stage: {url}")
        mirror = Pane(f"{sys.executable} -m livesamp stage --tty --seconds 20", env)
        screen = mirror.wait_for('"thud tss [tsk tsk]"', timeout=30)
        assert "d1" in screen and "synthesised by livesamp's default bank" in mirror.wait_for("synthesised")
        # the lit atom is drawn in reverse colours: the pane's escape codes show it
        lit = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not lit:
            pane = mirror.screen_escaped()
            lit = re.search(r"\x1b\[[0-9;]*43m(thud|tss|tsk)", pane)
            time.sleep(0.05)
        assert lit, pane
        term.type("stage(False)")
        term.wait_for("stage closed")
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
    finally:
        if mirror is not None:
            mirror.close()
        term.close()


