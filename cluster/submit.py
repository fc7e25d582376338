"""`arena submit`: a tournament as a Ray job on a running cluster.

The job runs `arena run` on the cluster with the project installed there, so everything a local run
does (resume, Serve deployments, gateways, the leaderboard) happens there; its working_dir is a folder
with the resolved tournament and the files it names (cluster/job_folder.py), so the tournament file may
be anywhere. API keys come from the nodes' environment, never from this machine or the job's runtime_env.
Ray's own lines about packaging and uploading go to a log file, not the terminal.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from arena.config.errors import ConfigError
from cluster.job_folder import TOURNAMENT_FILE, build_job_folder
from cluster.progress import PROGRESS_EVENTS, EventFollower
from cluster.run import JOB_MARKER

DEFAULT_TOKEN_FILE = Path("~/.ray/auth_token")
EXIT_BY_STATUS = {"SUCCEEDED": 0, "STOPPED": 130}


class AuthTokenError(ConfigError):
    pass


def find_auth_token() -> tuple[str, str] | None:
    """The token and where it came from, in the order Ray's own CLI looks: RAY_AUTH_TOKEN,
    the file in RAY_AUTH_TOKEN_PATH, ~/.ray/auth_token."""
    if os.environ.get("RAY_AUTH_TOKEN", "").strip():
        return os.environ["RAY_AUTH_TOKEN"].strip(), "RAY_AUTH_TOKEN"
    if os.environ.get("RAY_AUTH_TOKEN_PATH"):
        path = Path(os.environ["RAY_AUTH_TOKEN_PATH"]).expanduser()
        try:
            token = path.read_text().strip()
        except OSError as e:
            raise AuthTokenError(f"RAY_AUTH_TOKEN_PATH={path}: cannot read the token file ({e.strerror})") from None
        if not token:
            raise AuthTokenError(f"RAY_AUTH_TOKEN_PATH={path}: the token file is empty")
        return token, f"RAY_AUTH_TOKEN_PATH ({path})"
    default = DEFAULT_TOKEN_FILE.expanduser()
    if default.is_file() and default.read_text().strip():
        return default.read_text().strip(), str(DEFAULT_TOKEN_FILE)
    return None


def job_client(address: str):
    """A JobSubmissionClient that sends the token when there is one, and says plainly when the cluster refuses."""
    from ray.exceptions import AuthenticationError
    from ray.job_submission import JobSubmissionClient

    found = find_auth_token()
    headers = {"Authorization": f"Bearer {found[0]}"} if found else None
    try:
        return JobSubmissionClient(address, headers=headers)
    except AuthenticationError:
        if found:
            raise AuthTokenError(f"the cluster at {address} refused the Ray auth token from {found[1]}: it is not "
                                 "this cluster's token; get the right one with `ray get-auth-token` on the head node"
                                 ) from None
        raise AuthTokenError(f"the cluster at {address} requires a Ray auth token and none was found: set "
                             "RAY_AUTH_TOKEN, or RAY_AUTH_TOKEN_PATH, or put it in ~/.ray/auth_token (`ray "
                             "get-auth-token` on the head node prints it)") from None
    except ConnectionError as e:
        raise ConfigError(f"--address {address}: no Ray dashboard answers there ({str(e).splitlines()[0][:200]}); "
                          "is the cluster up and the port forwarded (`ray dashboard ray_cluster.yaml`)?") from None


def entrypoint(extend: bool = False, over_budget: bool = False) -> str:
    args = ["arena", "run", TOURNAMENT_FILE]  # the overrides are already in it
    if extend:
        args.append("--extend")
    if over_budget:
        args.append("--over-budget")
    return shlex.join(args)


def submit_log() -> Path:
    return Path(tempfile.gettempdir()) / f"arena-submit-{os.getuid()}.log"


@contextmanager
def ray_lines_to_log():
    """Ray's INFO lines while packaging and uploading the working_dir go to submit_log(), not the terminal;
    its warnings and errors go to both."""
    import ray  # noqa: F401  (importing ray gives its logger the terminal handler replaced here)

    ray_logger = logging.getLogger("ray")
    handler = logging.FileHandler(submit_log(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    warnings = logging.StreamHandler(sys.stderr)
    warnings.setLevel(logging.WARNING)
    saved = ray_logger.handlers[:], ray_logger.propagate
    ray_logger.handlers, ray_logger.propagate = [handler, warnings], False
    try:
        yield
    finally:
        ray_logger.handlers, ray_logger.propagate = saved
        handler.close()


def submit_command(config: str, overrides: list[str], address: str, wait: bool, extend: bool = False,
                   over_budget: bool = False, dev: bool = False) -> int:
    # The config and the files it names are checked here; keys and model folders live on the
    # cluster's nodes, and `arena run` checks them there before any episode starts.
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ConfigError("--address: which cluster? e.g. --address http://127.0.0.1:8265 after "
                          "`ray dashboard ray_cluster.yaml` (or set RAY_ADDRESS)")
    command = entrypoint(extend, over_budget)
    with tempfile.TemporaryDirectory(prefix="arena-job-") as folder, ray_lines_to_log():
        job = build_job_folder(config, overrides, Path(folder), dev=dev)
        client = job_client(address)
        # Nothing secret in the runtime_env: the dashboard shows it to anyone who can see the cluster.
        env = {JOB_MARKER: "1", **({PROGRESS_EVENTS: "1"} if wait else {})}  # --wait draws the job's bar here
        job_id = client.submit_job(entrypoint=command, runtime_env={"working_dir": folder, "env_vars": env},
                                   metadata={"tournament": job.tournament.name})
    t = job.tournament
    files = f" with {', '.join(job.shipped)}" if job.shipped else ""
    code = " and this checkout's code" if dev else ""
    print(f"submitted {t.name} as job {job_id}{files}{code}")
    print(f"results: {t.output_dir}/{t.name} on the cluster (a relative output_dir is resolved against the "
          "head node's ARENA_RESULTS_ROOT, default ~/arena-results)")
    if not wait:
        print(f"follow it:  ray job logs --follow {job_id} --address {address}\n"
              f"status:     ray job status {job_id} --address {address}\n"
              f"stop it:    ray job stop {job_id} --address {address}\n"
              f"fetch it:   {fetch_hint(t.output_dir, t.name)}")
        return 0
    return asyncio.run(follow(client, job_id))


def fetch_hint(output_dir: str, name: str) -> str:
    if "://" in output_dir:
        return f"arena report {output_dir.rstrip('/')}/{name} (or any pyarrow reader of that URI)"
    folder = output_dir.rstrip("/") if output_dir.startswith(("/", "~")) else f"~/arena-results/{output_dir.rstrip('/')}"
    where = "" if output_dir.startswith(("/", "~")) else " (under ARENA_RESULTS_ROOT instead, where the head sets it)"
    return f"ray rsync-down ray_cluster.yaml {folder}/{name} ./{name}{where}"


async def follow(client, job_id: str) -> int:
    follower = EventFollower()
    try:
        async for text in client.tail_job_logs(job_id):
            follower.feed(text)
    finally:
        follower.close()
    info = client.get_job_info(job_id)
    status = info.status.value
    why = f" ({info.message.strip().splitlines()[0][:300]})" if status != "SUCCEEDED" and info.message else ""
    print(f"job {job_id}: {status}{why}")
    return EXIT_BY_STATUS.get(status, 1)
