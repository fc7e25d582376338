"""The `ray up` recipes (ray_cluster.yaml for AWS, ray_cluster_gcp.yaml for GCP), checked offline.

Ray's own validator runs first: `prepare_config` (merge with the provider's defaults.yaml,
docker checks) and `validate_config` (ray-schema.json plus cross-field checks), the steps
`ray up` takes before it talks to a cloud. The schema forbids unknown keys almost everywhere,
so a typo fails here instead of after minutes of node launches. AWS node_configs are also
checked against the EC2 RunInstances parameters shipped with botocore. Then the project's
own rules: no secrets in the files, token authentication on every node, a head that takes
no episode work, no service port open to the internet, GPU node types that vLLM can use.

No cloud credentials, no network, no Ray cluster: a few seconds.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RECIPES = {"aws": ROOT / "ray_cluster.yaml", "gcp": ROOT / "ray_cluster_gcp.yaml"}
CONTAINER_HOME = "/home/ray"  # HOME in the rayproject images
# GCS, Serve HTTP, dashboard + job API, Ray Client, dashboard agent: none reachable from outside.
SERVICE_PORTS = {6379, 8000, 8265, 10001, 52365}
WORLD = {"0.0.0.0/0", "::/0"}


def load(name: str) -> dict:
    return yaml.safe_load(RECIPES[name].read_text())


def ray_validate(config: dict) -> dict:
    """What `ray up` does to a config before it needs the cloud; raises on a bad one."""
    from ray.autoscaler._private.util import prepare_config, validate_config

    prepared = prepare_config(copy.deepcopy(config))
    validate_config(prepared)
    return prepared


def head(config: dict) -> dict:
    return config["available_node_types"][config["head_node_type"]]


def workers(config: dict) -> dict[str, dict]:
    return {k: v for k, v in config["available_node_types"].items() if k != config["head_node_type"]}


def start_commands(config: dict) -> dict[str, list[str]]:
    return {"head": config["head_start_ray_commands"], "worker": config["worker_start_ray_commands"]}


def ray_start_lines(commands: list[str]) -> list[str]:
    lines = [c for c in commands if re.search(r"\bray start\b", c)]
    assert lines, f"no `ray start` among {commands}"
    return lines


def expand_home(path: str) -> str:
    return re.sub(r"^(~|\$HOME|\$\{HOME\})/", CONTAINER_HOME + "/", path)


def all_strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *all_strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in all_strings(v)]
    return [str(node)] if node is not None else []


# --- Ray's own validator -------------------------------------------------------------------

@pytest.mark.parametrize("name", RECIPES)
def test_recipe_passes_rays_cluster_config_validation(name):
    prepared = ray_validate(load(name))
    assert prepared["provider"]["type"] == name
    assert head(prepared)["max_workers"] == 0  # filled in by Ray: the head type is never scaled


def rename(path: list[str], new: str):
    def mutate(config: dict) -> None:
        *parents, key = path
        node = config
        for p in parents:
            node = node[p]
        node[new] = node.pop(key)

    return mutate


def set_value(path: list[str], value):
    def mutate(config: dict) -> None:
        *parents, key = path
        node = config
        for p in parents:
            node = node[p]
        node[key] = value

    return mutate


TYPOS = {
    "top-level max_worker": (rename(["max_workers"], "max_worker"), jsonschema.ValidationError),
    "node type min_worker": (rename(["available_node_types", "cpu_worker", "min_workers"], "min_worker"),
                             jsonschema.ValidationError),
    "node type resource": (rename(["available_node_types", "gpu_worker", "resources"], "resource"),
                           jsonschema.ValidationError),
    "docker run_option": (rename(["docker", "run_options"], "run_option"), jsonschema.ValidationError),
    "node docker worker_run_option": (rename(["available_node_types", "gpu_worker", "docker", "worker_run_options"],
                                             "worker_run_option"), jsonschema.ValidationError),
    "auth ssh_usr": (rename(["auth", "ssh_user"], "ssh_usr"), jsonschema.ValidationError),
    "setup_command": (rename(["setup_commands"], "setup_command"), jsonschema.ValidationError),
    "GPU count as text": (set_value(["available_node_types", "gpu_worker", "resources", "GPU"], "1"),
                          jsonschema.ValidationError),
    "head_node_type not a node type": (set_value(["head_node_type"], "haed"), ValueError),
}


@pytest.mark.parametrize("name", RECIPES)
@pytest.mark.parametrize("typo", TYPOS)
def test_a_typo_is_rejected_by_rays_validator(name, typo):
    mutate, error = TYPOS[typo]
    config = load(name)
    mutate(config)
    with pytest.raises(error):
        ray_validate(config)


def test_a_typo_in_the_aws_security_group_is_rejected():
    config = load("aws")
    config["provider"]["security_group"]["IpPermission"] = config["provider"]["security_group"].pop("IpPermissions")
    with pytest.raises(jsonschema.ValidationError):
        ray_validate(config)


def ec2_errors(shape_name: str, params: dict) -> str:
    """botocore's own check of parameters for an EC2 call (the service model ships with it)."""
    session = pytest.importorskip("botocore.session")
    validate = pytest.importorskip("botocore.validate")
    model = session.get_session().get_service_model("ec2")
    report = validate.ParamValidator().validate(params, model.operation_model(shape_name).input_shape)
    return report.generate_report() if report.has_errors() else ""


@pytest.mark.parametrize("node_type", load("aws")["available_node_types"])
def test_aws_node_config_is_valid_for_ec2_run_instances(node_type):
    # Ray passes node_config to ec2.create_instances (RunInstances) with its own additions.
    node_config = load("aws")["available_node_types"][node_type]["node_config"]
    assert ec2_errors("RunInstances", {**node_config, "MinCount": 1, "MaxCount": 1}) == ""


def test_a_typo_in_an_aws_node_config_is_rejected():
    node_config = dict(load("aws")["available_node_types"]["cpu_worker"]["node_config"])
    node_config["InstanceTyp"] = node_config.pop("InstanceType")
    assert "Unknown parameter" in ec2_errors("RunInstances", {**node_config, "MinCount": 1, "MaxCount": 1})


def test_aws_extra_security_group_rules_are_valid_ec2_rules():
    rules = load("aws")["provider"]["security_group"]["IpPermissions"]
    assert ec2_errors("AuthorizeSecurityGroupIngress", {"GroupId": "sg-0", "IpPermissions": rules}) == ""


# --- no secrets ----------------------------------------------------------------------------

SECRET_PATTERNS = {
    "OpenAI/Anthropic-style key": re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{30,}"),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z0-9]{20,}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    # A value given to a variable named like a secret: OPENAI_API_KEY=..., RAY_AUTH_TOKEN: ...
    # (RAY_AUTH_TOKEN_PATH, a file location, does not match: the name must end there.)
    "secret variable with a value": re.compile(
        r"\b[A-Z][A-Z0-9_]*(?:API_KEY|_TOKEN|_SECRET|SECRET_KEY|PASSWORD|ACCESS_KEY)\s*[=:]\s*[\"']?[^\s\"'#;]+"),
}


def secrets_in(text: str) -> list[str]:
    return [f"{what}: {m.group(0)[:40]}" for what, pattern in SECRET_PATTERNS.items() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", RECIPES)
def test_no_secret_values_in_the_recipe(name):
    # The whole text, comments included: a key pasted into a comment is as leaked.
    assert secrets_in(RECIPES[name].read_text()) == []


def test_the_secret_scan_finds_planted_secrets():
    fake = "0123456789abcdefABCDEF"  # built here so that no real-looking secret sits in this file
    planted = [
        f"  - OPENAI_API_KEY=sk-{fake}",
        f"    - --env RAY_AUTH_TOKEN={fake}",
        f"export RAY_AUTH_TOKEN='{fake}'",
        f"ANTHROPIC_API_KEY: {fake}",
        f"AWS_SECRET_ACCESS_KEY={fake}",
        f"# aws key AKIA{fake.upper()[:16]}",
    ]
    for line in planted:
        assert secrets_in(line), line
    for harmless in ["--env RAY_AUTH_MODE=token", "--env RAY_AUTH_TOKEN_PATH=/home/ray/.ray_auth_token",
                     "--env OPENAI_API_KEY", "export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH=$HOME/.ray_auth_token"]:
        assert secrets_in(harmless) == [], harmless


@pytest.mark.parametrize("name", RECIPES)
def test_docker_passes_no_secret_values(name):
    # `--env NAME` (value taken from the node's environment) is fine; `--env NAME=value` only
    # for settings, never for keys or tokens.
    config = load(name)
    options = list(config["docker"].get("run_options", []))
    for where in [config["docker"], *[t.get("docker", {}) for t in config["available_node_types"].values()]]:
        options += where.get("head_run_options", []) + where.get("worker_run_options", [])
    for option in options:
        for name_value in re.findall(r"(?:--env|-e)[ =](\S+)", option):
            name_, _, value = name_value.partition("=")
            assert name_ in {"RAY_AUTH_MODE", "RAY_AUTH_TOKEN_PATH"} or not value, option


# --- token authentication ------------------------------------------------------------------

@pytest.mark.parametrize("name", RECIPES)
def test_token_authentication_is_on_for_head_and_workers(name):
    config = load(name)
    assert "--env RAY_AUTH_MODE=token" in config["docker"]["run_options"]  # every container, every shell
    for role, commands in start_commands(config).items():
        for line in ray_start_lines(commands):
            before_start = line[: line.index("ray start")]
            assert re.search(r"\bRAY_AUTH_MODE=token\b", before_start), f"{role}: {line}"
    assert "RAY_AUTH_MODE=disabled" not in RECIPES[name].read_text()


@pytest.mark.parametrize("name", RECIPES)
def test_the_token_reaches_every_node_as_a_file_copied_from_outside_the_repository(name):
    config = load(name)
    mounts = {expand_home(remote): local for remote, local in config["file_mounts"].items()}
    paths = set(re.findall(r"RAY_AUTH_TOKEN_PATH=(\S+?);?(?:\s|$)", " ".join(all_strings(config))))
    assert paths, "RAY_AUTH_TOKEN_PATH is never set"
    for path in paths:
        remote = expand_home(path)
        assert remote in mounts, f"RAY_AUTH_TOKEN_PATH={path} is not a file_mounts target"
        assert mounts[remote] == "~/.ray/auth_token"  # where `ray get-auth-token --generate` writes
        # Not under ~/.ray: Docker would create that folder for the mount, owned by root.
        assert not remote.startswith(f"{CONTAINER_HOME}/.ray/")


@pytest.mark.parametrize("name", RECIPES)
def test_keys_come_from_outside_the_repository_and_local_env_files_never_travel(name):
    config = load(name)
    for remote, local in config["file_mounts"].items():
        if not local.startswith(("~", "/")):
            # Relative = inside the repository: only the built wheel's folder goes up, never
            # the repository root (".env", results, .venv) or a config folder.
            assert Path(local).parts[:1] == ("build",), f"{remote}: {local}"
    assert ".env" in config["rsync_exclude"]
    keys_mounts = [remote for remote in config["file_mounts"] if "keys" in remote]
    assert keys_mounts, "no mount brings the provider keys to the nodes"
    for role, commands in start_commands(config).items():
        for line in ray_start_lines(commands):
            # keys.env sourced into the environment `ray start` passes to every Ray worker process
            assert any(f". {m}/keys.env" in line for m in keys_mounts), f"{role}: {line}"


# --- head, workers, GPUs -------------------------------------------------------------------

@pytest.mark.parametrize("name", RECIPES)
def test_head_advertises_no_cpus_so_episode_tasks_never_run_there(name):
    config = load(name)
    assert head(config)["resources"].get("CPU") == 0
    assert head(config)["resources"].get("GPU", 0) == 0
    assert not re.search(r"--num-cpus[ =](?!0\b)", " ".join(config["head_start_ray_commands"]))
    # ... which keeps episodes off the head only because an episode shard asks for a CPU.
    from cluster.tasks import play_shard_task

    assert getattr(play_shard_task, "_default_options", {}).get("num_cpus", 1) >= 1


@pytest.mark.parametrize("name", RECIPES)
def test_node_types_for_episodes_and_for_vllm(name):
    from ray.util import accelerators

    known = {v for k, v in vars(accelerators).items() if k.isupper() and isinstance(v, str)}
    config = load(name)
    gpu_types = {k: t for k, t in workers(config).items() if t["resources"].get("GPU", 0) > 0}
    cpu_types = {k: t for k, t in workers(config).items() if not t["resources"].get("GPU", 0)}
    assert gpu_types and cpu_types
    for key, node_type in gpu_types.items():
        resources = node_type["resources"]
        types = [r.split(":", 1)[1] for r in resources if r.startswith("accelerator_type:")]
        # vllm_models.yaml's accelerator_type becomes a request for this resource.
        assert len(types) == 1 and types[0] in known, f"{key}: accelerator type {types} (known: {sorted(known)})"
        assert resources[f"accelerator_type:{types[0]}"] == 1
        # One CPU per replica (merged into its first GPU bundle) must fit next to the GPUs.
        assert 1 <= resources.get("CPU", 0) <= resources["GPU"] + 1, key
        assert node_type["min_workers"] <= node_type["max_workers"] <= config["max_workers"]
    for key, node_type in cpu_types.items():
        assert node_type.get("max_workers", 1) >= 1, key


def test_vllm_models_fit_a_gpu_node_type_of_a_recipe():
    """Every GPU entry of configs/vllm_models.yaml can be placed on some recipe's GPU nodes."""
    models = yaml.safe_load((ROOT / "configs" / "vllm_models.yaml").read_text()).get("models") or []
    offers = [(name, t["resources"]) for name in RECIPES for t in workers(load(name)).values()
              if t["resources"].get("GPU", 0) > 0]
    for entry in models:
        wanted = entry.get("accelerator_type")
        workers_needed = entry.get("tensor_parallel_size", 1) * (entry.get("engine_kwargs") or {}).get(
            "pipeline_parallel_size", 1)
        if not wanted and workers_needed == 1:
            continue  # runs on CPU or any GPU
        fits = [name for name, r in offers
                if r["GPU"] >= workers_needed and (not wanted or r.get(f"accelerator_type:{wanted}"))]
        assert fits, (f"{entry['name']}: needs {workers_needed} GPU(s) of type {wanted} on one node; "
                      "no node type in ray_cluster*.yaml offers that: add one or change the entry")


@pytest.mark.parametrize("name", RECIPES)
def test_image_is_ray_llm_at_the_installed_ray_version(name):
    import ray

    image = load(name)["docker"]["image"]
    repository, _, tag = image.partition(":")
    assert repository == "rayproject/ray-llm"  # ray-ml images are discontinued
    assert tag.startswith(f"{ray.__version__}-"), f"{image}: the cluster must run Ray {ray.__version__}"
    assert load(name)["docker"]["image"] == load("aws")["docker"]["image"]


@pytest.mark.parametrize("name", RECIPES)
def test_setup_installs_the_project_without_replacing_the_images_vllm(name):
    config = load(name)
    setup = " ".join(config["setup_commands"])
    assert "board_game_arena" in setup
    assert "[gpu]" not in setup  # vLLM comes with the image, matched to its Ray


# --- nothing open to the internet -----------------------------------------------------------

def world_open_service_ports(ip_permissions: list[dict]) -> set[int]:
    """Service ports that AWS ingress rules open to any address."""
    opened = set()
    for rule in ip_permissions:
        cidrs = {r.get("CidrIp") for r in rule.get("IpRanges", [])}
        cidrs |= {r.get("CidrIpv6") for r in rule.get("Ipv6Ranges", [])}
        if not cidrs & WORLD:
            continue
        if str(rule.get("IpProtocol")) == "-1":
            opened |= SERVICE_PORTS
        else:
            low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
            opened |= {p for p in SERVICE_PORTS if low <= p <= high}
    return opened


def test_the_port_check_finds_a_world_open_dashboard():
    assert world_open_service_ports([{"IpProtocol": "tcp", "FromPort": 8265, "ToPort": 8265,
                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]) == {8265}
    assert world_open_service_ports([{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]) == SERVICE_PORTS
    assert world_open_service_ports([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]) == set()
    assert world_open_service_ports([{"IpProtocol": "tcp", "FromPort": 8265, "ToPort": 8265,
                                      "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]) == set()


def test_no_service_port_is_opened_to_the_internet_on_aws():
    rules = load("aws")["provider"]["security_group"]["IpPermissions"]
    assert world_open_service_ports(rules) == set()


@pytest.mark.parametrize("name", RECIPES)
def test_no_rule_anywhere_names_the_whole_internet(name):
    # Stricter than the port check: the recipes themselves open nothing to the world (Ray's
    # default SSH rule on AWS and the VPC's SSH rule on GCP are outside these files).
    assert not [s for s in all_strings(load(name)) if any(w in s for w in WORLD)]


@pytest.mark.parametrize("name", RECIPES)
def test_dashboard_and_job_api_listen_on_the_heads_loopback_only(name):
    (line,) = ray_start_lines(load(name)["head_start_ray_commands"])
    assert "--dashboard-host=127.0.0.1" in line
    assert "--ray-client-server-port" not in line and "--dashboard-port" not in line  # the ports the README tunnels
