"""`arena submit`: a tournament as a Ray job on a running cluster, the project as its working_dir.

The job runs `arena run` on the cluster, so everything a local run does (resume, Serve
deployments, gateways, the leaderboard) happens there; API keys come from the nodes'
environment, never from this machine or the job's runtime_env.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from pathlib import Path

from arena.config.errors import ConfigError
from arena.config.load import load_tournament
from cluster.run import JOB_MARKER

PROJECT = Path(__file__).resolve().parents[1]
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


def _config_in_project(config: str) -> str:
    path = Path(config).resolve()
    try:
        return path.relative_to(PROJECT).as_posix()
    except ValueError:
        raise ConfigError(f"{config}: a submitted config must be inside the project folder {PROJECT} (it is uploaded "
                          "as the job's working_dir); move it under configs/") from None


def entrypoint(config: str, overrides: list[str], extend: bool = False, over_budget: bool = False) -> str:
    args = ["arena", "run", _config_in_project(config)]
    if overrides:
        args += ["--override", *overrides]
    if extend:
        args.append("--extend")
    if over_budget:
        args.append("--over-budget")
    return shlex.join(args)


def submit_command(config: str, overrides: list[str], address: str, wait: bool, extend: bool = False,
                   over_budget: bool = False) -> int:
    # Only the config itself is checked here: keys and model folders live on the cluster's
    # nodes, and `arena run` checks them there before any episode starts.
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ConfigError("--address: which cluster? e.g. --address http://127.0.0.1:8265 after "
                          "`ray dashboard ray_cluster.yaml` (or set RAY_ADDRESS)")
    t = load_tournament(config, overrides)
    command = entrypoint(config, overrides, extend, over_budget)
    client = job_client(address)
    # Nothing secret in the runtime_env: the dashboard shows it to anyone who can see the cluster.
    job_id = client.submit_job(entrypoint=command, runtime_env={"working_dir": str(PROJECT),
                                                                "env_vars": {JOB_MARKER: "1"}},
                               metadata={"tournament": t.name})
    print(f"submitted {t.name} as job {job_id}: {command}")
    print(f"results: {t.output_dir}/{t.name} on the cluster (a relative output_dir is resolved against the "
          "head node's ARENA_RESULTS_ROOT, default ~/arena-results)")
    if not wait:
        print(f"follow it:  ray job logs --follow {job_id} --address {address}\n"
              f"status:     ray job status {job_id} --address {address}\n"
              f"stop it:    ray job stop {job_id} --address {address}")
        return 0
    return asyncio.run(follow(client, job_id))


async def follow(client, job_id: str) -> int:
    async for lines in client.tail_job_logs(job_id):
        sys.stdout.write(lines)
        sys.stdout.flush()
    info = client.get_job_info(job_id)
    status = info.status.value
    why = f" ({info.message.strip().splitlines()[0][:300]})" if status != "SUCCEEDED" and info.message else ""
    print(f"job {job_id}: {status}{why}")
    return EXIT_BY_STATUS.get(status, 1)
