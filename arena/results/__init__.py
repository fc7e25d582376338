"""Results on disk: the typed schema, Parquet part files, and loading them back into pandas."""

from arena.results.reader import Results, completed_episode_ids, load
from arena.results.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Results", "completed_episode_ids", "load"]
