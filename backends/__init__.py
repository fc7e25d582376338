"""Ways to reach a model: implementations of arena's async chat interface."""

import os

# LiteLLM fetches its cost map from the network at import unless told not to; the
# offline copy it ships is what cost figures use (overridable per model).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
