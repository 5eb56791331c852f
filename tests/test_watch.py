"""`ips-data watch`: change detection and the reload log."""

from __future__ import annotations

import os

from fixtures import outcome, participant, tiny_extract, write_table

from ips_data.cli import main
from ips_data.loading.discovery import discover
from ips_data.loading.watch import changes, watch


def test_changes_added_changed_removed(tmp_path):
    root = tiny_extract(tmp_path)
    before = discover(root)
    write_table(root, "participants", [participant("NEW1")], name="new.parquet")
    path = root / "rollout" / "part-1.parquet"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    (root / "fidelity" / "part-1.parquet").unlink()
    diff = changes(before, discover(root))
    assert diff.added == ("participants/new.parquet",)
    assert diff.changed == ("rollout/part-1.parquet",)
    assert diff.removed == ("fidelity/part-1.parquet",)
    assert not changes(discover(root), discover(root))


def test_watch_logs_each_reload_with_rejections(tmp_path):
    root = tiny_extract(tmp_path)
    lines: list[str] = []
    polls = iter(range(3))

    def out(line: str) -> None:
        lines.append(line)

    class Step:
        """Between polls: drop a bad file after the first, nothing after the second."""

        def is_set(self) -> bool:
            return False

        def wait(self, _interval: float) -> bool:
            if next(polls) == 0:
                write_table(root, "outcomes", [outcome("ghost")], name="late.parquet")
            return False

    watch(root, interval=0, iterations=3, out=out, stop=Step())
    reloads = [line for line in lines if " reload: " in line]
    assert len(reloads) == 2  # the first listing and the one change; no reload without change
    assert "5 accepted, 0 rejected" in reloads[0]
    assert "+1 added" in reloads[1] and "1 rejected" in reloads[1]
    assert "(5 unchanged files not read again)" in reloads[1]  # only the new file is read
    assert any("rejected outcomes/late.parquet: unknown_person" in line for line in lines)


def test_watch_cli_runs_bounded(tmp_path, capsys):
    root = tiny_extract(tmp_path)
    assert main(["watch", "--data-dir", str(root), "--iterations", "1", "--interval", "0"]) == 0
    assert "reload:" in capsys.readouterr().out
