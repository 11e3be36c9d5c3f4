"""Writing a folder of outputs whole (the testbed's and the metric models' committed folders)."""
import os
import shutil
import tempfile


def write_whole(out, fill):
    """Calls fill(tmp) on a fresh folder beside `out`, then swaps it in, so a failure or a kill leaves either the old
    folder or the new one, never a mix. Refuses an `out` that exists and is not a real folder (a file or a link is
    never replaced). The folder is made world-readable: these folders are committed."""
    out = os.path.abspath(out)
    if os.path.lexists(out) and (os.path.islink(out) or not os.path.isdir(out)):
        raise SystemExit(f"{out}: exists and is not a folder; not replaced")
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".", dir=parent)
    os.chmod(tmp, 0o755)   # mkdtemp makes it private
    try:
        fill(tmp)
        if os.path.lexists(out):
            old = tmp + ".old"
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
