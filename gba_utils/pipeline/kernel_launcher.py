"""The build's kernels start here: ipykernel, plus a watch on the process that started the kernel.

ipykernel leaves when its parent goes, but it starts watching only once its start-up is done (seconds, with the
imports), and a parent that died before then is taken for a re-parenting it should ignore: in a container whose
orphans go to a sub-reaper rather than to PID 1, a kernel whose build worker was killed during that start-up lived
on for good (``tests/test_publish.py`` kills builds at random moments and found it). This watch starts first, in a
thread, and ends the kernel as soon as its parent is not the process that launched it.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def _leave_with(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def main() -> None:
    parent = os.getppid()
    if parent != 1:  # a kernel started by init itself has nothing to watch
        threading.Thread(target=_leave_with, args=(parent,), daemon=True, name="gba-parent-watch").start()
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the working folder returns with the shell's own path set-up
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
