"""Jobs the engine's job tests run (dotted paths RQ resolves in a real worker process)."""
from __future__ import annotations

import time

from sixhave_app.engine.errors import ValidationError


def count_to(ctx, job, n: int = 5, pause: float = 0.0, filename: str = "count.txt"):
    """Writes one line per step to a result file, reporting progress after each."""
    path = job.result_path(filename)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            out.write(f"第{i}行\n")
            out.flush()
            job.progress(i, n, note=f"第 {i} 步")
            if pause:
                time.sleep(pause)
    return {"lines": n, "user": ctx.user}


def refuse(ctx, reason: str = "第 3 行：字段 “客户” 不能为空"):
    raise ValidationError(reason)


def whoami(ctx):
    return {"user": ctx.user, "roles": sorted(ctx.roles)}
