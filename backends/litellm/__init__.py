"""litellm_* models: API providers through LiteLLM, called from gateway actors that hold each account's limits."""
