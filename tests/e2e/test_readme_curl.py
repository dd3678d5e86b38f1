"""The README's curl session runs as written against the real server, with the outputs the README
shows (ids, tokens, hashes and timestamps normalised), so the README cannot drift.

The section "## One invoice over REST (curl)" has one ``sh`` block (the base URL, the tokens,
helpers) and ``console`` blocks: ``$ `` starts a command, ``> `` continues it, every other line
is its output. All of it runs in one ``bash``, in order; the base URL and the tokens are set
from the server and ``invoiceflow demo``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import PDF, ROOT

SECTION = "## One invoice over REST (curl)"
TOKEN_USERS = ("ivanova", "petrov", "sidorova", "director", "buh")
MARKER = "@@readme-step-{}@@"

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
VOLATILE = (
    (re.compile(r"ifl_[A-Za-z0-9_-]+"), "<token>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<hex>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
)


@dataclass
class Step:
    command: str
    output: str


def readme_session(readme: str) -> tuple[str, list[Step]]:
    """The section's ``sh`` block and its console steps."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start:end if end != -1 else len(readme)]
    setup = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(setup) == 1, "the section has exactly one sh block"
    steps: list[Step] = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:], ""))
            elif line.startswith("> ") and steps and not steps[-1].output:
                steps[-1].command += "\n" + line[2:]
            else:
                assert steps, f"output before any command: {line!r}"
                steps[-1].output += line + "\n"
    return setup[0], steps


def run_session(setup: str, steps: list[Step], api: str, tokens: dict[str, str], cwd: Path) -> list[str]:
    """Run the commands in one bash, in order; the output of each."""
    overrides = [f"API={api}"] + [f"TOKEN_{user.upper()}={tokens[user]}" for user in TOKEN_USERS]
    script = [setup, *overrides]
    for number, step in enumerate(steps):
        script += [f"echo {MARKER.format(number)}", step.command]
    (cwd / "invoice.pdf").write_bytes(PDF)
    (cwd / "invoice-v2.pdf").write_bytes(PDF + b"% v2\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONIOENCODING": "utf-8", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    result = subprocess.run(["bash", "-c", "\n".join(script) + "\n"], cwd=cwd, env=env,
                            capture_output=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0 and not result.stderr, result.stderr
    chunks = re.split(r"^@@readme-step-\d+@@\n", result.stdout, flags=re.M)
    assert chunks[0] == "" and len(chunks) == len(steps) + 1, result.stdout
    return chunks[1:]


def normalise(outputs: list[str]) -> list[str]:
    """Volatile values replaced; each distinct id numbered in order of appearance across the
    whole session, so that "the same id again" is still checked."""
    ids: dict[str, str] = {}

    def number(match):
        return ids.setdefault(match.group(0), f"<id{len(ids) + 1}>")

    normalised = []
    for text in outputs:
        text = UUID.sub(number, text)
        for pattern, replacement in VOLATILE:
            text = pattern.sub(replacement, text)
        normalised.append(text.rstrip())
    return normalised


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="needs bash and curl")
def test_readme_curl_session(server, tmp_path):
    setup, steps = readme_session((ROOT / "README.md").read_text(encoding="utf-8"))
    assert 10 <= len(steps) <= 40
    assert all("curl" in step.command or "echo" in step.command for step in steps)
    outputs = run_session(setup, steps, server.api, server.tokens, tmp_path)
    actual, expected = normalise(outputs), normalise([step.output for step in steps])
    for step, got, wanted in zip(steps, actual, expected):
        assert got == wanted, f"$ {step.command}\nREADME shows:\n{wanted}\nbut it printed:\n{got}"
