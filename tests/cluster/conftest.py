import os

import pytest
import ray


@pytest.fixture(scope="session")
def ray_local():
    """One embedded Ray for the driver tests; CLI tests start their own in subprocesses."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # never depend on a token in the machine's home
    # address="local": a new instance even when a `ray start` cluster runs on this machine
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()
